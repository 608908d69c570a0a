"""Every differentiable op's backward agrees with central finite differences (float64).

Shapes (broadcasting ones included) are drawn by hypothesis; values come from a NumPy
generator seeded by hypothesis, moved into each op's domain (log and sqrt positive,
tensor-exponent bases positive) and away from kinks and ties (abs/relu at 0, clamp at
its bounds, max/min/maximum between close values), where finite differences are not
a derivative at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import teachgrad
from teachgrad.autograd import Function, GradcheckError, gradcheck

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
nonempty_dims = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    min_side=1, max_side=3)


class Draw:
    """What one example needs: hypothesis draws, plus a seeded NumPy generator for values."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))

    def __call__(self, strategy: st.SearchStrategy, label: str | None = None) -> Any:
        return self.data.draw(strategy, label=label)

    def normal(self, shape: tuple) -> np.ndarray:
        return self.rng.standard_normal(shape)

    def positive(self, shape: tuple) -> np.ndarray:
        return self.rng.uniform(0.5, 2.0, shape)

    def away(self, shape: tuple, points: tuple = (0.0,), margin: float = 0.1) -> np.ndarray:
        """Normal values at least `margin` from every point (kinks of abs, relu, clamp)."""
        values = self.rng.standard_normal(shape) * 1.5
        for point in points:
            side = np.where(values >= point, 1.0, -1.0)
            values = np.where(np.abs(values - point) < margin, point + side * 2 * margin, values)
        return values

    def nonzero(self, shape: tuple) -> np.ndarray:
        """Values at least 0.3 from zero: safe denominators."""
        return self.away(shape, margin=0.3)

    def spread(self, shape: tuple) -> np.ndarray:
        """Distinct values at least 0.1 apart: no ties for max/min/sort-like ops."""
        count = int(np.prod(shape))
        return (self.rng.permutation(count) * 0.3 + self.rng.uniform(-0.05, 0.05, count)
                ).reshape(shape) - 0.15 * count

    def apart_from(self, other: np.ndarray, shape: tuple) -> np.ndarray:
        """Values that differ from `other` (broadcast) by at least 0.1 everywhere."""
        values = self.rng.standard_normal(shape)
        target = np.broadcast_shapes(np.shape(other), shape)
        close = np.abs(np.broadcast_to(values, target) - other) < 0.1
        while close.any():
            values = self.rng.standard_normal(shape)
            close = np.abs(np.broadcast_to(values, target) - other) < 0.1
        return values

    def dim(self, ndim: int) -> int:
        return self(st.integers(-max(ndim, 1), max(ndim, 1) - 1), label="dim")


def leaf(array: Any) -> teachgrad.Tensor:
    return teachgrad.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


OPS: dict[str, Callable[[Draw], tuple[Callable, list]]] = {}


def op(name: str) -> Callable:
    def register(builder: Callable) -> Callable:
        OPS[name] = builder
        return builder

    return register


# ------------------------------------------------------------------ elementwise binary


def _binary(fn: Callable, make_a: str = "normal", make_b: str = "normal") -> Callable:
    def build(draw: Draw) -> tuple:
        shape_a, shape_b = draw(broadcast_pairs, label="shapes").input_shapes
        a = getattr(draw, make_a)(shape_a)
        b = draw.apart_from(a, shape_b) if make_b == "apart" else getattr(draw, make_b)(shape_b)
        return fn, [a, b]

    return build


OPS["add"] = _binary(lambda a, b: a + b)
OPS["add-alpha"] = _binary(lambda a, b: teachgrad.add(a, b, alpha=-1.5))
OPS["sub"] = _binary(lambda a, b: a - b)
OPS["mul"] = _binary(lambda a, b: a * b)
OPS["div"] = _binary(lambda a, b: a / b, make_b="nonzero")
OPS["pow-tensor"] = _binary(lambda a, b: a ** b, make_a="positive")
OPS["maximum"] = _binary(teachgrad.maximum, make_b="apart")
OPS["minimum"] = _binary(teachgrad.minimum, make_b="apart")


