"""Bad input: torch's exception type, a message that names the problem, no state change.

Each case builds the same tensors in both libraries, runs the bad call in both, and
asserts that teachgrad raises the built-in exception type torch raises, with a
message that says what went wrong. Then every teachgrad tensor of the case must hold
the same values, grad and `_version` as before the call: an error leaves nothing
half-updated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from oracle import assert_same_error, torch

import teachgrad

A23 = np.arange(6.0).reshape(2, 3) / 7
B22 = np.arange(4.0).reshape(2, 2) - 1.5
V3 = np.array([0.5, -1.0, 2.0])


def _host(array: Any) -> np.ndarray:
    """A NumPy copy of a tensor's array, from the CPU or a (real or fake) GPU."""
    return array.get() if hasattr(array, "get") else array.copy()


def _snapshot(objects: dict) -> dict:
    state = {}
    for name, value in objects.items():
        if isinstance(value, teachgrad.Tensor):
            grad = value._grad
            state[name] = (_host(value._array), value._version, value.requires_grad,
                           value.grad_fn, None if grad is None else _host(grad._array))
    return state


def _assert_unchanged(objects: dict, before: dict) -> None:
    for name, (values, version, requires_grad, grad_fn, grad) in before.items():
        tensor = objects[name]
        np.testing.assert_array_equal(_host(tensor._array), values, err_msg=f"{name} changed")
        assert tensor._version == version, f"{name}._version moved"
        assert tensor.requires_grad == requires_grad and tensor.grad_fn is grad_fn
        now = tensor._grad
        assert (now is None) == (grad is None), f"{name}.grad changed"
        if grad is not None:
            np.testing.assert_array_equal(_host(now._array), grad,
                                          err_msg=f"{name}.grad changed")


def leaf(m: Any, array: np.ndarray) -> Any:
    return m.tensor(array.copy(), requires_grad=True)


def _freed_graph(m: Any) -> dict:
    p = leaf(m, V3)
    loss = (p.exp() * p).sum()  # Exp and Mul saved tensors: backward frees them
    loss.backward()
    return {"p": p, "loss": loss}


def _saved_then_modified(m: Any) -> dict:
    p = leaf(m, V3)
    e = p.exp()  # ExpBackward saves its output e
    loss = (e * 3).sum()
    with m.no_grad():
        e.mul_(2)  # ... which is now changed in place
    return {"p": p, "e": e, "loss": loss}


def _saved_input_then_modified(m: Any) -> dict:
    p = leaf(m, V3)
    h = p * 1
    loss = (h.sin()).sum()  # SinBackward saves its input h
    h.add_(1)
    return {"p": p, "h": h, "loss": loss}


