"""Tensor methods and operators, attached from the op modules.

Each op is written once, as a function in teachgrad/ops/. Here the same functions
become methods (x.exp() is teachgrad.exp(x)) and Python operators (a * b is
teachgrad.mul(a, b)), so there is exactly one implementation of each.

The long tail of torch's Tensor API, off the reading path, is attached the same way
(_long_tail, at the bottom) from modules by concept beside tensor.py: tensor_convert.py
(devices and dtypes), tensor_python.py (Python numbers, len, iteration, deepcopy),
tensor_layout.py (strides, memory), tensor_new.py (Tensor(2, 3), new_zeros) and
tensor_autograd.py (detach_).
"""

from __future__ import annotations

from typing import Any


def attach(tensor_class: type) -> None:
    from teachgrad.ops import (
        activation,
        arithmetic,
        bitwise,
        compare,
        convert,
        division,
        exp_log,
        extrema,
        indexing,
        inplace,
        joining,
        linalg,
        matrix_products,
        mean,
        mixing,
        norms,
        powers,
        product,
        reductions,
        reflected,
        rounding,
        running,
        scans,
        signs,
        softmax,
        sort,
        special,
        trigonometry,
        unary,
        variance,
        views,
        where,
    )

    methods = {
        # arithmetic
        "add": arithmetic.add, "sub": arithmetic.sub, "mul": arithmetic.mul,
        "div": division.div, "pow": powers.pow, "neg": signs.neg,
        "reciprocal": division.reciprocal,
        "subtract": arithmetic.sub, "multiply": arithmetic.mul, "divide": division.div,
        "negative": signs.neg, "square": _square,
        # math functions of one tensor
        "exp": unary.exp, "log": exp_log.log, "sqrt": exp_log.sqrt, "abs": signs.abs,
        "sin": trigonometry.sin, "cos": trigonometry.cos, "sin_": trigonometry.sin_,
        "cos_": trigonometry.cos_, "tanh": activation.tanh, "sigmoid": activation.sigmoid,
        "relu": unary.relu, "sign": rounding.sign,
        # more math functions (trigonometry.py, exp_log.py, special.py, mixing.py, bitwise.py)
        **_more_math(bitwise, exp_log, mixing, special, trigonometry),
        # rounding and remainders
        "floor_divide": rounding.floor_divide, "remainder": rounding.remainder,
        "fmod": rounding.fmod, "round": rounding.round, "floor": rounding.floor,
        "ceil": rounding.ceil, "trunc": rounding.trunc, "fix": rounding.trunc,
        "frac": rounding.frac,
        # choosing between values
        "clamp": where.clamp, "clip": where.clamp, "maximum": where.maximum,
        "minimum": where.minimum, "masked_fill": where.masked_fill,
        # comparisons and logic
        "eq": compare.eq, "ne": compare.ne, "lt": compare.lt, "le": compare.le,
        "gt": compare.gt, "ge": compare.ge, "logical_and": compare.logical_and,
        "logical_or": compare.logical_or, "logical_xor": compare.logical_xor,
        "logical_not": compare.logical_not, "isnan": compare.isnan,
        "isfinite": compare.isfinite, "isinf": compare.isinf, "allclose": compare.allclose,
        "isclose": compare.isclose, "equal": compare.equal,
        # reductions, the softmax family, running sums, norms
        "sum": reductions.sum, "mean": mean.mean, "max": extrema.max,
        "min": extrema.min, "amax": extrema.amax, "amin": extrema.amin,
        "prod": product.prod, "var": variance.var, "std": variance.std,
        "argmax": extrema.argmax, "argmin": extrema.argmin, "any": extrema.any,
        "all": extrema.all, "logsumexp": softmax.logsumexp, "softmax": softmax.softmax,
        "log_softmax": softmax.log_softmax, "cumsum": scans.cumsum, "cumprod": scans.cumprod,
        "cummax": running.cummax, "cummin": running.cummin,
        "logcumsumexp": running.logcumsumexp,
        "norm": norms.norm,
        # sorting
        "sort": sort.sort, "argsort": sort.argsort, "topk": sort.topk,
        # views
        "view": views.view, "view_as": views.view_as, "reshape": views.reshape,
        "reshape_as": views.reshape_as, "flatten": views.flatten, "unflatten": views.unflatten,
        "transpose": views.transpose, "swapaxes": views.transpose, "permute": views.permute,
        "t": views.t, "squeeze": views.squeeze, "unsqueeze": views.unsqueeze,
        "expand": views.expand, "expand_as": views.expand_as,
        # indexing
        "select": indexing.select, "narrow": indexing.narrow, "gather": indexing.gather,
        "flip": indexing.flip, "fliplr": indexing.fliplr, "flipud": indexing.flipud,
        "roll": indexing.roll,
        # joining and splitting
        "split": joining.split_method, "chunk": joining.chunk, "unbind": joining.unbind,
        "repeat": joining.repeat, "tile": joining.tile,
        # matrix products
        "matmul": linalg.matmul, "mm": matrix_products.mm, "bmm": matrix_products.bmm,
        "mv": matrix_products.mv, "dot": matrix_products.dot,
        # copies
        "clone": convert.clone, "contiguous": convert.contiguous,
        # in place
        "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
        "pow_": inplace.pow_, "clamp_": inplace.clamp_, "clip_": inplace.clamp_,
        "zero_": inplace.zero_, "fill_": inplace.fill_, "copy_": inplace.copy_,
        "relu_": inplace.relu_, "sigmoid_": activation.sigmoid_, "tanh_": activation.tanh_,
        "exp_": inplace.exp_, "log_": exp_log.log_, "sqrt_": exp_log.sqrt_,
        "abs_": inplace.abs_, "neg_": inplace.neg_, "floor_divide_": inplace.floor_divide_,
        "remainder_": inplace.remainder_, "masked_fill_": inplace.masked_fill_,
    }
    from teachgrad.argument_aliases import aliased_methods
    from teachgrad.ops import api_more, linalg_more, statistics
    from teachgrad.ops.composites import FUNCTIONS as COMPOSITES
    from teachgrad.ops.index_shape_api import TENSOR_METHODS

    methods.update(TENSOR_METHODS)
    for name, function in COMPOSITES.items():
        methods.setdefault(name, function)
    for module in (api_more, statistics, linalg_more):  # breadth, by concept
        for name, function in module.TENSOR_METHODS.items():
            methods.setdefault(name, function)
    for name, function in aliased_methods(methods).items():
        setattr(tensor_class, name, function)

    operators = {
        "__add__": arithmetic.add, "__radd__": _swap(arithmetic.add),
        "__sub__": arithmetic.sub, "__rsub__": reflected.rsub,
        "__mul__": arithmetic.mul, "__rmul__": _swap(arithmetic.mul),
        "__truediv__": division.div, "__rtruediv__": _swap(division.div),
        "__pow__": powers.pow, "__rpow__": _swap(powers.pow),
        "__floordiv__": rounding.floor_divide,
        "__rfloordiv__": _swap(rounding.floor_divide),
        "__mod__": rounding.remainder, "__rmod__": _swap(rounding.remainder),
        "__matmul__": linalg.matmul, "__rmatmul__": _swap(linalg.matmul),
        "__neg__": signs.neg, "__abs__": signs.abs, "__pos__": _positive,
        "__eq__": _comparison(compare.eq), "__ne__": _comparison(compare.ne),
        "__lt__": compare.lt, "__le__": compare.le, "__gt__": compare.gt, "__ge__": compare.ge,
        "__and__": compare.bitwise_and, "__rand__": _swap(compare.bitwise_and),
        "__or__": compare.bitwise_or, "__ror__": _swap(compare.bitwise_or),
        "__xor__": bitwise.bitwise_xor, "__rxor__": _swap(bitwise.bitwise_xor),
        "__lshift__": bitwise.bitwise_left_shift,
        "__rlshift__": _swap(bitwise.bitwise_left_shift),
        "__rshift__": bitwise.bitwise_right_shift,
        "__rrshift__": _swap(bitwise.bitwise_right_shift),
        "__ixor__": bitwise.bitwise_xor_, "__ilshift__": bitwise.bitwise_left_shift_,
        "__irshift__": bitwise.bitwise_right_shift_,
        "__invert__": compare.bitwise_not,
        "__iadd__": inplace.add_, "__isub__": inplace.sub_, "__imul__": inplace.mul_,
        "__itruediv__": inplace.div_, "__ifloordiv__": inplace.floor_divide_,
        "__imod__": inplace.remainder_,
        "__getitem__": indexing.getitem, "__setitem__": inplace.setitem,
    }
    for name, function in operators.items():
        setattr(tensor_class, name, function)
    for name, function in _long_tail().items():
        setattr(tensor_class, name, function)
    from teachgrad.tensor_inplace_forms import inplace_forms

    for name, function in inplace_forms(tensor_class).items():  # floor_, unsqueeze_, ...
        setattr(tensor_class, name, function)
    tensor_class.T = property(views.reversed_dims)
    tensor_class.mT = property(views.matrix_transpose)


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


