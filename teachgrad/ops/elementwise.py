"""Temporary: teachgrad/optim/adam.py still imports maximum from here.

The ops of this module now live in arithmetic.py, unary.py, rounding.py and where.py.
Delete this file once adam.py imports `from teachgrad.ops.where import maximum`.
"""

from teachgrad.ops.where import maximum  # noqa: F401
