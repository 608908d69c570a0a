"""The differential fuzzer's op table, input generators and known differences.

Not a test module: tests/test_fuzz_torch.py imports it. Every entry of OPS is one call
written once for both libraries: ``op.call(lib, *inputs, **params)`` runs with
``lib = teachgrad`` and with ``lib = torch``. A kind (unary, binary, reduce, ...) says
how the inputs and parameters are drawn; a Draw hands out hypothesis draws (for shapes,
dtypes, layouts, parameters: these shrink well) and a seeded NumPy generator (for the
values: fast).

KNOWN_DIFFERENCES lists what the fuzzer finds today and teachgrad does not yet do as
torch: the generators leave those cases out (each entry's `excludes` says which), and
tests/test_fuzz_torch.py runs each entry's one-line reproducer as a strict xfail, so a
fix turns it into a failure that asks for the entry to be removed.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from hypothesis import strategies as st
from test_gradcheck import Draw as GradcheckDraw

import teachgrad

#: every dtype the fuzzer draws, by name (the same name in teachgrad and torch)
DTYPES = ("float32", "float64", "int64", "int32", "uint8", "int8", "bool")
FLOATS = ("float32", "float64")
#: first inputs are floats more often than not: most ops are about floats
DTYPE_WEIGHTS = (("float32", 5), ("float64", 3), ("int64", 2), ("int32", 1),
                 ("uint8", 1), ("int8", 1), ("bool", 1))
LAYOUTS = ("plain", "clone", "transposed", "strided", "expanded", "offset")


# --------------------------------------------------------------------------- drawing

class Draw(GradcheckDraw):
    """Hypothesis draws for structure, a NumPy generator (seeded by hypothesis) for values:
    test_gradcheck's Draw, plus the fuzzer's choices of dtype, shape and dim."""

    def pick(self, options: Any, label: str | None = None) -> Any:
        """One of the options (shrinking towards the first); cheaper than sampled_from."""
        options = options if isinstance(options, (list, tuple)) else list(options)
        return options[self(st.integers(0, len(options) - 1), label)]

    def chance(self, p: float) -> bool:
        """True with probability about p (a hypothesis draw, so it shrinks to False)."""
        return self(st.integers(0, 99)) < round(p * 100)

    def dtype(self) -> str:
        weighted = [name for name, weight in DTYPE_WEIGHTS for _ in range(weight)]
        return self.pick(weighted, "dtype")

    def shape(self, min_dims: int = 0, max_dims: int = 3, min_side: int = 0,
              max_side: int = 4) -> tuple[int, ...]:
        ndim = self(st.integers(min_dims, max_dims), "ndim")
        # zero-size dims come up, but not in most examples: they hide everything else
        sides = st.integers(max(min_side, 1), max_side)
        if min_side == 0:
            sides = st.one_of(sides, sides, sides, sides, sides, st.just(0))
        return tuple(self(sides) for _ in range(ndim))

    def dim(self, ndim: int, valid: float = 0.95) -> int:
        """A dim for a tensor of ndim dims: negative ones too, out of range now and then."""
        top = max(ndim, 1)
        if self.chance(valid):
            return self(st.integers(-top, top - 1), "dim")
        return self.pick([top, -top - 1], "bad dim")


SPECIAL_FLOATS = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0)


def float_specials(dtype: str) -> tuple[float, ...]:
    info = np.finfo(dtype)
    return SPECIAL_FLOATS + (float(info.max), -float(info.max), float(info.tiny),
                             -float(info.tiny), float(info.smallest_subnormal), 1e10, -1e10)


def int_specials(dtype: str) -> tuple[int, ...]:
    info = np.iinfo(dtype)
    wanted = (0, 1, -1, 2, info.min, info.max, info.min + 1, info.max - 1)
    return tuple(value for value in wanted if info.min <= value <= info.max)


def values(draw: Draw, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """An array of the dtype: ordinary values, ties (small integers), or specials mixed in."""
    rng, size = draw.rng, int(np.prod(shape))
    mode = draw.pick(["normal", "normal", "ties", "special"], "values")
    if dtype == "bool":
        return (rng.random(size) < 0.5).reshape(shape)
    if dtype in FLOATS:
        data = rng.standard_normal(size) * 2.0
        if mode == "ties":
            data = rng.integers(-3, 4, size).astype(float)
        elif mode == "special":
            mask = rng.random(size) < 0.4
            data[mask] = rng.choice(float_specials(dtype), int(mask.sum()))
        with np.errstate(all="ignore"):
            return data.astype(dtype).reshape(shape)
    info = np.iinfo(dtype)
    low, high = max(info.min, -6), min(info.max, 6)
    data = rng.integers(low, high + 1, size, dtype=np.int64).astype(dtype)
    if mode == "special":
        mask = rng.random(size) < 0.4
        data[mask] = rng.choice(np.array(int_specials(dtype), dtype=dtype), int(mask.sum()))
    return data.reshape(shape)


def python_scalar(draw: Draw, kind: str | None = None) -> Any:
    """A Python number: bool, int or float, special values now and then."""
    kind = kind or draw.pick(["int", "float", "float", "bool"], "scalar kind")
    if kind == "bool":
        return draw.pick([True, False])
    if kind == "int":
        return draw.pick([0, 1, 2, 3, -1, -2, 5, 7, 1000, -1000, 300, 2**31, -(2**63)])
    return draw.pick([0.5, 1.5, -2.0, 3.0, 0.0, -0.0, 1e-3, 1e5, math.nan, math.inf, -math.inf,
                      1e300, 2.5])


# --------------------------------------------------------------------------- inputs

@dataclass
class Input:
    """One tensor argument: a leaf's values and the layout op that turns it into the input."""

    array: np.ndarray  # the leaf's values (the leaf's shape)
    layout: str  # one of LAYOUTS
    shape: tuple[int, ...]  # the input's shape, after the layout op
    requires_grad: bool = False
    layout_arg: Any = None  # the dim of "strided", the target shape of "expanded"

    @property
    def dtype(self) -> str:
        return str(self.array.dtype)

    def build(self, lib: Any) -> tuple[Any, Any]:
        """(leaf, input) in lib: a fresh leaf, and the view or copy the op receives."""
        leaf = lib.tensor(self.array.copy())
        if self.requires_grad:
            leaf.requires_grad_(True)
        if self.layout == "clone":
            return leaf, leaf.clone()
        if self.layout == "transposed":
            return leaf, leaf.transpose(-1, -2)
        if self.layout == "strided":
            index = (slice(None),) * self.layout_arg + (slice(None, None, 2),)
            return leaf, leaf[index]
        if self.layout == "expanded":
            return leaf, leaf.expand(self.shape)
        if self.layout == "offset":
            return leaf, leaf[1:].view(self.shape)
        return leaf, leaf

    def describe(self) -> str:
        text = f"tensor({self.array.tolist()!r}, dtype={self.dtype}"
        text += ", requires_grad=True)" if self.requires_grad else ")"
        if self.layout == "clone":
            return text + ".clone()"
        if self.layout == "transposed":
            return text + ".transpose(-1, -2)"
        if self.layout == "strided":
            return text + f"[{':, ' * self.layout_arg}::2]"
        if self.layout == "expanded":
            return text + f".expand{self.shape}"
        if self.layout == "offset":
            return text + f"[1:].view({self.shape})"
        return text