# name: (setup(m) -> dict of objects, bad(m, objects), regex teachgrad's message must match)
CASES: dict[str, tuple[Callable, Callable, str]] = {
    "broadcast-add": (lambda m: {"a": m.tensor(A23), "b": m.tensor(B22)},
                      lambda m, o: o["a"] + o["b"], r"size of tensor a \(3\).*tensor b \(2\)"),
    "broadcast-mul-3d": (lambda m: {"a": m.ones(2, 3, 4), "b": m.ones(3, 2, 1)},
                         lambda m, o: o["a"] * o["b"], r"non-singleton dimension"),
    "broadcast-where": (lambda m: {"a": m.tensor(A23), "b": m.tensor(B22)},
                        lambda m, o: m.where(o["a"] > 0, o["a"], o["b"]), r"size of tensor"),
    "broadcast-maximum": (lambda m: {"a": m.tensor(A23), "b": m.tensor(B22)},
                          lambda m, o: m.maximum(o["a"], o["b"]), r"size of tensor"),
    "broadcast-compare": (lambda m: {"a": m.tensor(A23), "b": m.tensor(B22)},
                          lambda m, o: o["a"] < o["b"], r"size of tensor"),
    "broadcast-add_": (lambda m: {"a": m.tensor(A23), "b": m.tensor(B22)},
                       lambda m, o: o["a"].add_(o["b"]), r"size|shape"),
    "broadcast-add_-grows": (lambda m: {"a": m.tensor(A23), "b": m.ones(2, 2, 3)},
                             lambda m, o: o["a"].add_(o["b"]), r"broadcast shape \[2, 2, 3\]"),
    "broadcast-iadd-recorded": (lambda m: {"a": leaf(m, A23) * 1, "b": m.ones(2, 2, 3)},
                                lambda m, o: o["a"].__iadd__(o["b"]), r"shape"),
    "matmul-mismatch": (lambda m: {"a": m.tensor(A23), "b": m.tensor(A23)},
                        lambda m, o: o["a"] @ o["b"], r"cannot be multiplied \(2x3 and 2x3\)"),
    "matmul-vectors": (lambda m: {"a": m.ones(3), "b": m.ones(4)},
                       lambda m, o: m.matmul(o["a"], o["b"]), r"\[3\].*\[4\]"),
    "matmul-batched": (lambda m: {"a": m.ones(2, 2, 3), "b": m.ones(4, 3)},
                       lambda m, o: o["a"] @ o["b"], r"cannot be multiplied"),
    "mm-mismatch": (lambda m: {"a": m.tensor(A23)}, lambda m, o: m.mm(o["a"], o["a"]),
                    r"2x3 and 2x3"),
    "mm-not-matrix": (lambda m: {"a": m.ones(3)}, lambda m, o: m.mm(o["a"], o["a"]), r"matrix"),
    "bmm-mismatch": (lambda m: {"a": m.ones(2, 2, 3)}, lambda m, o: m.bmm(o["a"], o["a"]),
                     r"."),
    "matmul-dtypes": (lambda m: {"a": m.ones(2, 2), "b": m.ones(2, 2, dtype=m.float64)},
                      lambda m, o: o["a"] @ o["b"], r"dtype"),
    "backward-non-scalar": (lambda m: {"p": leaf(m, V3)}, lambda m, o: (o["p"] * 2).backward(),
                            r"scalar outputs"),
    "backward-twice": (_freed_graph, lambda m, o: o["loss"].backward(),
                       r"backward through the graph a second time.*retain_graph=True"),
    "backward-no-grad-tensor": (lambda m: {"x": m.tensor(V3)},
                                lambda m, o: o["x"].sum().backward(), r"does not require grad"),
    "backward-gradient-shape": (lambda m: {"p": leaf(m, V3)},
                                lambda m, o: (o["p"] * 2).backward(m.ones(2, dtype=m.float64)),
                                r"[Ss]hape"),
    "saved-tensor-modified": (_saved_then_modified, lambda m, o: o["loss"].backward(),
                              r"modified by an inplace operation"),
    "saved-input-modified": (_saved_input_then_modified, lambda m, o: o["loss"].backward(),
                             r"modified by an inplace operation"),
    "numpy-requires-grad": (lambda m: {"p": leaf(m, V3)}, lambda m, o: o["p"].numpy(),
                            r"requires grad.*detach\(\)"),
    "item-many": (lambda m: {"x": m.tensor(V3)}, lambda m, o: o["x"].item(),
                  r"3 elements cannot be converted to Scalar"),
    "bool-many": (lambda m: {"x": m.tensor(V3)}, lambda m, o: bool(o["x"]), r"ambiguous"),
    "view-impossible": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].view(4, 2),
                        r"shape '\[4, 2\]' is invalid for input of size 6"),
    "view-minus-one": (lambda m: {"x": m.tensor(V3)}, lambda m, o: o["x"].view(2, -1),
                       r"invalid for input of size 3"),
    "reshape-two-minus-ones": (lambda m: {"x": m.tensor(A23)},
                               lambda m, o: o["x"].reshape(-1, -1), r"only one dimension"),
    "view-non-contiguous": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].t().view(-1),
                            r"\.reshape"),
    "inplace-leaf-requires-grad": (lambda m: {"p": leaf(m, V3)}, lambda m, o: o["p"].add_(1),
                                   r"leaf Variable that requires grad.*in-place"),
    "inplace-leaf-operator": (lambda m: {"p": leaf(m, V3)},
                              lambda m, o: o["p"].__imul__(2), r"leaf Variable"),
    "inplace-leaf-setitem": (lambda m: {"p": leaf(m, V3)},
                             lambda m, o: o["p"].__setitem__(0, 1.0), r"leaf Variable"),
    "inplace-view-of-leaf": (lambda m: {"p": leaf(m, A23)}, lambda m, o: o["p"][0].add_(1),
                             r"view of a leaf Variable"),
    "inplace-leaf-zero_": (lambda m: {"p": leaf(m, V3)}, lambda m, o: o["p"].zero_(),
                           r"leaf Variable"),
    "requires-grad-int-tensor": (lambda m: {}, lambda m, o: m.tensor([1, 2], requires_grad=True),
                                 r"floating point"),
    "requires-grad-int-method": (lambda m: {"x": m.tensor([1, 2])},
                                 lambda m, o: o["x"].requires_grad_(), r"floating point"),
    "requires-grad-off-non-leaf": (lambda m: {"p": leaf(m, V3)},
                                   lambda m, o: (o["p"] * 2).requires_grad_(False),
                                   r"leaf variables"),
    "grad-unused-input": (lambda m: {"p": leaf(m, V3), "q": leaf(m, V3)},
                          lambda m, o: m.autograd.grad((o["p"] * 2).sum(), [o["p"], o["q"]]),
                          r"allow_unused=True"),
    "assign-grad-wrong-shape": (lambda m: {"p": leaf(m, V3)},
                                lambda m, o: setattr(o["p"], "grad", m.ones(2, dtype=m.float64)),
                                r"size"),
    "int-mul_-float": (lambda m: {"x": m.tensor([1, 2, 3])}, lambda m, o: o["x"].mul_(1.5),
                       r"can't be cast"),
    "cat-mismatch": (lambda m: {"a": m.tensor(A23), "b": m.ones(2, 4)},
                     lambda m, o: m.cat([o["a"], o["b"]]), r"[Ss]izes of tensors must match"),
    "stack-mismatch": (lambda m: {"a": m.tensor(A23), "b": m.tensor(B22)},
                       lambda m, o: m.stack([o["a"], o["b"]]), r"equal size"),
    "index-out-of-range": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"][5],
                           r"index 5 is out of bounds for dimension 0 with size 2"),
    "index-float-tensor": (lambda m: {"x": m.tensor(A23)},
                           lambda m, o: o["x"][m.tensor([0.5])], r"long, int, byte or bool"),
    "mask-wrong-shape": (lambda m: {"x": m.tensor(V3)},
                         lambda m, o: o["x"][m.tensor([True, False])], r"."),
    "setitem-shape": (lambda m: {"x": m.tensor(A23)},
                      lambda m, o: o["x"].__setitem__(slice(None), m.ones(3, 3)),
                      r"expanded size of the tensor \(2\)"),
    "setitem-advanced-shape": (lambda m: {"x": m.tensor(A23)},
                               lambda m, o: o["x"].__setitem__([0, 1], m.ones(3, 3)),
                               r"shape mismatch: value tensor of shape \[3, 3\]"),
    "setitem-recorded-shape": (lambda m: {"p": leaf(m, A23), "x": leaf(m, A23) * 1},
                               lambda m, o: o["x"].__setitem__((slice(None), 1), o["p"][0]),
                               r"expanded size of the tensor \(2\)"),
    "setitem-mask-shape": (lambda m: {"x": m.tensor(A23)},
                           lambda m, o: o["x"].__setitem__(o["x"] > 0.2, m.ones(2)),
                           r"shape mismatch"),
    "sub_-bool": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].sub_(True), r"bool"),
    "expand-incompatible": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].expand(3, 3),
                            r"expanded size of the tensor \(3\) must match the existing size"),
    "expand-fewer-sizes-long": (lambda m: {"x": m.tensor([[1, 2, 3], [4, 5, 6]])},
                                lambda m, o: o["x"].expand(3), r"expand\(torch.LongTensor"),
    "conv2d-int-input": (lambda m: {"x": m.ones(1, 1, 3, 3, dtype=m.int32),
                                    "w": m.ones(1, 1, 2, 2)},
                         lambda m, o: m.nn.functional.conv2d(o["x"], o["w"]),
                         r"expected scalar type Int but found Float"),
    "nll-loss-int-target": (lambda m: {"x": m.zeros(2, 3), "t": m.zeros(2, dtype=m.int32)},
                            lambda m, o: m.nn.functional.nll_loss(o["x"], o["t"]),
                            r"expected target dtype to be Long or Byte, but got Int"),
    "permute-wrong-length": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].permute(0),
                             r"number of dimensions"),
    "split-sizes": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].split([1, 1], 1),
                    r"sum exactly to 3"),
    "chunk-zero": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].chunk(0),
                   r"greater than 0"),
    "dim-out-of-range": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].sum(3),
                         r"Dimension out of range \(expected to be in range of \[-2, 1\], but "
                         r"got 3\)"),
    "transpose-dim": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].transpose(0, 2),
                      r"Dimension out of range"),
    "squeeze-dim": (lambda m: {"x": m.tensor(A23)}, lambda m, o: o["x"].squeeze(5),
                    r"Dimension out of range"),
    "unsqueeze-dim": (lambda m: {"x": m.tensor(V3)}, lambda m, o: o["x"].unsqueeze(3),
                      r"Dimension out of range"),
    "t-3d": (lambda m: {"x": m.ones(2, 2, 2)}, lambda m, o: o["x"].t(), r"<= 2 dimensions"),
    "mean-int": (lambda m: {"x": m.tensor([1, 2])}, lambda m, o: o["x"].mean(),
                 r"floating point"),
    "std-int": (lambda m: {"x": m.tensor([1, 2])}, lambda m, o: o["x"].std(), r"floating"),
    "neg-bool": (lambda m: {"x": m.tensor([True, False])}, lambda m, o: -o["x"], r"logical_not"),
    "sub-bool": (lambda m: {"x": m.tensor([True, False])}, lambda m, o: o["x"] - 1, r"bool"),
    "sub-two-bools": (lambda m: {"x": m.tensor([True, False])}, lambda m, o: o["x"] - o["x"],
                      r"logical_xor"),
    "int-div_": (lambda m: {"x": m.tensor([1, 2])}, lambda m, o: o["x"].div_(2),
                 r"result type Float can't be cast to the desired output type Long"),
    "int-negative-power": (lambda m: {"x": m.tensor([1, 2])}, lambda m, o: o["x"] ** -1,
                           r"Integers to negative integer powers are not allowed"),
    "argmax-bool": (lambda m: {"x": m.tensor([True, False])}, lambda m, o: o["x"].argmax(),
                    r"bool"),
    "len-0d": (lambda m: {"x": m.tensor(1.0)}, lambda m, o: len(o["x"]), r"0-d"),
    "max-empty": (lambda m: {"x": m.zeros(0)}, lambda m, o: o["x"].max(), r"numel\(\) == 0"),
    "clamp-no-bounds": (lambda m: {"x": m.tensor(V3)}, lambda m, o: m.clamp(o["x"]),
                        r"min.*max"),
    "where-int-condition": (lambda m: {"x": m.tensor(V3)},
                            lambda m, o: m.where(m.tensor([1, 0, 1]), o["x"], o["x"]),
                            r"boolean"),
    "negative-size": (lambda m: {}, lambda m, o: m.zeros(-1), r"negative"),
    "arange-zero-step": (lambda m: {}, lambda m, o: m.arange(0, 5, 0), r"step must be nonzero"),
    "randint-bounds": (lambda m: {}, lambda m, o: m.randint(5, 2, (3,)), r"from=5 >= to=2"),
    "device-string": (lambda m: {}, lambda m, o: m.device("gpu"), r"cpu, cuda"),
    "from-numpy-list": (lambda m: {}, lambda m, o: m.from_numpy([1, 2]), r"np.ndarray"),
    "tensor-of-string": (lambda m: {}, lambda m, o: m.tensor("abc"), r"."),
}


