"""The checks of lesson 05's exercises accept the reference answers and reject wrong ones."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from exercise_verdicts import assert_correct, assert_not_attempted, assert_wrong

import teachgrad
from teachgrad.autograd import Function
from teachgrad.exercises import lesson05

# --- exercise 1: MySigmoid ---------------------------------------------------------------


class MySigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        s = 1 / (1 + (-x).exp())
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


class SigmoidSavingInput(Function):
    """Also right: saves the input and recomputes the output in backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return teachgrad.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = teachgrad.sigmoid(x)
        return grad_output * s * (1 - s)


class SigmoidMissingOneMinus(MySigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s


class SigmoidIgnoringGradOutput(MySigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return s * (1 - s)


class SigmoidWrongForward(MySigmoid):
    @staticmethod
    def forward(ctx, x):
        s = 1 / (1 + x.exp())  # sigmoid(-x)
        ctx.save_for_backward(s)
        return s


class SigmoidWrongSign(MySigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return -grad_output * s * (1 - s)


def plain_sigmoid(x):
    return teachgrad.sigmoid(x)


@pytest.mark.parametrize("right", [MySigmoid, SigmoidSavingInput])
def test_sigmoid_accepts(right, capsys):
    lesson05.check_sigmoid(right)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [SigmoidMissingOneMinus, SigmoidIgnoringGradOutput, SigmoidWrongForward, SigmoidWrongSign,
     plain_sigmoid],
)
def test_sigmoid_rejects(wrong):
    assert_wrong(lesson05.check_sigmoid, wrong)


def test_sigmoid_stub_fails():
    class Stub(Function):
        @staticmethod
        def forward(ctx, x):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson05.check_sigmoid, Stub)


# --- exercise 2: Hypot --------------------------------------------------------------------


class Hypot(Function):
    @staticmethod
    def forward(ctx, a, b):
        h = (a * a + b * b).sqrt()
        ctx.save_for_backward(a, b, h)
        return h

    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        grad_a = grad_output * a / h if ctx.needs_input_grad[0] else None
        grad_b = grad_output * b / h if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class HypotAlwaysBoth(Hypot):
    """Also right: computes both gradients whether or not they are needed."""

    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * a / h, grad_output * b / h


class HypotSwapped(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * b / h, grad_output * a / h


class HypotOneGradient(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * a / h


class HypotForgetsGradOutput(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return a / h, b / h


class HypotWrongDerivative(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * 2 * a, grad_output * 2 * b  # d(a^2 + b^2), not d sqrt(...)


class HypotWrongForward(Hypot):
    @staticmethod
    def forward(ctx, a, b):
        h = a * a + b * b
        ctx.save_for_backward(a, b, h)
        return h


@pytest.mark.parametrize("right", [Hypot, HypotAlwaysBoth])
def test_hypot_accepts(right, capsys):
    lesson05.check_hypot(right)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [HypotSwapped, HypotOneGradient, HypotForgetsGradOutput, HypotWrongDerivative,
     HypotWrongForward, MySigmoid],
)
def test_hypot_rejects(wrong):
    assert_wrong(lesson05.check_hypot, wrong)


def test_hypot_stub_fails():
    class Stub(Function):
        @staticmethod
        def forward(ctx, a, b):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson05.check_hypot, Stub)


# --- exercise 3: NumpyDet, a determinant computed by NumPy ---------------------------------


class NumpyDet(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return teachgrad.tensor(np.linalg.det(a.detach().numpy()))

    @staticmethod
    def backward(ctx, grad_output):
        (a,) = ctx.saved_tensors
        matrix = a.detach().numpy()
        grad = grad_output.item() * np.linalg.det(matrix) * np.linalg.inv(matrix).T
        return teachgrad.from_numpy(grad)


class DetSavingOutputAndSolving(Function):
    """Also right: saves the determinant too, and writes inv(A).T as solve(A.T, I)."""

    @staticmethod
    def forward(ctx, a):
        out = teachgrad.from_numpy(np.asarray(np.linalg.det(a.detach().numpy())))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        a, out = ctx.saved_tensors
        matrix = a.detach().numpy()
        inverse_t = np.linalg.solve(matrix.T, np.eye(len(matrix)))
        return grad_output * out * teachgrad.from_numpy(inverse_t)


class DetReturnsNumpyGradient(NumpyDet):
    @staticmethod
    def backward(ctx, grad_output):
        (a,) = ctx.saved_tensors
        matrix = a.detach().numpy()
        return grad_output.item() * np.linalg.det(matrix) * np.linalg.inv(matrix).T


class DetWithoutTranspose(NumpyDet):
    @staticmethod
    def backward(ctx, grad_output):
        (a,) = ctx.saved_tensors
        matrix = a.detach().numpy()
        grad = grad_output.item() * np.linalg.det(matrix) * np.linalg.inv(matrix)
        return teachgrad.from_numpy(grad)


class DetIgnoringGradOutput(NumpyDet):
    @staticmethod
    def backward(ctx, grad_output):
        (a,) = ctx.saved_tensors
        matrix = a.detach().numpy()
        return teachgrad.from_numpy(np.linalg.det(matrix) * np.linalg.inv(matrix).T)


class DetWithoutDetFactor(NumpyDet):
    @staticmethod
    def backward(ctx, grad_output):
        (a,) = ctx.saved_tensors
        return teachgrad.from_numpy(grad_output.item() * np.linalg.inv(a.detach().numpy()).T)


class DetCallingNumpyOnTheInput(NumpyDet):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return teachgrad.tensor(np.linalg.det(a.numpy()))  # a requires grad: refused


class DetReturningAFloat(NumpyDet):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return float(np.linalg.det(a.detach().numpy()))


class DetInFloat32(NumpyDet):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return teachgrad.tensor(float(np.linalg.det(a.detach().numpy())))


class DetChangingItsInput(NumpyDet):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        matrix = a.detach().numpy()
        matrix += 0  # harmless
        matrix[0] *= 2  # the tensor's memory: a changes too
        return teachgrad.tensor(np.linalg.det(matrix) / 2)


@pytest.mark.parametrize("right", [NumpyDet, DetSavingOutputAndSolving])
def test_det_accepts(right):
    assert_correct(lesson05.check_det, right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (DetReturnsNumpyGradient, "teachgrad.from_numpy"),
    (DetWithoutTranspose, "transpose"),
    (DetIgnoringGradOutput, "grad_output"),
    (DetWithoutDetFactor, "det\\(A\\) \\* inv\\(A\\).T"),
    (DetCallingNumpyOnTheInput, "detach\\(\\).numpy\\(\\)"),
    (DetReturningAFloat, "0-dimensional tensor"),
    (DetInFloat32, "float32"),
    (DetChangingItsInput, "changed the input"),
    (MySigmoid, "forward"),
])
def test_det_rejects(wrong, hint):
    assert_wrong(lesson05.check_det, wrong, match=hint)


def test_det_stub_is_not_attempted():
    class Stub(Function):
        @staticmethod
        def forward(ctx, a):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson05.check_det, Stub)


# --- exercise 4: StableLogSumExp -----------------------------------------------------------


class StableLogSumExp(Function):
    @staticmethod
    def forward(ctx, x):
        peak = x.amax(dim=-1, keepdim=True)
        out = peak.squeeze(-1) + (x - peak).exp().sum(dim=-1).log()
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        x, out = ctx.saved_tensors
        softmax = (x - out.unsqueeze(-1)).exp()
        return softmax * grad_output.unsqueeze(-1)


class LogSumExpInNumpy(Function):
    """Also right: NumPy throughout, the softmax from a shifted exp."""

    @staticmethod
    def forward(ctx, x):
        values = x.detach().numpy()
        peak = values.max(axis=-1, keepdims=True)
        out = np.log(np.exp(values - peak).sum(axis=-1)) + peak[..., 0]
        ctx.save_for_backward(x)
        return teachgrad.from_numpy(out)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        values = x.detach().numpy()
        shifted = np.exp(values - values.max(axis=-1, keepdims=True))
        softmax = shifted / shifted.sum(axis=-1, keepdims=True)
        return teachgrad.from_numpy(softmax * grad_output.numpy()[..., None])


class LogSumExpNaiveForward(StableLogSumExp):
    @staticmethod
    def forward(ctx, x):
        out = x.exp().sum(dim=-1).log()
        ctx.save_for_backward(x, out)
        return out


class LogSumExpNaiveBackward(StableLogSumExp):
    @staticmethod
    def backward(ctx, grad_output):
        x, out = ctx.saved_tensors
        e = x.exp()
        return e / e.sum(dim=-1, keepdim=True) * grad_output.unsqueeze(-1)


class LogSumExpIgnoringGradOutput(StableLogSumExp):
    @staticmethod
    def backward(ctx, grad_output):
        x, out = ctx.saved_tensors
        return (x - out.unsqueeze(-1)).exp()


class LogSumExpOverEverything(StableLogSumExp):
    @staticmethod
    def forward(ctx, x):
        peak = x.max()
        out = peak + (x - peak).exp().sum().log()
        ctx.save_for_backward(x, out)
        return out


class LogSumExpKeepingTheDim(StableLogSumExp):
    @staticmethod
    def forward(ctx, x):
        peak = x.amax(dim=-1, keepdim=True)
        out = peak + (x - peak).exp().sum(dim=-1, keepdim=True).log()
        ctx.save_for_backward(x, out)
        return out


class LogSumExpForgettingThePeak(StableLogSumExp):
    @staticmethod
    def forward(ctx, x):
        peak = x.amax(dim=-1, keepdim=True)
        out = (x - peak).exp().sum(dim=-1).log()  # the max not added back
        ctx.save_for_backward(x, out)
        return out


@pytest.mark.parametrize("right", [StableLogSumExp, LogSumExpInNumpy])
def test_logsumexp_accepts(right):
    assert_correct(lesson05.check_logsumexp, right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (LogSumExpNaiveForward, "Subtract each row's max"),
    (LogSumExpNaiveBackward, "inf or nan"),
    (LogSumExpIgnoringGradOutput, "times grad_output"),
    (LogSumExpOverEverything, "one number per row"),
    (LogSumExpKeepingTheDim, "one number per row"),
    (LogSumExpForgettingThePeak, "teachgrad.logsumexp gives"),
    (NumpyDet, ""),
])
def test_logsumexp_rejects(wrong, hint):
    assert_wrong(lesson05.check_logsumexp, wrong, match=hint)


def test_logsumexp_stub_is_not_attempted():
    class Stub(Function):
        @staticmethod
        def forward(ctx, x):
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson05.check_logsumexp, Stub)