def tensor_input(draw: Draw, shape: tuple[int, ...], dtype: str, grad: bool = True,
                 layout: str | None = None) -> Input:
    """An input of this shape and dtype in a drawn layout; float inputs usually need grad."""
    requires_grad = grad and dtype in FLOATS and draw.chance(0.8)
    layout = layout or draw.pick(["plain", "plain", "plain", "clone", "transposed", "strided",
                                  "expanded", "offset"], "layout")
    if layout == "transposed" and len(shape) >= 2:
        leaf = shape[:-2] + (shape[-1], shape[-2])
        return Input(values(draw, leaf, dtype), layout, shape, requires_grad)
    if layout == "strided" and shape:
        dim = draw(st.integers(0, len(shape) - 1))
        leaf = shape[:dim] + (2 * shape[dim],) + shape[dim + 1:]
        return Input(values(draw, leaf, dtype), layout, shape, requires_grad, dim)
    if layout == "expanded" and any(side != 1 for side in shape):
        leaf = tuple(1 if draw.chance(0.5) else side for side in shape)
        return Input(values(draw, leaf, dtype), layout, shape, requires_grad)
    if layout == "offset":
        return Input(values(draw, (int(np.prod(shape)) + 1,), dtype), layout, shape,
                     requires_grad)
    if layout == "clone":
        return Input(values(draw, shape, dtype), layout, shape, requires_grad)
    return Input(values(draw, shape, dtype), "plain", shape, requires_grad)


def broadcast_partner(draw: Draw, shape: tuple[int, ...], valid: float = 0.95
                      ) -> tuple[int, ...]:
    """A shape that broadcasts with `shape` (dims dropped, set to 1, or added in front)."""
    if not draw.chance(valid) and shape:
        dim = draw(st.integers(0, len(shape) - 1))
        return shape[:dim] + (shape[dim] + 2,) + shape[dim + 1:]
    drop = draw(st.integers(0, len(shape)))
    partner = [1 if draw.chance(0.3) else side for side in shape[drop:]]
    extra = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(0, 1)))] if drop == 0 else []
    return tuple(extra + partner)


# --------------------------------------------------------------------------- cases

@dataclass
class Case:
    """One call: the op, its arguments (Inputs, Python numbers, lists) and keyword params."""

    op: Op
    args: list[Any]
    params: dict[str, Any] = field(default_factory=dict)
    in_chain: bool = False  # a step of a chain: later steps may send back inf or NaN

    def inputs(self) -> list[Input]:
        found = []
        for arg in self.args:
            if isinstance(arg, Input):
                found.append(arg)
            elif isinstance(arg, list):
                found.extend(item for item in arg if isinstance(item, Input))
        return found

    def describe(self) -> str:
        def show(arg: Any) -> str:
            if isinstance(arg, Input):
                return arg.describe()
            if isinstance(arg, Live):
                return "y"
            if isinstance(arg, np.ndarray):
                return f"tensor({arg.tolist()!r}, dtype={arg.dtype})"
            if isinstance(arg, tuple):
                return "(" + ", ".join(show(item) for item in arg) + ",)"
            if isinstance(arg, list):
                return "[" + ", ".join(show(item) for item in arg) + "]"
            return repr(arg)
        args = ", ".join(show(arg) for arg in self.args)
        params = ", ".join(f"{key}={show(value)}" for key, value in self.params.items())
        return f"{self.op.name}({args}{', ' if params and args else ''}{params})"


def build_args(lib: Any, case: Case) -> tuple[list[Any], list[Any]]:
    """(leaves, arguments) in lib: each Input becomes a fresh tensor; numbers stay."""
    leaves: list[Any] = []

    def one(arg: Any) -> Any:
        if isinstance(arg, np.ndarray):
            return lib.tensor(arg.copy())
        if isinstance(arg, Live):
            return arg.tensors[lib.__name__]
        if isinstance(arg, Input):
            leaf, tensor = arg.build(lib)
            leaves.append(leaf)
            return tensor
        if isinstance(arg, list):
            return [one(item) for item in arg]
        return arg
    return leaves, [one(arg) for arg in case.args]