@op("where")
def _where(draw: Draw) -> tuple:
    shape_a, shape_b = draw(broadcast_pairs, label="shapes").input_shapes
    condition = teachgrad.tensor(draw.rng.random(np.broadcast_shapes(shape_a, shape_b)) > 0.5)
    return (lambda a, b: teachgrad.where(condition, a, b)), [draw.normal(shape_a),
                                                              draw.normal(shape_b)]


SCALAR_OPS = {
    "add-scalar": lambda x, s: x + s, "radd-scalar": lambda x, s: s + x,
    "sub-scalar": lambda x, s: x - s, "rsub-scalar": lambda x, s: s - x,
    "mul-scalar": lambda x, s: x * s, "rmul-scalar": lambda x, s: s * x,
    "div-scalar": lambda x, s: x / s, "rdiv-scalar": lambda x, s: s / x,
    "pow-scalar": lambda x, s: x ** s, "rpow-scalar": lambda x, s: abs(s) ** x,
}
for _name, _fn in SCALAR_OPS.items():
    def _scalar_builder(draw: Draw, fn: Callable = _fn, name: str = _name) -> tuple:
        scalar = draw(st.sampled_from([2, 3, -1, 0.5, -2.5, 1.75]), label="scalar")
        shape = draw(small_shapes, label="shape")
        if name == "rpow-scalar" and scalar == 1:
            scalar = 2
        values = draw.positive(shape) if name in ("pow-scalar", "rdiv-scalar") \
            else draw.normal(shape)
        return (lambda x: fn(x, scalar)), [values]

    OPS[_name] = _scalar_builder


# ------------------------------------------------------------------ elementwise unary

UNARY = {
    "neg": (lambda x: -x, "normal"), "abs": (teachgrad.abs, "away"),
    "exp": (teachgrad.exp, "normal"), "log": (teachgrad.log, "positive"),
    "sqrt": (teachgrad.sqrt, "positive"), "sin": (teachgrad.sin, "normal"),
    "cos": (teachgrad.cos, "normal"), "tanh": (teachgrad.tanh, "normal"),
    "sigmoid": (teachgrad.sigmoid, "normal"), "relu": (teachgrad.relu, "away"),
    "reciprocal": (teachgrad.reciprocal, "positive"),
    "square": (lambda x: x.square(), "normal"),
    "clamp-min": (lambda x: x.clamp(min=-0.3), ("away", (-0.3,))),
    "clamp-max": (lambda x: x.clamp(max=0.4), ("away", (0.4,))),
    "clamp-both": (lambda x: teachgrad.clamp(x, -0.3, 0.4), ("away", (-0.3, 0.4))),
}
for _name, (_fn, _domain) in UNARY.items():
    def _unary_builder(draw: Draw, fn: Callable = _fn, domain: Any = _domain) -> tuple:
        shape = draw(small_shapes, label="shape")
        if isinstance(domain, tuple):
            values = draw.away(shape, points=domain[1])
        else:
            values = getattr(draw, domain)(shape)
        return fn, [values]

    OPS[_name] = _unary_builder


# ------------------------------------------------------------------ matrix products


@op("matmul")
def _matmul(draw: Draw) -> tuple:
    n, k, m = (draw(st.integers(1, 3), label=label) for label in ("n", "k", "m"))
    batch_a, batch_b = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, max_dims=2, max_side=2), label="batch").input_shapes
    left_vector = draw(st.booleans(), label="left vector")
    right_vector = draw(st.booleans(), label="right vector")
    shape_a = (k,) if left_vector else batch_a + (n, k)
    shape_b = (k,) if right_vector else batch_b + (k, m)
    return teachgrad.matmul, [draw.normal(shape_a), draw.normal(shape_b)]


@op("mm")
def _mm(draw: Draw) -> tuple:
    n, k, m = (draw(st.integers(1, 3), label=label) for label in ("n", "k", "m"))
    return teachgrad.mm, [draw.normal((n, k)), draw.normal((k, m))]


@op("bmm")
def _bmm(draw: Draw) -> tuple:
    b, n, k, m = (draw(st.integers(1, 3), label=label) for label in ("b", "n", "k", "m"))
    return teachgrad.bmm, [draw.normal((b, n, k)), draw.normal((b, k, m))]