def test_naive_logsumexp_does_overflow_where_the_check_looks():
    # The check's large rows are large enough that the formula as written gives inf.
    with np.errstate(over="ignore", divide="ignore"):
        large = lesson05._lse_inputs()["large"]
        assert not np.isfinite(np.log(np.exp(large).sum(axis=-1))).any()


# --- exercise 5: Normalize, a backward gradcheck rejected --------------------------------


class Normalize(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / x.norm()

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        norm = x.norm()
        y = x / norm
        return (grad_output - y * (y * grad_output).sum()) / norm


class NormalizeSavingOutput(Function):
    """Also right: saves y and the norm's reciprocal, projects with a dot product."""

    @staticmethod
    def forward(ctx, x):
        y = x / x.norm()
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        return (grad_output - y.dot(grad_output) * y) * (1 / x.norm())


class NormalizeAsGiven(Normalize):
    """The backward the lesson shows gradcheck rejecting."""

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / x.norm()


class NormalizeWrongSign(Normalize):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        y = x / x.norm()
        return (grad_output + y * (y * grad_output).sum()) / x.norm()


class NormalizeNotDivided(Normalize):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        y = x / x.norm()
        return grad_output - y * (y * grad_output).sum()


class NormalizeProjectingWithX(Normalize):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return (grad_output - x * (x * grad_output).sum()) / x.norm()


class NormalizeChangedForward(Normalize):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / x.norm() ** 2


@pytest.mark.parametrize("right", [Normalize, NormalizeSavingOutput])
def test_normalize_accepts(right):
    assert_correct(lesson05.check_normalize, right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (NormalizeAsGiven, "the norm depends on x too"),
    (NormalizeWrongSign, "gradcheck still rejects"),
    (NormalizeNotDivided, "gradcheck still rejects"),
    (NormalizeProjectingWithX, "gradcheck still rejects"),
    (NormalizeChangedForward, "keep the forward"),
    (Hypot, ""),
])
def test_normalize_rejects(wrong, hint):
    assert_wrong(lesson05.check_normalize, wrong, match=hint)