def as_tensor(lib: Any, value: Any) -> Any:
    """Index arrays and masks kept as NumPy in params become lib tensors at call time."""
    if isinstance(value, np.ndarray):
        return lib.tensor(value.copy())
    if isinstance(value, DType):
        return getattr(lib, value.name)
    if isinstance(value, tuple):
        return tuple(as_tensor(lib, item) for item in value)
    if isinstance(value, list):
        return [as_tensor(lib, item) for item in value]
    return value


# --------------------------------------------------------------------------- op table

Drawer = Callable[[Draw, Any], Case]


@dataclass(frozen=True)
class Op:
    """One call in both libraries. `kind` names the drawer of its arguments."""

    name: str
    kind: str
    call: Callable[..., Any]
    params: Callable[[Draw, tuple[int, ...]], dict[str, Any]] | None = None
    accum: bool = False  # a sum over many elements: the tolerance grows with them
    dtypes: tuple[str, ...] = DTYPES  # the first input's dtypes worth drawing
    scalar_left: bool = False  # a Python number may come first (operators only)


def fn(name: str) -> Callable[..., Any]:
    return lambda lib, *args, **kw: getattr(lib, name)(*args, **kw)


def method(name: str) -> Callable[..., Any]:
    return lambda lib, x, *args, **kw: getattr(x, name)(*args, **kw)


def positional(call: Callable[..., Any]) -> Callable[..., Any]:
    """The params passed by position, in order (keyword names are not what is fuzzed)."""
    return lambda lib, *args, **kw: call(lib, *args, *kw.values())


def functional(name: str) -> Callable[..., Any]:
    return lambda lib, *args, **kw: getattr(lib.nn.functional, name)(*args, **kw)


def has(name: str, where: str = "method") -> bool:
    """Both have it (the fuzzer tests behaviour, not API coverage: see the findings)."""
    import torch
    return all(hasattr(target, name) for target in {
        "method": (teachgrad.Tensor, torch.Tensor), "fn": (teachgrad, torch),
        "functional": (teachgrad.nn.functional, torch.nn.functional)}[where])


UNARY = ("neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu",
         "sign", "floor", "ceil", "round", "trunc", "frac", "reciprocal", "rsqrt", "exp2",
         "expm1", "log2", "log10", "log1p", "asin", "acos", "atan", "sinh", "cosh", "asinh",
         "acosh", "atanh", "erf", "erfc", "square", "logical_not", "isnan", "isinf",
         "isfinite", "clone", "contiguous", "detach", "float", "double", "long", "int",
         "bool", "byte", "short")
ACTIVATIONS = ("relu", "gelu", "silu", "elu", "leaky_relu", "softplus", "hardtanh", "relu6",
               "selu", "celu", "mish", "hardsigmoid", "hardswish", "softsign", "logsigmoid",
               "sigmoid", "tanh")
BINARY = (  # name, operator, in-place operator
    ("add", operator.add, operator.iadd), ("sub", operator.sub, operator.isub),
    ("mul", operator.mul, operator.imul), ("div", operator.truediv, operator.itruediv),
    ("floor_divide", operator.floordiv, operator.ifloordiv),
    ("remainder", operator.mod, operator.imod), ("pow", operator.pow, None),
    ("bitwise_and", operator.and_, None), ("bitwise_or", operator.or_, None),
    ("bitwise_xor", operator.xor, operator.ixor),
    ("bitwise_left_shift", operator.lshift, operator.ilshift),
    ("bitwise_right_shift", operator.rshift, operator.irshift),
    ("eq", operator.eq, None), ("ne", operator.ne, None), ("lt", operator.lt, None),
    ("le", operator.le, None), ("gt", operator.gt, None), ("ge", operator.ge, None),
    ("fmod", None, None), ("maximum", None, None), ("minimum", None, None),
    ("atan2", None, None), ("logaddexp", None, None), ("logaddexp2", None, None),
    ("copysign", None, None), ("logical_and", None, None), ("logical_or", None, None),
    ("logical_xor", None, None), ("rsub", None, None), ("isclose", None, None),
)


def unary_ops() -> list[Op]:
    ops = []
    for name in UNARY:
        if has(name, "fn"):
            ops.append(Op(f"torch.{name}", "unary", fn(name)))
        if has(name):
            ops.append(Op(f"Tensor.{name}", "unary", method(name)))
        if has(name + "_"):
            ops.append(Op(f"Tensor.{name}_", "unary", method(name + "_")))
    for name in ACTIVATIONS:
        if has(name, "functional"):
            ops.append(Op(f"F.{name}", "unary", functional(name)))
    ops += [Op("-x", "unary", lambda lib, x: -x), Op("abs(x)", "unary", lambda lib, x: abs(x)),
            Op("~x", "unary", lambda lib, x: ~x), Op("+x", "unary", lambda lib, x: +x),
            Op("F.leaky_relu(slope)", "unary",
               lambda lib, x: lib.nn.functional.leaky_relu(x, 0.2)),
            Op("F.elu(alpha)", "unary", lambda lib, x: lib.nn.functional.elu(x, alpha=0.5)),
            Op("F.softplus(beta)", "unary",
               lambda lib, x: lib.nn.functional.softplus(x, beta=2.0, threshold=5.0)),
            Op("F.hardtanh(range)", "unary",
               lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 2.0)),
            Op("F.gelu(tanh)", "unary",
               lambda lib, x: lib.nn.functional.gelu(x, approximate="tanh"))]
    return ops