def _more_math(*modules: Any) -> dict[str, Any]:
    """Every public function of these modules, by name: tan, tan_, atan2, lerp_, ..."""
    names = {
        "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh",
        "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh", "arctanh",
        "rsqrt", "erf", "erfc", "exp2", "log2", "log10", "log1p", "expm1", "logaddexp",
        "logaddexp2", "lerp", "copysign", "bitwise_xor", "bitwise_left_shift",
        "bitwise_right_shift",
    }
    found = {}
    for module in modules:
        for name in names:
            for variant in (name, name + "_"):
                if hasattr(module, variant):
                    found[variant] = getattr(module, variant)
    return found


def _positive(x: Any) -> Any:
    """+x: x itself, as in torch, which refuses it for a bool tensor (+mask means nothing)."""
    if x._array.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported. A mask is "
                           "already itself; convert first if a number is meant, e.g. +x.int().")
    return x


def _square(x: Any) -> Any:
    from teachgrad.ops import powers

    return powers.pow(x, 2)


def _long_tail() -> dict[str, Any]:
    """The rest of torch's Tensor API: methods and protocols from the tensor_*.py modules."""
    from teachgrad import tensor_autograd, tensor_convert, tensor_layout, tensor_new, tensor_python

    return {
        # autograd: hooks on a tensor's gradient, keeping a non-leaf's, detach in place
        "register_hook": tensor_autograd.register_hook,
        "retain_grad": tensor_autograd.retain_grad,
        "retains_grad": property(tensor_autograd.retains_grad),
        "detach_": tensor_autograd.detach_,
        # devices and dtypes
        "to": tensor_convert.to, "cpu": tensor_convert.cpu, "cuda": tensor_convert.cuda,
        "float": tensor_convert.as_float32, "double": tensor_convert.as_float64,
        "half": tensor_convert.as_float16, "long": tensor_convert.as_int64,
        "int": tensor_convert.as_int32, "short": tensor_convert.as_int16,
        "bool": tensor_convert.as_bool, "byte": tensor_convert.as_uint8,
        "type_as": tensor_convert.type_as, "type": tensor_convert.legacy_type,
        "is_floating_point": tensor_convert.is_floating_point,
        # memory layout, and torch's other names for dim() and numel()
        "stride": tensor_layout.stride, "is_contiguous": tensor_layout.is_contiguous,
        "element_size": tensor_layout.element_size, "data_ptr": tensor_layout.data_ptr,
        "storage_offset": tensor_layout.storage_offset,
        "ndimension": tensor_layout.ndimension, "nelement": tensor_layout.nelement,
        # new tensors: torch's legacy constructor Tensor(2, 3), and ones like this one
        "__init__": tensor_new.legacy_init, "new_tensor": tensor_new.new_tensor,
        "new_zeros": tensor_new.new_zeros, "new_ones": tensor_new.new_ones,
        "new_full": tensor_new.new_full, "new_empty": tensor_new.new_empty,
        # Python values and protocols: numbers, lists, len, iteration, format, deepcopy
        "item": tensor_python.item, "tolist": tensor_python.tolist,
        "__bool__": tensor_python.truth_value, "__float__": tensor_python.as_python_float,
        "__int__": tensor_python.as_python_int, "__index__": tensor_python.as_index,
        "__array__": tensor_python.as_numpy_array, "__len__": tensor_python.length,
        "__iter__": tensor_python.iterate, "__format__": tensor_python.formatted,
        "__deepcopy__": tensor_python.deepcopy,
    }