# ------------------------------------------------------------------ reductions


def _dims(draw: Draw, ndim: int) -> Any:
    """None, one dim (maybe negative) or a tuple of distinct dims."""
    kind = draw(st.sampled_from(["none", "one", "tuple"] if ndim else ["none", "one"]),
                label="dim kind")
    if kind == "none":
        return None
    if kind == "one":
        return draw.dim(ndim)
    picked = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True),
                  label="dims")
    return tuple(d - ndim if draw(st.booleans(), label="negative") else d for d in picked)


def _reduction(fn: Callable, domain: str = "normal", tuple_dims: bool = True,
               needs_two: bool = False) -> Callable:
    def build(draw: Draw) -> tuple:
        shape = draw(nonempty_dims if needs_two else small_shapes, label="shape")
        if needs_two:
            shape = tuple(max(side, 2) for side in shape)
        dims = _dims(draw, len(shape)) if tuple_dims else (
            None if draw(st.booleans(), label="all") else draw.dim(len(shape)))
        keepdim = draw(st.booleans(), label="keepdim")
        return (lambda x: fn(x, dims, keepdim)), [getattr(draw, domain)(shape)]

    return build


def _with_dim(function: Callable) -> Callable:
    def call(x: Any, dims: Any, keepdim: bool) -> Any:
        return function(x) if dims is None else function(x, dims, keepdim=keepdim)

    return call


OPS["sum"] = _reduction(_with_dim(teachgrad.sum))
OPS["mean"] = _reduction(_with_dim(teachgrad.mean))
OPS["prod"] = _reduction(_with_dim(teachgrad.prod), domain="positive", tuple_dims=False)
OPS["prod-signed"] = _reduction(_with_dim(teachgrad.prod), domain="nonzero", tuple_dims=False)
OPS["var"] = _reduction(_with_dim(teachgrad.var), needs_two=True)
OPS["std"] = _reduction(_with_dim(teachgrad.std), needs_two=True)
OPS["var-unbiased-false"] = _reduction(
    lambda x, d, k: teachgrad.var(x, d, unbiased=False, keepdim=k), needs_two=True)
OPS["std-correction-0"] = _reduction(
    lambda x, d, k: teachgrad.std(x, d, keepdim=k, correction=0), needs_two=True)
OPS["logsumexp"] = _reduction(lambda x, d, k: teachgrad.logsumexp(
    x, d if d is not None else tuple(range(x.dim())), keepdim=k))
OPS["amax"] = _reduction(lambda x, d, k: teachgrad.amax(x, d if d is not None else (), k),
                         domain="spread")
OPS["amin"] = _reduction(lambda x, d, k: teachgrad.amin(x, d if d is not None else (), k),
                         domain="spread")
OPS["max"] = _reduction(lambda x, d, k: x.max() if d is None else x.max(d, keepdim=k).values,
                        domain="spread", tuple_dims=False)
OPS["min"] = _reduction(lambda x, d, k: x.min() if d is None else x.min(d, k)[0],
                        domain="spread", tuple_dims=False)


def _softmax_like(fn: Callable) -> Callable:
    def build(draw: Draw) -> tuple:
        shape = draw(small_shapes, label="shape")
        dim = draw.dim(len(shape))
        return (lambda x: fn(x, dim)), [draw.normal(shape) * 3]

    return build


OPS["softmax"] = _softmax_like(teachgrad.softmax)
OPS["log_softmax"] = _softmax_like(teachgrad.log_softmax)


# ------------------------------------------------------------------ shapes


def _shape_op(make: Callable) -> Callable:
    def build(draw: Draw) -> tuple:
        shape = draw(nonempty_dims, label="shape")
        return make(draw, shape), [draw.normal(shape)]

    return build


def _some_permutation(draw: Draw, ndim: int) -> list:
    return draw(st.permutations(list(range(ndim))), label="permutation")


OPS["view-flat"] = _shape_op(lambda draw, shape: lambda x: x.view(-1))
OPS["reshape-split-last"] = _shape_op(lambda draw, shape: lambda x: x.reshape(
    shape[:-1] + (1, shape[-1], 1)))