def binary_ops() -> list[Op]:
    ops = []
    for name, op, iop in BINARY:
        if op is not None:
            ops.append(Op(f"x {name} y", "binary", lambda lib, x, y, op=op: op(x, y),
                          scalar_left=True))
        if iop is not None:
            ops.append(Op(f"x {name}= y", "binary", lambda lib, x, y, iop=iop: iop(x, y)))
        if has(name, "fn"):
            ops.append(Op(f"torch.{name}", "binary", fn(name)))
        if has(name):
            ops.append(Op(f"Tensor.{name}", "binary", method(name)))
        if has(name + "_"):
            ops.append(Op(f"Tensor.{name}_", "binary", method(name + "_")))
    ops += [Op("torch.div(rounding_mode)", "binary", fn("div"),
               lambda d, shape: {"rounding_mode": d.pick(["trunc", "floor", None])}),
            Op("torch.add(alpha)", "binary", fn("add"),
               lambda d, shape: {"alpha": d.pick([2, -1, 0.5])}),
            Op("torch.lerp", "binary", lambda lib, x, y: lib.lerp(x, y, 0.25)),
            Op("torch.allclose", "binary", fn("allclose")),
            Op("torch.equal", "binary", fn("equal"))]
    return ops


# --------------------------------------------------------------------------- more ops

@dataclass(frozen=True)
class DType:
    """A dtype parameter, named: teachgrad.int32 in teachgrad, torch.int32 in torch."""

    name: str

    def __repr__(self) -> str:
        return f"lib.{self.name}"


def dims(draw: Draw, shape: tuple[int, ...], none: bool = True, tuples: bool = True) -> Any:
    """None (all dims), one dim, or a tuple of distinct dims."""
    options = (["none"] if none else []) + ["one", "one"] + (["tuple"] if tuples else [])
    choice = draw.pick(options, "dims")
    if choice == "none":
        return None
    if choice == "one" or not shape:
        return draw.dim(len(shape))
    count = draw(st.integers(1, len(shape)))
    chosen = draw(st.permutations(range(len(shape))))[:count]
    return tuple(dim - len(shape) if draw.chance(0.3) else dim for dim in chosen)


def reduce_params(none: bool = True, tuples: bool = True, keepdim: bool = True,
                  extra: Callable[[Draw], dict[str, Any]] | None = None
                  ) -> Callable[[Draw, tuple[int, ...]], dict[str, Any]]:
    def params(draw: Draw, shape: tuple[int, ...]) -> dict[str, Any]:
        dim = dims(draw, shape, none, tuples)
        found = {} if dim is None else {"dim": dim}
        if keepdim and dim is not None and draw.chance(0.5):
            found["keepdim"] = True
        if extra is not None:
            found.update(extra(draw))
        return found
    return params


def one_dim(draw: Draw, shape: tuple[int, ...]) -> dict[str, Any]:
    return {"dim": draw.dim(len(shape))}


def maybe_dtype(*names: str) -> Callable[[Draw], dict[str, Any]]:
    def extra(draw: Draw) -> dict[str, Any]:
        return {"dtype": DType(draw.pick(names))} if draw.chance(0.2) else {}
    return extra


def correction(draw: Draw) -> dict[str, Any]:
    choice = draw.pick(["default", "correction", "unbiased"])
    if choice == "correction":
        return {"correction": draw.pick([0, 1, 2])}
    if choice == "unbiased":
        return {"unbiased": draw.pick([True, False])}
    return {}


def reduction_ops() -> list[Op]:
    table = [
        ("sum", reduce_params(extra=maybe_dtype("float64", "int32", "int64")), True),
        ("mean", reduce_params(extra=maybe_dtype("float64")), True),
        ("prod", reduce_params(tuples=False), True),
        ("amax", reduce_params(), False), ("amin", reduce_params(), False),
        ("max", reduce_params(tuples=False), False), ("min", reduce_params(tuples=False), False),
        ("argmax", reduce_params(tuples=False), False),
        ("argmin", reduce_params(tuples=False), False),
        ("var", reduce_params(extra=correction), True),
        ("std", reduce_params(extra=correction), True),
        ("all", reduce_params(tuples=False), False), ("any", reduce_params(tuples=False), False),
        ("logsumexp", reduce_params(none=False), True),
        ("norm", reduce_params(extra=lambda d: {"p": d.pick([2, 1, math.inf, 3])}), True),
        ("cumsum", lambda d, s: {"dim": d.dim(len(s)), **maybe_dtype("float64", "int32")(d)},
         True),
        ("cumprod", one_dim, True), ("logcumsumexp", one_dim, True), ("cummax", one_dim, False),
        ("softmax", lambda d, s: {"dim": d.dim(len(s)), **maybe_dtype("float64")(d)}, True),
        ("log_softmax", one_dim, True),
        ("sort", lambda d, s: {"dim": d.dim(len(s)), "descending": d.pick([False, True])},
         False),
        ("argsort", lambda d, s: {"dim": d.dim(len(s)), "descending": d.pick([False, True])},
         False),
        ("var_mean", reduce_params(extra=correction), True),
        ("std_mean", reduce_params(extra=correction), True),
    ]
    ops = []
    for name, params, accum in table:
        if has(name, "fn"):
            ops.append(Op(f"torch.{name}", "unary", fn(name), params, accum))
        if has(name):
            ops.append(Op(f"Tensor.{name}", "unary", method(name), params, accum))
    for name in ("softmax", "log_softmax", "softmin"):
        ops.append(Op(f"F.{name}", "unary", functional(name), one_dim, True))
    ops.append(Op("Tensor.topk", "unary", method("topk"), lambda d, s: {
        "k": d(st.integers(0, max(s[-1:] or [1]))), "dim": -1, "largest": d.pick([True, False])}))
    return ops