def test_normalize_stub_is_not_attempted():
    class Stub(Normalize):
        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            raise NotImplementedError("your turn")

    assert_not_attempted(lesson05.check_normalize, Stub)


def test_the_lesson_shows_the_rejected_backward_the_check_names():
    # Exercise 5's demonstration cell and the check's "as given" hint describe one backward.
    lesson = Path(__file__).resolve().parents[1] / "notebooks" / "05_custom_functions.md"
    text = lesson.read_text()
    assert "class NormalizeWithBug(Function):" in text
    assert "return grad_output / x.norm()" in text


# --- the lesson's network: two_layer.curve("05") is what lesson 05 trains ---------------


def lesson_cell(marker: str) -> str:
    lesson = Path(__file__).resolve().parents[1] / "notebooks" / "05_custom_functions.md"
    cells = re.findall(r"^```python\n(.*?)^```\n", lesson.read_text(), re.MULTILINE | re.DOTALL)
    return next(cell for cell in cells if marker in cell)


def test_the_lessons_network_gives_two_layer_curve_05_exactly():
    # Lesson 06 draws over two_layer.curve("05") as lesson 05's curve: hold them together.
    from teachgrad.exercises import two_layer

    namespace = {"teachgrad": teachgrad, "Function": Function, "two_layer": two_layer,
                 "print": lambda *args, **kwargs: None}
    exec(lesson_cell("class MyReLU(Function):"), namespace)
    exec(lesson_cell("for step in range(two_layer.STEPS):"), namespace)
    assert namespace["losses"] == two_layer.curve("05")
    assert namespace["losses"] == two_layer.curve("04")  # what the lesson prints: gap 0.0
