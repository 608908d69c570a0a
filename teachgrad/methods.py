"""Tensor methods and operators, attached from the op modules.

Each op is written once, as a function in teachgrad/ops/. Here the same functions
become methods (x.exp() is teachgrad.exp(x)) and Python operators (a * b is
teachgrad.mul(a, b)), so there is exactly one implementation of each.
"""

from __future__ import annotations

from typing import Any


def attach(tensor_class: type) -> None:
    from teachgrad.ops import compare, convert, elementwise, inplace, linalg, reduce, shape, sort

    methods = {
        # elementwise
        "add": elementwise.add, "sub": elementwise.sub, "mul": elementwise.mul,
        "div": elementwise.div, "pow": elementwise.pow, "neg": elementwise.neg,
        "exp": elementwise.exp, "log": elementwise.log, "sqrt": elementwise.sqrt,
        "abs": elementwise.abs, "sin": elementwise.sin, "cos": elementwise.cos,
        "tanh": elementwise.tanh, "sigmoid": elementwise.sigmoid, "relu": elementwise.relu,
        "clamp": elementwise.clamp, "clip": elementwise.clamp,
        "maximum": elementwise.maximum, "minimum": elementwise.minimum,
        "reciprocal": elementwise.reciprocal, "sign": elementwise.sign,
        "rsub": elementwise.rsub, "subtract": elementwise.sub, "multiply": elementwise.mul,
        "divide": elementwise.div, "negative": elementwise.neg, "square": _square,
        "floor_divide": elementwise.floor_divide, "remainder": elementwise.remainder,
        "fmod": elementwise.fmod, "round": elementwise.round, "floor": elementwise.floor,
        "ceil": elementwise.ceil, "trunc": elementwise.trunc, "fix": elementwise.trunc,
        "frac": elementwise.frac, "masked_fill": elementwise.masked_fill,
        # comparisons and logic
        "eq": compare.eq, "ne": compare.ne, "lt": compare.lt, "le": compare.le,
        "gt": compare.gt, "ge": compare.ge, "logical_and": compare.logical_and,
        "logical_or": compare.logical_or, "logical_xor": compare.logical_xor,
        "logical_not": compare.logical_not, "isnan": compare.isnan,
        "isfinite": compare.isfinite, "isinf": compare.isinf, "allclose": compare.allclose,
        "isclose": compare.isclose, "equal": compare.equal,
        # reductions
        "sum": reduce.sum, "mean": reduce.mean, "max": reduce.max, "min": reduce.min,
        "amax": reduce.amax, "amin": reduce.amin, "prod": reduce.prod, "var": reduce.var,
        "std": reduce.std, "logsumexp": reduce.logsumexp, "softmax": reduce.softmax,
        "log_softmax": reduce.log_softmax, "argmax": reduce.argmax, "argmin": reduce.argmin,
        "any": reduce.any, "all": reduce.all, "cumsum": reduce.cumsum,
        "cumprod": reduce.cumprod, "norm": reduce.norm,
        # sorting
        "sort": sort.sort, "argsort": sort.argsort, "topk": sort.topk,
        # shapes and indexing
        "view": shape.view, "view_as": shape.view_as, "reshape": shape.reshape,
        "reshape_as": shape.reshape_as, "flatten": shape.flatten, "unflatten": shape.unflatten,
        "transpose": shape.transpose, "swapaxes": shape.transpose, "permute": shape.permute,
        "t": shape.t, "squeeze": shape.squeeze, "unsqueeze": shape.unsqueeze,
        "expand": shape.expand, "expand_as": shape.expand_as, "split": shape.split,
        "chunk": shape.chunk, "unbind": shape.unbind, "select": shape.select,
        "narrow": shape.narrow, "gather": shape.gather, "flip": shape.flip,
        "fliplr": shape.fliplr, "flipud": shape.flipud, "repeat": shape.repeat,
        "tile": shape.tile, "roll": shape.roll,
        # matrix products
        "matmul": linalg.matmul, "mm": linalg.mm, "bmm": linalg.bmm, "mv": linalg.mv,
        "dot": linalg.dot,
        # copies
        "clone": convert.clone, "contiguous": convert.contiguous,
        # in place
        "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
        "pow_": inplace.pow_, "clamp_": inplace.clamp_, "clip_": inplace.clamp_,
        "zero_": inplace.zero_, "fill_": inplace.fill_, "copy_": inplace.copy_,
        "relu_": inplace.relu_, "sigmoid_": inplace.sigmoid_, "tanh_": inplace.tanh_,
        "exp_": inplace.exp_, "log_": inplace.log_, "sqrt_": inplace.sqrt_,
        "abs_": inplace.abs_, "neg_": inplace.neg_, "floor_divide_": inplace.floor_divide_,
        "remainder_": inplace.remainder_, "masked_fill_": inplace.masked_fill_,
    }
    for name, function in methods.items():
        setattr(tensor_class, name, function)

    operators = {
        "__add__": elementwise.add, "__radd__": _swap(elementwise.add),
        "__sub__": elementwise.sub, "__rsub__": elementwise.rsub,
        "__mul__": elementwise.mul, "__rmul__": _swap(elementwise.mul),
        "__truediv__": elementwise.div, "__rtruediv__": _swap(elementwise.div),
        "__pow__": elementwise.pow, "__rpow__": _swap(elementwise.pow),
        "__floordiv__": elementwise.floor_divide,
        "__rfloordiv__": _swap(elementwise.floor_divide),
        "__mod__": elementwise.remainder, "__rmod__": _swap(elementwise.remainder),
        "__matmul__": linalg.matmul, "__rmatmul__": _swap(linalg.matmul),
        "__neg__": elementwise.neg, "__abs__": elementwise.abs, "__pos__": _identity,
        "__eq__": _comparison(compare.eq), "__ne__": _comparison(compare.ne),
        "__lt__": compare.lt, "__le__": compare.le, "__gt__": compare.gt, "__ge__": compare.ge,
        "__and__": compare.bitwise_and, "__rand__": _swap(compare.bitwise_and),
        "__or__": compare.bitwise_or, "__ror__": _swap(compare.bitwise_or),
        "__xor__": compare.bitwise_xor, "__rxor__": _swap(compare.bitwise_xor),
        "__invert__": compare.bitwise_not,
        "__iadd__": inplace.add_, "__isub__": inplace.sub_, "__imul__": inplace.mul_,
        "__itruediv__": inplace.div_, "__ifloordiv__": inplace.floor_divide_,
        "__imod__": inplace.remainder_,
        "__getitem__": shape.getitem, "__setitem__": inplace.setitem,
    }
    for name, function in operators.items():
        setattr(tensor_class, name, function)
    tensor_class.T = property(shape.reversed_dims)
    tensor_class.mT = property(lambda x: shape.transpose(x, -2, -1))


def _swap(function: Any) -> Any:
    """For reflected operators: 2 * x calls x.__rmul__(2), which means mul(2, x)."""

    def reflected(self: Any, other: Any) -> Any:
        return function(other, self)

    reflected.__name__ = f"r{function.__name__}"
    return reflected


def _comparison(function: Any) -> Any:
    """== and != with a non-number (None, a string) answer False/True, as torch does."""

    def compare_or_fallback(self: Any, other: Any) -> Any:
        if other is None or isinstance(other, (str, list, dict)):
            return NotImplemented
        return function(self, other)

    return compare_or_fallback


def _identity(x: Any) -> Any:
    return x


def _square(x: Any) -> Any:
    from teachgrad.ops import elementwise

    return elementwise.pow(x, 2)
