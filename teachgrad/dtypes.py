"""Data types that print like torch's, and torch's rules for promoting them.

A teachgrad dtype wraps a NumPy dtype (CuPy uses the same ones). The promotion rules
are torch's, which differ from NumPy's in two ways a learner meets early:
an int64 tensor times a float32 tensor is float32 (NumPy says float64), and a Python
float times an int tensor gives the default float dtype, float32.
"""

from __future__ import annotations

import numpy as np

# Kept before the torch-style names below shadow the builtins.
_py_float, _py_int, _py_bool = float, int, bool


class dtype:
    __slots__ = ("name", "numpy_dtype", "is_floating_point", "is_signed", "itemsize", "_kind")

    def __init__(self, name: str, numpy_dtype: type, kind: int) -> None:
        self.name = name
        self.numpy_dtype = np.dtype(numpy_dtype)
        self.is_floating_point = kind == _FLOAT
        self.is_signed = name not in ("bool", "uint8")
        self.itemsize = self.numpy_dtype.itemsize
        self._kind = kind

    def __repr__(self) -> str:
        return f"teachgrad.{self.name}"

    def __reduce__(self) -> str:
        # Pickling a dtype gives back the same module-level object.
        return self.name


# Categories, lowest first: a higher category wins over a lower one in promotion.
_BOOL, _INT, _FLOAT = 0, 1, 2

bool = dtype("bool", np.bool_, _BOOL)
uint8 = dtype("uint8", np.uint8, _INT)
int8 = dtype("int8", np.int8, _INT)
int16 = dtype("int16", np.int16, _INT)
int32 = dtype("int32", np.int32, _INT)
int64 = dtype("int64", np.int64, _INT)
float16 = dtype("float16", np.float16, _FLOAT)
float32 = dtype("float32", np.float32, _FLOAT)
float64 = dtype("float64", np.float64, _FLOAT)

# torch's other spellings of the same objects
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

ALL_DTYPES = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_BY_NUMPY = {d.numpy_dtype: d for d in ALL_DTYPES}

# torch's legacy names: the C++ scalar type its errors print ("not implemented for
# 'Long'") and, with "Tensor" added, the tensor type x.type() answers ("FloatTensor").
LEGACY_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
    "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
}


def legacy_name(d: object) -> str:
    """torch's C++ name of a teachgrad or NumPy dtype: 'Float' for float32, 'Long' for int64."""
    name = d.name  # type: ignore[attr-defined]
    return LEGACY_NAMES.get(name, name)


def legacy_type_name(d: object) -> str:
    """torch's legacy tensor type of a dtype: 'FloatTensor' for float32."""
    return legacy_name(d) + "Tensor"


class _Defaults:
    floating = float32


def get_default_dtype() -> dtype:
    return _Defaults.floating


def set_default_dtype(d: dtype) -> None:
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _Defaults.floating = d


def from_numpy_dtype(numpy_dtype: np.dtype) -> dtype:
    """The teachgrad dtype of a NumPy/CuPy array; TypeError for ones torch lacks."""
    try:
        return _BY_NUMPY[numpy_dtype]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {numpy_dtype}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(d: object) -> dtype:
    """Accept a teachgrad dtype, a NumPy dtype or a Python type (float, int, bool)."""
    if isinstance(d, dtype):
        return d
    if d is _py_float:
        return float64  # torch maps Python's float (a C double) to float64, always
    if d is _py_int:
        return int64
    if d is _py_bool:
        return bool
    return from_numpy_dtype(np.dtype(d))


def accumulation_dtype(d: object, needs_grad: bool) -> dtype:
    """The dtype= of a sum or running sum (sum, cumsum, cumprod). A gradient cannot flow
    back through an integer result, and torch refuses rather than drop it silently."""
    chosen = to_dtype(d)
    if needs_grad and not chosen.is_floating_point:
        raise RuntimeError(f"Autograd not support dtype: {legacy_name(chosen)}. The input "
                           "requires grad: sum in a floating dtype, or detach it first, e.g. "
                           f"x.detach().sum(dtype=teachgrad.{chosen.name}).")
    return chosen


def _promote_pair(a: dtype, b: dtype) -> dtype:
    """torch.promote_types for two dtypes."""
    if a is b:
        return a
    if a._kind != b._kind:
        return a if a._kind > b._kind else b
    if a._kind == _FLOAT:
        return a if a.itemsize >= b.itemsize else b
    if a._kind == _BOOL:
        return a
    # Integers: uint8 and a signed type meet at the smallest signed type that holds both.
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


def promote_types(a: dtype, b: dtype) -> dtype:
    return _promote_pair(to_dtype(a), to_dtype(b))


def scalar_dtype(value: object) -> dtype:
    """The dtype torch gives a Python number that takes part in an op."""
    if isinstance(value, _py_bool):
        return bool
    if isinstance(value, _py_int):
        return int64
    return _Defaults.floating


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # An operand of higher priority (a tensor with dimensions) keeps its dtype unless
    # a lower-priority operand (0-dim tensor, Python number) is of a higher category.
    if higher is None:
        return lower
    if lower is None or higher._kind >= lower._kind:
        return higher
    return _promote_pair(higher, lower)


def result_type(*operands: object) -> dtype:
    """torch.result_type over tensors and Python numbers.

    Operands fall into three priority groups: tensors with dimensions, 0-dim tensors,
    and Python numbers. Promotion happens inside each group, then across groups only
    when a lower group brings a higher category.
    """
    dims = zero_dims = scalars = None
    for operand in operands:
        operand_dtype = getattr(operand, "dtype", None)
        if operand_dtype is None:
            scalars = _merge(scalars, scalar_dtype(operand))
        elif operand.dim() == 0:
            zero_dims = _merge(zero_dims, operand_dtype)
        else:
            dims = _merge(dims, operand_dtype)
    return _combine_categories(dims, _combine_categories(zero_dims, scalars))


def _merge(current: dtype | None, new: dtype) -> dtype:
    return new if current is None else _promote_pair(current, new)


def can_cast(from_: dtype, to: dtype) -> bool:
    """torch.can_cast: an in-place op may not move a value to a lower category."""
    return from_._kind <= to._kind


def result_type_of(tensor: object, other: object) -> dtype:
    """torch.result_type(tensor, other): the dtype an op of the two would give (the
    public form of result_type, which takes any number of operands)."""
    return result_type(tensor, other)