OPS["reshape-non-contiguous"] = _shape_op(lambda draw, shape: lambda x: x.transpose(
    0, -1).reshape(-1))
OPS["transpose"] = _shape_op(lambda draw, shape: (
    lambda d0, d1: lambda x: x.transpose(d0, d1))(draw.dim(len(shape)), draw.dim(len(shape))))
OPS["permute"] = _shape_op(lambda draw, shape: (
    lambda dims: lambda x: x.permute(*dims))(_some_permutation(draw, len(shape))))
OPS["T"] = _shape_op(lambda draw, shape: lambda x: x.reshape(shape[0], -1).T)
OPS["t"] = _shape_op(lambda draw, shape: lambda x: x.reshape(-1, shape[-1]).t())
OPS["squeeze"] = _shape_op(lambda draw, shape: lambda x: x.reshape(
    (1,) + shape + (1,)).squeeze())
OPS["squeeze-dim"] = _shape_op(lambda draw, shape: (
    lambda d: lambda x: x.unsqueeze(0).squeeze(d))(draw(st.sampled_from([0, 1]))))
OPS["squeeze-dims"] = _shape_op(lambda draw, shape: lambda x: x.reshape(
    (1,) + shape + (1,)).squeeze((0, -1)))
OPS["unsqueeze"] = _shape_op(lambda draw, shape: (
    lambda d: lambda x: x.unsqueeze(d))(draw(st.integers(-len(shape) - 1, len(shape)))))
OPS["expand"] = _shape_op(lambda draw, shape: (
    lambda lead: lambda x: x[..., :1].expand(*lead, *shape[:-1], 3))(
        draw(st.lists(st.integers(1, 2), max_size=2))))
OPS["flatten"] = _shape_op(lambda draw, shape: (
    lambda a, b: lambda x: x.flatten(min(a, b), max(a, b)))(
        draw(st.integers(0, len(shape) - 1)), draw(st.integers(0, len(shape) - 1))))
OPS["contiguous-clone"] = _shape_op(lambda draw, shape: lambda x: x.transpose(
    0, -1).contiguous().clone() * 1)


@op("cat")
def _cat(draw: Draw) -> tuple:
    shape = draw(nonempty_dims, label="shape")
    dim = draw.dim(len(shape))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3), label="sizes")
    arrays = []
    for size in sizes:
        piece = list(shape)
        piece[dim] = size
        arrays.append(draw.normal(tuple(piece)))
    return (lambda *xs: teachgrad.cat(list(xs), dim)), arrays


@op("stack")
def _stack(draw: Draw) -> tuple:
    shape = draw(small_shapes, label="shape")
    count = draw(st.integers(1, 3), label="count")
    dim = draw(st.integers(-len(shape) - 1, len(shape)), label="dim")
    return (lambda *xs: teachgrad.stack(xs, dim)), [draw.normal(shape) for _ in range(count)]


def _pieces(function: Callable) -> Callable:
    """Ops with several outputs: weight each piece differently so all of them count."""

    def combined(x: Any) -> Any:
        return teachgrad.cat([piece.reshape(-1) * (i + 1) for i, piece in
                              enumerate(function(x))])

    return combined


OPS["split-int"] = _shape_op(lambda draw, shape: (
    lambda size, d: _pieces(lambda x: x.split(size, d)))(
        draw(st.integers(1, 3)), draw.dim(len(shape))))
OPS["split-list"] = _shape_op(lambda draw, shape: (
    lambda d: _pieces(lambda x: x.split([1, x.shape[d] - 1], d)))(draw.dim(len(shape))))
OPS["chunk"] = _shape_op(lambda draw, shape: (
    lambda n, d: _pieces(lambda x: x.chunk(n, d)))(draw(st.integers(1, 3)),
                                                   draw.dim(len(shape))))
OPS["unbind"] = _shape_op(lambda draw, shape: (
    lambda d: _pieces(lambda x: x.unbind(d)))(draw.dim(len(shape))))
OPS["max-dim-indices-unused"] = _shape_op(lambda draw, shape: lambda x: x.max(0)[0] * 2)