# Where teachgrad's message is torch's, word for word (elsewhere it may add a hint).
SAME_MESSAGE = {
    "broadcast-add", "broadcast-mul-3d", "broadcast-where", "broadcast-maximum",
    "broadcast-compare", "broadcast-add_", "broadcast-add_-grows", "matmul-mismatch",
    "matmul-vectors", "mm-mismatch", "view-impossible", "view-minus-one",
    "reshape-two-minus-ones", "view-non-contiguous", "setitem-shape", "setitem-advanced-shape",
    "setitem-recorded-shape", "setitem-mask-shape", "expand-incompatible",
    "expand-fewer-sizes-long",
    "permute-wrong-length", "split-sizes", "chunk-zero", "dim-out-of-range", "transpose-dim",
    "squeeze-dim", "unsqueeze-dim", "index-out-of-range", "index-float-tensor",
    "clamp-no-bounds", "arange-zero-step", "randint-bounds", "sub-bool", "sub-two-bools",
    "neg-bool", "sub_-bool", "int-div_", "max-empty", "numpy-requires-grad",
    "requires-grad-off-non-leaf",
    "backward-no-grad-tensor",
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_raises_like_torch_and_changes_nothing(name: str) -> None:
    setup, bad, pattern = CASES[name]
    ours, theirs = setup(teachgrad), setup(torch)
    before = _snapshot(ours)
    error, torch_error = assert_same_error(lambda: bad(teachgrad, ours),
                                           lambda: bad(torch, theirs))
    assert re.search(pattern, str(error), re.DOTALL), f"message {str(error)!r} !~ {pattern!r}"
    if name in SAME_MESSAGE:
        assert str(error) == str(torch_error)
    _assert_unchanged(ours, before)


def test_broadcast_message_equals_torchs_exactly() -> None:
    messages = []
    for m in (teachgrad, torch):
        try:
            m.ones(2, 2) + m.ones(2, 3)
        except RuntimeError as error:
            messages.append(str(error))
    assert messages[0] == messages[1] == (
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
        "dimension 1"
    )
    for shapes in [((4, 3), (2, 3)), ((2, 1, 3), (4, 5)), ((5,), (2, 3)), ((2, 3, 4), (3, 1, 5))]:
        texts = []
        for m in (teachgrad, torch):
            with pytest.raises(RuntimeError) as caught:
                m.ones(*shapes[0]) * m.ones(*shapes[1])
            texts.append(str(caught.value))
        assert texts[0] == texts[1]


def test_matmul_messages_equal_torchs() -> None:
    for shapes in [((2, 3), (2, 3)), ((3,), (4,)), ((5, 2, 3), (4, 3)), ((2, 3), (4,))]:
        texts = []
        for m in (teachgrad, torch):
            with pytest.raises(RuntimeError) as caught:
                m.ones(*shapes[0]) @ m.ones(*shapes[1])
            texts.append(str(caught.value))
        assert texts[0] == texts[1]


# ------------------------------------------------------------------ custom Functions


def _custom_functions(m: Any) -> dict:
    class TooManyGrads(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad * 2, grad * 3

    class WrongShapeGrad(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad.sum(0)

    class TooFewGrads(m.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            return x * y

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad

    return {"too-many": TooManyGrads, "wrong-shape": WrongShapeGrad, "too-few": TooFewGrads}


@pytest.mark.parametrize(("name", "pattern"), [
    ("too-many", r"incorrect number of gradients \(expected 1, got 2\)"),
    ("wrong-shape", r"invalid gradient.*\[3\].*\[2, 3\]"),
    ("too-few", r"incorrect number of gradients \(expected 2, got 1\)"),
])
def test_custom_function_with_bad_backward(name: str, pattern: str) -> None:
    def run(m: Any) -> tuple[Callable, Any, Any]:
        function = _custom_functions(m)[name]
        x = leaf(m, A23)
        y = leaf(m, A23)
        out = function.apply(x, y) if name == "too-few" else function.apply(x)
        return (lambda: out.sum().backward()), x, y

    ours_call, x, y = run(teachgrad)
    theirs_call, _, _ = run(torch)
    error, _ = assert_same_error(ours_call, theirs_call)
    assert re.search(pattern, str(error)), str(error)
    assert x.grad is None and y.grad is None  # nothing accumulated before the error


@pytest.mark.filterwarnings("ignore:.*should not be instantiated:DeprecationWarning")
def test_legacy_function_instance_is_refused_like_torch() -> None:
    def make(m: Any) -> Any:
        class Legacy(m.autograd.Function):
            def forward(self, x: Any) -> Any:  # old style: not a staticmethod
                return x

        return Legacy

    error, _ = assert_same_error(lambda: make(teachgrad)()(teachgrad.ones(1)),
                                 lambda: make(torch)()(torch.ones(1)))
    assert "staticmethod" in str(error) or "static" in str(error)


# ------------------------------------------------------------------ devices


def test_cuda_is_available_never_raises() -> None:
    import importlib.util

    answer = teachgrad.cuda.is_available()
    assert isinstance(answer, bool)
    assert (teachgrad.cuda.device_count() > 0) is answer
    if importlib.util.find_spec("cupy") is None:
        assert answer is False
    teachgrad.cuda.synchronize()  # a no-op without a GPU, never an error
    teachgrad.cuda.manual_seed(0)


@pytest.mark.parametrize("make", [
    lambda: teachgrad.zeros(2, device="cuda"),
    lambda: teachgrad.tensor([1.0], device="cuda:0"),
    lambda: teachgrad.ones(2).to("cuda"),
    lambda: teachgrad.ones(2).cuda(),
    lambda: teachgrad.randn(3, device=teachgrad.device("cuda")),
    lambda: teachgrad.arange(3, device="cuda"),
])
def test_cuda_request_without_gpu_says_what_to_install(make: Callable) -> None:
    if teachgrad.cuda.is_available():
        assert make().device.type == "cuda"  # on a GPU machine the same calls just work
        return
    x = teachgrad.ones(2)
    with pytest.raises(RuntimeError, match=r'pip install "teachgrad\[gpu\]"'):
        make()
    assert x.device == teachgrad.device("cpu") and x.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a @ b.reshape(2, 1),
    lambda a, b: teachgrad.maximum(a, b), lambda a, b: teachgrad.cat([a, b]),
    lambda a, b: a.add_(b), lambda a, b: a.__setitem__(slice(None), b),
])
def test_mixing_devices_is_refused_clearly(gpu_device: str, op: Callable) -> None:
    """On the fake GPU of tests/fake_cupy.py (and on a real one where there is one)."""
    cpu = teachgrad.tensor([1.0, 2.0])
    gpu = teachgrad.tensor([3.0, 4.0], device=gpu_device)
    for a, b in ((cpu, gpu), (gpu, cpu)):
        before = _snapshot({"a": a, "b": b})
        with pytest.raises(RuntimeError, match=r"same device.*(cpu.*cuda:0|cuda:0.*cpu)"):
            op(a, b)
        _assert_unchanged({"a": a, "b": b}, before)
