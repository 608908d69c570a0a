"""Where the indexing and shaping breadth of torch's API is registered.

The ops live in modules by concept beside this one (off the reading path). Listed here
once, they become Tensor methods (methods.attach adds TENSOR_METHODS) and top-level
functions (teachgrad/__init__.py adds FUNCTIONS), so each op is written exactly once.
"""

from __future__ import annotations

from typing import Any

TENSOR_METHODS: dict[str, Any] = {}
FUNCTIONS: dict[str, Any] = {}