# indexing, with index objects drawn for a (3, 4) input
INDEXES = [
    1, -1, (1, 2), slice(0, 2), slice(None, None, 2), (slice(None), slice(1, None, 2)),
    (None, 1), (Ellipsis, 0), (Ellipsis, None), [0, 2, 0], ([0, 1, 1], [3, 3, 0]),
    (slice(1, 3), [0, 0, 2]),
]


@op("getitem")
def _getitem(draw: Draw) -> tuple:
    index = draw(st.sampled_from(INDEXES + ["mask", "tensor"]), label="index")
    if index == "mask":
        index = teachgrad.tensor(draw.rng.random((3, 4)) > 0.4)
    elif index == "tensor":
        index = teachgrad.tensor(draw.rng.integers(0, 3, (2, 2)))
    return (lambda x: x[index]), [draw.normal((3, 4))]


@op("setitem")
def _setitem(draw: Draw) -> tuple:
    index = draw(st.sampled_from(INDEXES[:9] + [[0, 2], ([0, 1], [3, 0]), "mask"]),
                 label="index")
    if index == "mask":
        index = teachgrad.tensor(draw.rng.random((3, 4)) > 0.4)
    target_shape = np.zeros((3, 4))[index.numpy() if isinstance(index, teachgrad.Tensor)
                                    else index].shape
    broadcast = draw(st.booleans(), label="broadcast value")
    value_shape = target_shape[1:] if broadcast and target_shape else target_shape

    def assign(x: Any, v: Any) -> Any:
        y = x * 1
        y[index] = v
        return y * y

    return assign, [draw.normal((3, 4)), draw.normal(value_shape)]


# ------------------------------------------------------------------ in-place on non-leaves

INPLACE = {
    "add_": lambda y, o: y.add_(o), "sub_": lambda y, o: y.sub_(o, alpha=2),
    "mul_": lambda y, o: y.mul_(o), "div_": lambda y, o: y.div_(o),
    "iadd": lambda y, o: y.__iadd__(o), "isub": lambda y, o: y.__isub__(o),
    "imul": lambda y, o: y.__imul__(o), "itruediv": lambda y, o: y.__itruediv__(o),
    "copy_": lambda y, o: y.copy_(o), "clamp_": lambda y, o: y.clamp_(-0.3, 0.4) * o,
    "fill_": lambda y, o: y.fill_(1.5) * o, "zero_": lambda y, o: y.zero_() + o,
}
for _name, _fn in INPLACE.items():
    def _inplace_builder(draw: Draw, fn: Callable = _fn) -> tuple:
        # the other operand broadcasts to the in-place tensor's shape (2, 3), never beyond
        (other_shape,) = draw(hnp.mutually_broadcastable_shapes(
            num_shapes=1, base_shape=(2, 3), max_dims=2, max_side=3), label="other").input_shapes

        def apply(x: Any, other: Any) -> Any:
            y = x.exp()  # non-leaf that saved its output: in-place must not touch that
            z = y * 1
            result = fn(z, other)
            return result * y

        # clamp_ acts on exp(x): keep exp(x) away from its upper bound 0.4
        return apply, [draw.away((2, 3), points=(float(np.log(0.4)),)),
                       draw.away(other_shape, margin=0.3)]

    OPS[f"inplace-{_name}"] = _inplace_builder


# ------------------------------------------------------------------ the test


@pytest.mark.parametrize("name", sorted(OPS))
@SETTINGS
@given(data=st.data())
def test_gradcheck(name: str, data: st.DataObject) -> None:
    draw = Draw(data)
    fn, arrays = OPS[name](draw)
    inputs = [leaf(array) for array in arrays]
    assert gradcheck(fn, inputs)


def test_every_listed_op_family_is_checked() -> None:
    """A guard against an op silently dropping out of the table above."""
    families = ["add", "sub", "mul", "div", "pow-tensor", "pow-scalar", "rpow-scalar", "neg",
                "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu",
                "clamp-min", "clamp-max", "clamp-both", "maximum", "minimum", "where",
                "matmul", "mm", "bmm", "sum", "mean", "max", "min", "prod", "var", "std",
                "logsumexp", "softmax", "log_softmax", "view-flat", "reshape-non-contiguous",
                "transpose", "permute", "t", "T", "squeeze", "unsqueeze", "expand",
                "flatten", "cat", "stack", "split-int", "split-list", "chunk", "getitem",
                "setitem", "inplace-mul_", "inplace-copy_", "amax", "amin", "unbind"]
    assert [family for family in families if family not in OPS] == []


