"""Temporary: teachgrad/utils/data.py still imports stack from here.

The ops of this module now live in views.py, indexing.py and joining.py. Delete this
file once utils/data.py imports `from teachgrad.ops.joining import stack`.
"""

from teachgrad.ops.joining import stack  # noqa: F401