def new_shape(draw: Draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape with the same number of elements: dims merged, 1s added, one -1, or a bad one."""
    sides = list(shape)
    merged: list[int] = []
    for side in sides:
        if merged and draw.chance(0.4):
            merged[-1] *= side
        else:
            merged.append(side)
    while draw.chance(0.25):
        merged.insert(draw(st.integers(0, len(merged))), 1)
    if merged and draw.chance(0.3):
        merged[draw(st.integers(0, len(merged) - 1))] = -1
    if draw.chance(0.05):
        merged.append(2)
    return tuple(merged)


def index_of(draw: Draw, shape: tuple[int, ...]) -> Any:
    """A torch index for this shape: ints, slices, None, ..., lists, int and bool tensors."""
    parts: list[Any] = []
    dim, rng = 0, draw.rng
    ellipsis = False
    while dim < len(shape) and draw.chance(0.75):
        size = shape[dim]
        kind = draw.pick(["int", "int", "slice", "slice", "slice", "none", "list", "tensor",
                          "mask", "ellipsis"], "index kind")
        if kind == "int":
            parts.append(draw(st.integers(-size, size - 1)) if size and draw.chance(0.95)
                         else draw.pick([size, -size - 1]))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
            step = draw.pick([None, None, 1, 2, 3] + ([-1] if draw.chance(0.2) else []))
            parts.append(slice(start, stop, step))
        elif kind == "none":
            parts.append(None)
            continue
        elif kind == "ellipsis" and not ellipsis:
            parts.append(Ellipsis)
            ellipsis = True
            dim = len(shape) - draw(st.integers(0, len(shape) - dim - 1))
            continue
        elif kind in ("list", "tensor") and size:
            count = draw(st.integers(0 if kind == "tensor" else 1, 3))
            chosen = rng.integers(-size, size, count).tolist()
            dtype = draw.pick(["int64", "int64", "int32", "uint8"])
            if kind == "tensor" and dtype == "uint8":  # torch reads it as a mask: 0s and 1s
                chosen = rng.integers(0, 2, count).tolist()
            parts.append(chosen if kind == "list" else np.array(chosen, dtype=dtype))
        elif kind == "mask":
            width = draw(st.integers(1, len(shape) - dim))
            mask = rng.random(shape[dim:dim + width]) < 0.5
            parts.append(mask if draw.chance(0.9) else mask.astype("uint8"))
            dim += width
            continue
        else:
            parts.append(slice(None))
        dim += 1
    if len(parts) == 1 and draw.chance(0.5):
        return parts[0]
    return tuple(parts)


def indexed_shape(shape: tuple[int, ...], index: Any) -> tuple[int, ...] | None:
    """torch's shape of x[index], or None where torch refuses the index."""
    import torch
    try:
        return tuple(torch.empty(shape)[as_tensor(torch, index)].shape)
    except Exception:  # the fuzzer checks the error itself
        return None


def setitem(lib: Any, x: Any, value: Any, index: Any) -> Any:
    x[index] = value
    return x


def view_params(draw: Draw, shape: tuple[int, ...], name: str) -> dict[str, Any]:
    """The arguments of a view or reshaping method, mostly valid ones."""
    ndim = len(shape)
    if name in ("reshape", "view"):
        return {"shape": new_shape(draw, shape)}
    if name in ("transpose", "swapaxes"):
        return {"dim0": draw.dim(ndim), "dim1": draw.dim(ndim)}
    if name == "permute":
        order = list(draw(st.permutations(range(ndim))))
        return {"dims": tuple(order if draw.chance(0.95) else order[:-1])}
    if name == "squeeze":
        return {} if draw.chance(0.3) else {"dim": dims(draw, shape, none=False)}
    if name == "unsqueeze":
        return {"dim": draw(st.integers(-ndim - 1, ndim))}
    if name == "flatten":
        return {"start_dim": draw.dim(ndim), "end_dim": draw.dim(ndim)}
    if name == "expand":
        target = [side if side != 1 or draw.chance(0.5) else draw(st.integers(0, 3))
                  for side in shape]
        target = [-1 if draw.chance(0.2) else side for side in target]
        return {"size": tuple([draw(st.integers(1, 2))] * draw(st.integers(0, 1)) + target)}
    if name == "narrow":
        dim = draw.dim(ndim)
        size = shape[dim] if -ndim <= dim < ndim and ndim else 1
        start = draw(st.integers(-size, size))
        return {"dim": dim, "start": start, "length": draw(st.integers(0, max(size - start, 0)))}
    if name == "select":
        dim = draw.dim(ndim)
        size = shape[dim] if -ndim <= dim < ndim and ndim else 1
        return {"dim": dim, "index": draw(st.integers(-size, max(size - 1, 0)))}
    if name == "flip":
        chosen = dims(draw, shape, none=False)
        return {"dims": chosen if isinstance(chosen, tuple) else (chosen,)}
    if name == "roll":
        return {"shifts": draw(st.integers(-5, 5)), "dims": draw.dim(ndim)}
    if name == "split":
        return {"split_size_or_sections": draw(st.integers(1, 3)), "dim": draw.dim(ndim)}
    if name == "chunk":
        return {"chunks": draw(st.integers(1, 4)), "dim": draw.dim(ndim)}
    if name == "unbind":
        return {"dim": draw.dim(ndim)}
    if name in ("repeat", "tile"):
        reps = [draw(st.integers(0, 2)) for _ in range(draw(st.integers(ndim if name == "repeat"
                                                                           else 0, ndim + 1)))]
        return {"sizes" if name == "repeat" else "dims": tuple(reps)}
    return {}


VIEWS = ("reshape", "view", "transpose", "swapaxes", "permute", "squeeze", "unsqueeze",
         "flatten", "expand", "narrow", "select", "flip", "roll", "split", "chunk", "unbind",
         "repeat", "tile", "t")


def view_ops() -> list[Op]:
    ops = []
    for name in VIEWS:
        params = partial(view_params, name=name)
        if has(name):
            ops.append(Op(f"Tensor.{name}", "unary", positional(method(name)), params))
        if has(name, "fn"):
            ops.append(Op(f"torch.{name}", "unary", positional(fn(name)), params))
    ops += [Op("x.T", "unary", lambda lib, x: x.T), Op("x.mT", "unary", lambda lib, x: x.mT),
            Op("x[index]", "unary", lambda lib, x, index: x[index],
               lambda d, s: {"index": index_of(d, s)}),
            Op("x[index] = y", "setitem", setitem),
            Op("x.view(...).mul_", "unary",
               lambda lib, x, shape: x.view(shape).mul_(2),
               lambda d, s: {"shape": new_shape(d, s)}),
            Op("x[index].add_", "unary", lambda lib, x, index: x[index].add_(1),
               lambda d, s: {"index": index_of(d, s)})]
    return ops


# --------------------------------------------------------------------------- drawers

def first_input(draw: Draw, op: Op, first: Any, **shape_kw: Any) -> Any:
    if first is not None:
        return first
    dtype = draw.pick(op.dtypes, "dtype") if op.dtypes != DTYPES else draw.dtype()
    return tensor_input(draw, draw.shape(**shape_kw), dtype)


def partner_dtype(draw: Draw, dtype: str) -> str:
    return dtype if draw.chance(0.6) else draw.dtype()


def draw_unary(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    return Case(op, [x], op.params(draw, x.shape) if op.params else {})


def operand(draw: Draw, shape: tuple[int, ...], dtype: str, scalars: float = 0.25) -> Any:
    """A tensor that broadcasts with `shape` or, now and then, a Python number."""
    if draw.chance(scalars):
        return python_scalar(draw)
    return tensor_input(draw, broadcast_partner(draw, shape), partner_dtype(draw, dtype))


def draw_binary(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    params = op.params(draw, x.shape) if op.params else {}
    y = operand(draw, x.shape, x.dtype)
    if not isinstance(y, Input) and op.scalar_left and first is None and draw.chance(0.4):
        return Case(op, [y, x], params)
    if isinstance(y, Input) and first is None and draw.chance(0.15):
        return Case(op, [y, x], params)
    return Case(op, [x, y], params)


def draw_setitem(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first, min_dims=1)
    index = index_of(draw, x.shape)
    target = indexed_shape(x.shape, index)
    if target is None or draw.chance(0.25):
        value = python_scalar(draw)
    else:
        value = tensor_input(draw, broadcast_partner(draw, target), partner_dtype(draw, x.dtype),
                             grad=draw.chance(0.5))
    return Case(op, [x, value], {"index": index})


MATMUL_SHAPES = {"mm": ((2, 2),), "bmm": ((3, 3),), "mv": ((2, 1),), "dot": ((1, 1),)}


def draw_matmul(draw: Draw, op: Op, first: Any) -> Case:
    side = st.integers(0, 3) if draw.chance(0.2) else st.integers(1, 3)
    m, n, p, b = (draw(side) for _ in range(4))
    if first is not None:
        left = first.shape
        n = left[-1] if left else n
    else:
        ndims = draw.pick(MATMUL_SHAPES.get(op.name.split(".")[-1], ((1, 1), (2, 1), (1, 2),
                                                                       (2, 2), (3, 2), (3, 3)))
                          + ((draw(st.integers(0, 3)), draw(st.integers(0, 3))),))
        left = ((b,) * (ndims[0] - 2) + (m,) + (n,))[-ndims[0]:] if ndims[0] else ()
    right_ndim = draw(st.integers(1, 3)) if first is not None else ndims[1]
    right = ((b if draw.chance(0.8) else 1,) * (right_ndim - 2) + (n, p))[:right_ndim]
    if right_ndim == 1:
        right = (n,)
    if draw.chance(0.05) and right:
        right = right[:-1] + (right[-1] + 1,) if right_ndim == 1 else right
    dtype = first.dtype if first is not None else draw.dtype()
    x = first if first is not None else tensor_input(draw, left, dtype)
    y = tensor_input(draw, right, dtype if draw.chance(0.85) else draw.dtype())
    return Case(op, [x, y])


def draw_joining(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    stack = "stack" in op.name
    dim = (draw(st.integers(-len(x.shape) - 1, len(x.shape))) if stack
           else draw.dim(len(x.shape)))
    parts = [x]
    for _ in range(draw(st.integers(0, 2))):
        shape = list(x.shape)
        if not stack and shape and -len(shape) <= dim < len(shape) and draw.chance(0.7):
            shape[dim] = draw(st.integers(0, 3))
        if draw.chance(0.05):
            parts.append(tensor_input(draw, (0,), "float32"))  # torch's cat skips it
            continue
        parts.append(tensor_input(draw, tuple(shape), partner_dtype(draw, x.dtype)))
    if draw.chance(0.2):
        parts.reverse()
    return Case(op, [parts], {"dim": dim})


def draw_clamp(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    bounds = {}
    for key in ("min", "max"):
        choice = draw.pick(["none", "number", "number", "tensor"])
        if choice == "number":
            bounds[key] = python_scalar(draw, draw.pick(["int", "float"]))
        elif choice == "tensor":
            bounds[key] = tensor_input(draw, broadcast_partner(draw, x.shape),
                                       partner_dtype(draw, x.dtype))
    return Case(op, [x, bounds.get("min"), bounds.get("max")])


def draw_where(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    condition = tensor_input(draw, broadcast_partner(draw, x.shape),
                             "bool" if draw.chance(0.9) else "uint8")
    other = operand(draw, x.shape, x.dtype, scalars=0.3)
    if op.name.startswith("Tensor.masked_fill"):
        value = python_scalar(draw) if draw.chance(0.8) else tensor_input(draw, (), x.dtype)
        return Case(op, [x, condition, value])
    return Case(op, [condition, x, other])


def draw_gather(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    dim = draw.dim(len(x.shape))
    size = x.shape[dim] if x.shape and -len(x.shape) <= dim < len(x.shape) else 1
    index_shape = tuple(draw(st.integers(0, side)) for side in x.shape)
    high = size if draw.chance(0.95) else size + 2
    index = draw.rng.integers(0, max(high, 1), index_shape).astype(
        "int64" if draw.chance(0.9) else "int32")
    return Case(op, [x, dim, index])


def draw_copy(draw: Draw, op: Op, first: Any) -> Case:
    x = first_input(draw, op, first)
    return Case(op, [x, operand(draw, x.shape, draw.dtype(), scalars=0.0)])


DRAWERS: dict[str, Callable[[Draw, Op, Any], Case]] = {
    "unary": draw_unary, "binary": draw_binary, "setitem": draw_setitem,
    "matmul": draw_matmul, "joining": draw_joining, "clamp": draw_clamp,
    "where": draw_where, "gather": draw_gather, "copy": draw_copy,
}


def other_ops() -> list[Op]:
    ops = [Op("x @ y", "matmul", lambda lib, x, y: x @ y)]
    ops += [Op(f"torch.{name}", "matmul", fn(name))
            for name in ("matmul", "mm", "bmm", "mv", "dot") if has(name, "fn")]
    ops += [Op(f"torch.{name}", "joining", fn(name)) for name in ("cat", "stack", "concat")
            if has(name, "fn")]

    def clamp_call(name: str) -> Callable[..., Any]:
        def call(lib: Any, x: Any, low: Any, high: Any) -> Any:
            if name.startswith("torch."):
                return getattr(lib, name[6:])(x, low, high)
            return getattr(x, name[7:])(low, high)
        return call
    ops += [Op(name, "clamp", clamp_call(name)) for name in
            ("torch.clamp", "torch.clip", "Tensor.clamp", "Tensor.clamp_", "Tensor.clip",
             "Tensor.clip_") if has(name.split(".")[1], "fn" if "torch" in name else "method")]
    ops += [Op("torch.where", "where", fn("where")),
            Op("Tensor.masked_fill", "where", method("masked_fill")),
            Op("Tensor.masked_fill_", "where", method("masked_fill_")),
            Op("torch.gather", "gather", fn("gather")),
            Op("Tensor.copy_", "copy", method("copy_")),
            Op("Tensor.zero_", "unary", method("zero_")),
            Op("Tensor.fill_", "unary", method("fill_"), lambda d, s: {"value": python_scalar(d)}),
            Op("Tensor.add_(number)", "unary", lambda lib, x, value: x.add_(value),
               lambda d, s: {"value": python_scalar(d)}),
            Op("Tensor.mul_(number)", "unary", lambda lib, x, value: x.mul_(value),
               lambda d, s: {"value": python_scalar(d)})]
    return ops


def draw_case(draw: Draw, op: Op, first: Any = None) -> Case:
    return DRAWERS[op.kind](draw, op, first)


OPS: dict[str, Op] = {op.name: op for op in unary_ops() + binary_ops() + reduction_ops()
                      + view_ops() + other_ops()}


@dataclass
class Live:
    """A chain's running value: the previous step's result in each library."""

    tensors: dict[str, Any]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.tensors["torch"].shape)

    @property
    def dtype(self) -> str:
        return str(self.tensors["torch"].dtype).split(".")[-1]

    @property
    def requires_grad(self) -> bool:
        return bool(self.tensors["torch"].requires_grad)

    @property
    def is_view(self) -> bool:
        return self.tensors["torch"]._base is not None

    @property
    def array(self) -> np.ndarray:
        return self.tensors["torch"].detach().numpy()


# --------------------------------------------------------------------------- known differences

@dataclass(frozen=True)
class Known:
    """A difference from torch found by the fuzzer and not fixed yet.

    `reproducer` is one line of Python over `lib` (teachgrad or torch) whose result the
    strict xfail compares; `excludes` says which drawn cases the fuzzer leaves out for it.
    """

    name: str
    reproducer: str
    excludes: Callable[[Case], bool]


def base(case: Case) -> str:
    """The op's torch name without its namespace or form: 'add_' for `x += y` too."""
    name = case.op.name.split("(")[0].removeprefix("x ").split()[0].split(".")[-1]
    return name[:-1] + "_" if name.endswith("=") else name


def tensors(case: Case) -> list[Any]:
    """The tensor arguments, drawn (Input) or a chain's running value (Live)."""
    found = []
    for arg in case.args:
        items = arg if isinstance(arg, list) else [arg]
        found += [item for item in items if isinstance(item, (Input, Live))]
    return found


def numbers(case: Case) -> list[Any]:
    """The Python numbers among the arguments and parameters."""
    values = list(case.args) + list(case.params.values())
    return [value for value in values
            if isinstance(value, (bool, int, float)) and not isinstance(value, type)]


def writes(case: Case) -> bool:
    """The call writes into its first argument (an in-place form)."""
    return base(case).endswith("_") or case.op.kind in ("setitem", "copy") or (
        case.op.name in ("x.view(...).mul_", "x[index].add_"))


def any_dtype(case: Case, names: tuple[str, ...]) -> bool:
    return any(item.dtype in names for item in tensors(case))


def huge_or_not_finite(case: Case) -> bool:
    """Some float input is NaN, infinite, so large that its square overflows float32, or
    so small that torch's prod backward (result / input) rounds it."""
    for item in tensors(case):
        if item.dtype in FLOATS:
            array = np.asarray(item.array, dtype=np.float64)
            tiny = (array != 0) & (np.abs(array) < 1e-30)
            if array.size and (not (np.abs(array) < 1e18).all() or tiny.any()):
                return True
    return False


NAN_LOOPS_DISAGREE = {"elu", "selu", "celu", "elu_", "selu_", "celu_", "hardtanh", "hardtanh_",
                      "relu6", "hardswish"}


def fits_first(case: Case) -> bool:
    """The operands broadcast to the first tensor's shape (what an in-place op needs)."""
    shapes = [item.shape for item in tensors(case)]
    try:
        return tuple(np.broadcast_shapes(*shapes)) == tuple(shapes[0])
    except ValueError:
        return False


BITWISE = {"bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
           "bitwise_right_shift"}


def wrong_dtype_error(case: Case) -> bool:
    """In-place forms torch refuses for their dtypes, where teachgrad raises another
    exception type: torch checks the output's shape, overlap and cast before the kernel's
    dtype (inplace.py runs the out-of-place op first)."""
    name = base(case).removesuffix("_")
    first = tensors(case)[0] if tensors(case) else None
    first_dtype = first.dtype if first is not None else "float32"
    floats = any_dtype(case, FLOATS) or any(isinstance(v, float) for v in numbers(case))
    in_place = base(case).endswith("_")
    expanded = isinstance(first, Input) and first.layout == "expanded"
    return ((in_place and first_dtype == "bool" and (not fits_first(case) or expanded))
            or (in_place and name in BITWISE and floats))


#: in-place forms torch neither checks nor records (tensor_inplace_forms.LOGICAL)
UNRECORDED_WRITES = {"logical_not_", "logical_and_", "logical_or_", "logical_xor_"}
MULTI_VIEW_NODES = {"SplitBackward0", "SplitWithSizesBackward0", "UnbindBackward0"}

KNOWN_DIFFERENCES: tuple[Known, ...] = (
    Known("dtype=float64 on a float32 value from an earlier step of a chain: that step's last-"
          "ulp float32 difference (log1p) is compared at float64's tolerance",
          "lib.tensor([1.6319247484207153]).log1p().double()",
          lambda case: case.in_chain and "dtype" in case.params
          and any(item.dtype == "float32" for item in tensors(case))),
    Known("in-place forms on a dtype they refuse: the kernel's error comes before the cast's",
          "lib.ones(1, dtype=lib.long).bitwise_xor_(1.5)",
          wrong_dtype_error),
    Known("in-place comparison of an int or bool tensor with a float that requires grad: torch "
          "marks the int result as requiring grad (its backward then fails an internal assert)",
          "lib.tensor([5]).gt_(lib.tensor([-0.5], requires_grad=True)).requires_grad",
          lambda case: base(case) in {"gt_", "lt_", "ge_", "le_", "eq_", "ne_"}
          and tensors(case)[0].dtype not in FLOATS
          and any(item.requires_grad for item in tensors(case)[1:])),
    Known("gelu's float32 tail: exact in teachgrad (float64 erfc), 4% off in torch",
          "F.gelu(lib.tensor(-4.983713626861572)) * 1e6",
          lambda case: case.in_chain and base(case) == "gelu"),
    Known("NaN inputs to elu/selu/celu, hardtanh/relu6, hardswish: torch's vectorized CPU "
          "loop and its scalar tail give different gradients (teachgrad: the scalar formula)",
          "(lambda x: (F.elu(x).sum().backward(), x.grad)[1])"
          "(lib.tensor([math.nan] * 64, requires_grad=True))",
          lambda case: base(case) in NAN_LOOPS_DISAGREE and any(
              item.dtype in FLOATS and np.isnan(np.asarray(item.array, dtype=np.float64)).any()
              for item in tensors(case))),
    Known("norm of a zero vector, an infinite upstream gradient: 0 (torch NaN)",
          "(lambda x: (x.norm().rsqrt().backward(), x.grad)[1])(lib.zeros(2, requires_grad=True))",
          lambda case: case.in_chain and base(case) == "norm"),
    Known("logical_not_ (and the other in-place forms autograd does not record) into a piece "
          "of split/chunk/unbind that requires grad: torch refuses the piece's next use, when it "
          "rebuilds its grad_fn; teachgrad keeps the piece's history",
          "-lib.split(lib.zeros(2, requires_grad=True), 1)[0].logical_not_()",
          lambda case: base(case) in UNRECORDED_WRITES and written_piece(case)),
    Known("huge or non-finite floats: var/std/norm accumulate otherwise than torch, and "
          "cumprod's gradient through zeros gives a number where torch gives NaN",
          "lib.tensor([3e38, -3e38, 1.]).std()",
          lambda case: base(case) in {"cumprod", "var", "std", "var_mean", "std_mean", "norm"}
          and (huge_or_not_finite(case) or any(abs(value) > 1e6 for value in numbers(case)))),
)


def written_piece(case: Case) -> bool:
    """Whether the call writes into a chain's value that is a piece of split/chunk/unbind."""
    found = tensors(case)
    if not found or not isinstance(found[0], Live):
        return False
    node = found[0].tensors["torch"].grad_fn
    return node is not None and node.name() in MULTI_VIEW_NODES


def known_difference(case: Case) -> Known | None:
    """The entry of KNOWN_DIFFERENCES that excludes this case, if one does."""
    for known in KNOWN_DIFFERENCES:
        if known.excludes(case):
            return known
    return None