# ------------------------------------------------------------------ gradcheck itself


class CorrectCube(Function):
    @staticmethod
    def forward(ctx: Any, x: teachgrad.Tensor) -> teachgrad.Tensor:
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx: Any, grad: teachgrad.Tensor) -> teachgrad.Tensor:
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class WrongCube(Function):
    """d(x^3)/dx written as 3x instead of 3x^2: wrong everywhere except x in {0, 1}."""

    @staticmethod
    def forward(ctx: Any, x: teachgrad.Tensor) -> teachgrad.Tensor:
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx: Any, grad: teachgrad.Tensor) -> teachgrad.Tensor:
        (x,) = ctx.saved_tensors
        return grad * 3 * x


class WrongOnlyAtOneElement(Function):
    """Correct except for element 2 of the input, whose gradient is doubled."""

    @staticmethod
    def forward(ctx: Any, x: teachgrad.Tensor) -> teachgrad.Tensor:
        return x * 2

    @staticmethod
    def backward(ctx: Any, grad: teachgrad.Tensor) -> teachgrad.Tensor:
        scale = teachgrad.tensor([2.0, 2.0, 4.0, 2.0], dtype=teachgrad.float64)
        return grad * scale


class TwoInputs(Function):
    """f(a, b) = a * b^2 with a wrong gradient for b (b instead of 2ab)."""

    @staticmethod
    def forward(ctx: Any, a: teachgrad.Tensor, b: teachgrad.Tensor) -> teachgrad.Tensor:
        ctx.save_for_backward(a, b)
        return a * b * b

    @staticmethod
    def backward(ctx: Any, grad: teachgrad.Tensor) -> tuple:
        a, b = ctx.saved_tensors
        return grad * b * b, grad * b


def test_gradcheck_passes_a_correct_custom_function() -> None:
    x = leaf(np.array([0.5, -1.25, 2.0]))
    assert gradcheck(CorrectCube.apply, (x,)) is True


def test_gradcheck_fails_a_wrong_custom_function() -> None:
    x = leaf(np.array([0.5, -1.25, 2.0]))
    with pytest.raises(GradcheckError, match=r"input 0"):
        gradcheck(WrongCube.apply, (x,))
    assert gradcheck(WrongCube.apply, (x,), raise_exception=False) is False


def test_gradcheck_names_the_wrong_element() -> None:
    x = leaf(np.array([1.0, 2.0, 3.0, 4.0]))
    with pytest.raises(GradcheckError) as caught:
        gradcheck(WrongOnlyAtOneElement.apply, (x,))
    # output element 2 depends on input element 2 only: that entry, and its two values
    assert "d out[2] / d in[2] is 4 from backward but 2 from finite differences" in str(
        caught.value)


def test_gradcheck_names_the_wrong_input() -> None:
    a, b = leaf(np.array([0.5, 1.5])), leaf(np.array([-1.0, 2.0]))
    with pytest.raises(GradcheckError, match=r"input 1"):
        gradcheck(TwoInputs.apply, (a, b))
    # with b not requiring grad only a's (correct) gradient is checked
    assert gradcheck(TwoInputs.apply, (a, b.detach()))


def test_gradcheck_refuses_float32() -> None:
    x = teachgrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="float64"):
        gradcheck(CorrectCube.apply, (x,))


def test_a_nan_gradient_fails_as_in_torch():
    # `excess > 0` is False for NaN: without its own rule a NaN gradient would pass.
    torch = pytest.importorskip("torch", reason="torch is the oracle")
    verdicts = []
    for lib in (teachgrad, torch):
        class NanBackward(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1

            @staticmethod
            def backward(ctx, grad):
                return grad * float("nan")

        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        verdicts.append(lib.autograd.gradcheck(NanBackward.apply, (x,), raise_exception=False))
    assert verdicts == [False, False]
