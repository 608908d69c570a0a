"""Checks for the exercises of lesson 08 (optimizers).

Each check trains with the learner's optimizer (or learning rate) and with
teachgrad.optim from the same start (a small float32 network, or for Adagrad lesson 01's
two-layer network in float64), raises AssertionError with a hint on the first
difference (naming the classic mistake when it recognises one), and returns a confirmation
when everything agrees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

import teachgrad
from teachgrad import nn, optim
from teachgrad.exercises import two_layer
from teachgrad.exercises.verdict import exercise

STEPS = 10


def _run(description: str, thunk: Callable[[], Any]) -> Any:
    """Run thunk(); turn an error into an AssertionError that says where it happened."""
    try:
        return thunk()
    except NotImplementedError:
        raise  # the stub, not yet written
    except (RuntimeError, TypeError, ValueError, IndexError, AttributeError,
            ZeroDivisionError) as error:
        hint = ""
        if "leaf" in str(error) and "no_grad" not in str(error):
            hint = " (update the parameters inside `with teachgrad.no_grad():`)"
        raise AssertionError(
            f"{description} failed: {type(error).__name__}: {error}{hint}"
        ) from error


def _data() -> tuple[teachgrad.Tensor, teachgrad.Tensor]:
    rng = np.random.default_rng(6)
    x = teachgrad.tensor(rng.normal(size=(12, 3)), dtype=teachgrad.float32)
    y = teachgrad.tensor(rng.normal(size=(12, 2)), dtype=teachgrad.float32)
    return x, y


def _model() -> nn.Module:
    teachgrad.manual_seed(6)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))


def _train(make: Callable[[list], Any], steps: int = STEPS, name: str = "your optimizer"
           ) -> list[np.ndarray]:
    """Parameters (as arrays) of a small network after `steps` steps of make(params)."""
    x, y = _data()
    model = _model()
    params = list(model.parameters())
    opt = _run(f"creating {name}", lambda: make(params))
    loss_fn = nn.MSELoss()
    for _ in range(steps):
        for p in params:
            p.grad = None
        loss_fn(model(x), y).backward()
        _run(f"{name}.step()", opt.step)
    return [p.detach().numpy().copy() for p in params]


def _same(a: list[np.ndarray], b: list[np.ndarray], tol: float = 1e-6) -> bool:
    return all(u.shape == v.shape and np.allclose(u, v, rtol=1e-5, atol=tol) for u, v in zip(a, b))


def _largest_difference(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(u - v))) for u, v in zip(a, b))


class _Rule:
    """A hand-written reference optimizer: update(p, grad, state, t) for each parameter."""

    def __init__(self, params: list, update: Callable[..., None]) -> None:
        self.params, self.update = params, update
        self.state: list[dict] = [{} for _ in params]
        self.t = 0

    @teachgrad.no_grad()
    def step(self) -> None:
        self.t += 1
        for p, state in zip(self.params, self.state):
            self.update(p, p.grad, state, self.t)


def _buffer(state: dict, p: teachgrad.Tensor, key: str) -> teachgrad.Tensor:
    if key not in state:
        state[key] = teachgrad.zeros_like(p)
    return state[key]


# ------------------------------------------------------------------ exercise 1


def _momentum_mistakes(lr: float, momentum: float, weight_decay: float
                       ) -> dict[str, Callable[[list], Any]]:
    def textbook(p, g, state, t):
        v = _buffer(state, p, "v")
        v.mul_(momentum).add_((1 - momentum) * (g + weight_decay * p))
        p -= lr * v

    def no_decay(p, g, state, t):
        v = _buffer(state, p, "v")
        v.mul_(momentum).add_(g)
        p -= lr * v

    def decay_outside(p, g, state, t):
        v = _buffer(state, p, "v")
        v.mul_(momentum).add_(g)
        p -= lr * (v + weight_decay * p)

    def forgets(p, g, state, t):
        p -= lr * (g + weight_decay * p)

    def decays_grad(p, g, state, t):
        v = _buffer(state, p, "v")
        v.mul_(momentum).add_(g - weight_decay * p)
        p -= lr * v

    hints = {
        "the running-average form v = momentum * v + (1 - momentum) * g: PyTorch's buffer has no "
        "(1 - momentum) factor (section 3.2)": textbook,
        "no weight decay: add weight_decay * p to the gradient first": no_decay,
        "the weight decay is applied outside the buffer: add weight_decay * p to the "
        "gradient *before* it goes into v": decay_outside,
        "the parameters move by the gradient alone: the velocity is not remembered "
        "between steps. Create one buffer per parameter in __init__ and change it in "
        "place in step() (v.mul_(...).add_(...)); `v = momentum * v + g` only rebinds a "
        "local name": forgets,
        "the weight decay has the wrong sign: it is + weight_decay * p (the gradient of "
        "weight_decay / 2 * |p|^2)": decays_grad,
    }
    return {hint: functools.partial(_Rule, update=rule) for hint, rule in hints.items()}


@exercise
def check_momentum_sgd(optimizer_class: type) -> str:
    """optimizer_class(params, lr, momentum=0.9, weight_decay=0.0): SGD with momentum,
    PyTorch's convention, with step() and zero_grad()."""
    if not isinstance(optimizer_class, type):
        raise AssertionError(f"pass the class itself, MomentumSGD (got {optimizer_class!r})")
    cases = [(0.05, 0.9, 0.0), (0.02, 0.8, 0.1)]
    for lr, momentum, weight_decay in cases:
        call = f"MomentumSGD(params, lr={lr}, momentum={momentum}, weight_decay={weight_decay})"

        settings = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        got = _train(functools.partial(optimizer_class, **settings), name=call)
        expected = _train(functools.partial(optim.SGD, **settings))
        if _same(got, expected):
            continue
        for hint, mistake in _momentum_mistakes(lr, momentum, weight_decay).items():
            if _same(got, _train(mistake)):
                raise AssertionError(f"{call} after {STEPS} steps: {hint}")
        raise AssertionError(
            f"{call} after {STEPS} steps differs from optim.SGD with the same settings (largest "
            f"difference {_largest_difference(got, expected):.2g}). The rule: g = p.grad + "
            "weight_decay * p; v = momentum * v + g (v starts at zero); p -= lr * v"
        )

    # zero_grad() clears what backward() accumulated
    x, y = _data()
    model = _model()
    params = list(model.parameters())
    opt = optimizer_class(params, lr=0.1)
    nn.MSELoss()(model(x), y).backward()
    _run("MomentumSGD.zero_grad()", opt.zero_grad)
    if any(p.grad is not None and bool((p.grad != 0).any()) for p in params):
        raise AssertionError("after zero_grad() every parameter's .grad should be None (or zero)")
    return (f"Correct: MomentumSGD matches optim.SGD(momentum=...) after {STEPS} steps, with and "
            "without weight decay.")


# ------------------------------------------------------------------ exercise 2


def _adamw_rule(lr: float, betas: tuple[float, float], eps: float, weight_decay: float,
                *, correct: bool = True, coupled: bool = False) -> Callable[[list], Any]:
    beta1, beta2 = betas

    def update(p, g, state, t):
        m, v = _buffer(state, p, "m"), _buffer(state, p, "v")
        if coupled:
            g = g + weight_decay * p
        else:
            p.mul_(1 - lr * weight_decay)
        m.mul_(beta1).add_((1 - beta1) * g)
        v.mul_(beta2).add_((1 - beta2) * g * g)
        if correct:
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        else:
            m_hat, v_hat = m, v
        p -= lr * m_hat / (v_hat.sqrt() + eps)

    return lambda ps: _Rule(ps, update)


@exercise
def check_adamw(optimizer_class: type) -> str:
    """optimizer_class(params, lr, betas, eps, weight_decay) with step(): AdamW."""
    if not isinstance(optimizer_class, type):
        raise AssertionError(f"pass the class itself, HandAdamW (got {optimizer_class!r})")
    cases = [(0.01, (0.9, 0.999), 1e-8, 0.1), (0.03, (0.8, 0.99), 1e-6, 0.5)]
    for lr, betas, eps, weight_decay in cases:
        call = f"HandAdamW(params, lr={lr}, betas={betas}, eps={eps}, weight_decay={weight_decay})"

        settings = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        got = _train(functools.partial(optimizer_class, **settings), name=call)
        expected = _train(functools.partial(optim.AdamW, **settings))
        if _same(got, expected):
            continue
        if not all(np.isfinite(values).all() for values in got):
            raise AssertionError(
                f"{call}: after {STEPS} steps some parameters are NaN or infinite. Does the step "
                "counter start at 0 on the first step? With t = 0, 1 - beta**t is 0 and the "
                "bias correction divides by zero: count the step first (t += 1), so the first "
                "step has t = 1"
            )
        mistakes = {
            "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t), with t "
            "the number of steps taken so far, counting this one":
                dict(correct=False),
            "Adam's L2 penalty (weight_decay * p added to the gradient): AdamW shrinks the "
            "weight directly, p *= 1 - lr * weight_decay, and keeps the decay out of m and v":
                dict(coupled=True),
            "no bias correction and no decoupled decay (that is plain Adam's L2 without the "
            "hats)": dict(correct=False, coupled=True),
        }
        for hint, options in mistakes.items():
            if _same(got, _train(_adamw_rule(lr, betas, eps, weight_decay, **options))):
                raise AssertionError(f"{call} after {STEPS} steps: {hint}")
        raise AssertionError(
            f"{call} after {STEPS} steps differs from optim.AdamW with the same settings "
            f"(largest difference {_largest_difference(got, expected):.2g}). Per step: t += 1; "
            "p *= 1 - lr * weight_decay; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; "
            "p -= lr * m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - b1**t), "
            "v_hat = v / (1 - b2**t)"
        )
    return (f"Correct: HandAdamW matches optim.AdamW after {STEPS} steps, bias correction and "
            "decoupled weight decay included.")


# ------------------------------------------------------------------ exercise 3

# Bowls f(p) = 1/2 sum_i c_i p_i^2, from gentle to steep; largest/smallest ratio <= 10.
BOWLS = [[1.0, 10.0], [0.1, 1.0], [5.0, 50.0], [2.0, 2.0], [0.3, 1.0, 3.0], [40.0, 100.0, 200.0]]
LR_STEPS = 100
LR_TOLERANCE = 1e-3


def _descend(curvatures: list[float], lr: float) -> tuple[np.ndarray, int | None]:
    """Run optim.SGD on the bowl; return the final |p_i| and the first step where all
    coordinates were below the tolerance (None if never)."""
    c = teachgrad.tensor(curvatures, dtype=teachgrad.float64)
    p = teachgrad.ones(len(curvatures), dtype=teachgrad.float64, requires_grad=True)
    opt = optim.SGD([p], lr=lr)
    reached = None
    for step in range(1, LR_STEPS + 1):
        opt.zero_grad()
        (0.5 * (c * p * p).sum()).backward()
        opt.step()
        if reached is None and bool((p.detach().abs() < LR_TOLERANCE).all()):
            reached = step
    return np.abs(p.detach().numpy()), reached


@exercise
def check_pick_lr(pick_lr: Callable[[list[float]], float]) -> str:
    """pick_lr(curvatures) -> a learning rate with which plain gradient descent converges."""
    slowest = 0
    for curvatures in BOWLS:
        call = f"pick_lr({curvatures})"
        lr = _run(call, functools.partial(pick_lr, list(curvatures)))
        if isinstance(lr, teachgrad.Tensor):
            lr = lr.item()
        if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
            raise AssertionError(f"{call} returned {lr!r}: return a positive number")
        final, reached = _descend(curvatures, float(lr))
        if reached is not None:
            slowest = max(slowest, reached)
            continue
        worst = max(curvatures)
        if lr * worst > 2 + 1e-9:
            raise AssertionError(
                f"{call} returned {lr:.4g}: gradient descent diverges, because the coordinate "
                f"with curvature {worst:g} is multiplied by 1 - lr * {worst:g} = "
                f"{1 - lr * worst:.3g} at every step, which is beyond -1. Keep lr below "
                "2 / max(curvatures)"
            )
        if abs(lr * worst - 2) <= 1e-9:
            raise AssertionError(
                f"{call} returned {lr:.4g} = 2 / max(curvatures): the steepest coordinate is "
                "multiplied by exactly -1 at every step, so it bounces forever. Stay strictly "
                "below that limit"
            )
        raise AssertionError(
            f"{call} returned {lr:.4g}: stable, but after {LR_STEPS} steps the largest "
            f"coordinate is still {final.max():.3g} (needed below {LR_TOLERANCE:g}). The "
            f"coordinate with curvature {min(curvatures):g} shrinks by only "
            f"1 - lr * {min(curvatures):g} = {1 - lr * min(curvatures):.3g} per step: a "
            "larger learning rate would help, as long as it stays below 2 / max(curvatures)"
        )
    return (f"Correct: gradient descent converges on all {len(BOWLS)} bowls (the slowest took "
            f"{slowest} of {LR_STEPS} steps).")


# ------------------------------------------------------------------ exercise 4

ADAGRAD_STEPS = 20


def _train_two_layer(make: Callable[[list], Any], name: str = "your optimizer"
                     ) -> tuple[list[np.ndarray], float]:
    """Lesson 01's network (float64, lesson 01's starting weights) after ADAGRAD_STEPS steps
    of make(params): its parameters as arrays, and its loss at the end."""
    x, y, _, _ = (teachgrad.from_numpy(array) for array in two_layer.problem())
    model = two_layer.two_layer_model()
    params = list(model.parameters())
    opt = _run(f"creating {name}", lambda: make(params))
    loss_fn = nn.MSELoss(reduction="sum")
    for _ in range(ADAGRAD_STEPS):
        for p in params:
            p.grad = None
        loss_fn(model(x), y).backward()
        _run(f"{name}.step()", opt.step)
    with teachgrad.no_grad():
        loss = loss_fn(model(x), y).item()
    return [p.detach().numpy().copy() for p in params], loss


def _same64(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    """Equal to float64 rounding (tight enough to tell sqrt(s) + eps from sqrt(s + eps))."""
    return all(u.shape == v.shape and np.allclose(u, v, rtol=1e-10, atol=1e-13)
               for u, v in zip(a, b))


def _adagrad_rule(lr: float, eps: float, mistake: str) -> Callable[[list], Any]:
    def update(p, g, state, t):
        s = _buffer(state, p, "s")
        if mistake == "average":
            s.mul_(0.99).add_(0.01 * g * g)
        elif mistake == "forgets":
            s.copy_(g * g)
        elif mistake == "abs":
            s.add_(g.abs())
        elif mistake != "late":
            s.add_(g * g)
        if mistake == "no sqrt":
            p -= lr * g / (s + eps)
        elif mistake == "eps inside":
            p -= lr * g / (s + eps).sqrt()
        else:
            p -= lr * g / (s.sqrt() + eps)
        if mistake == "late":
            s.add_(g * g)

    return lambda ps: _Rule(ps, update)


_ADAGRAD_HINTS = {
    "average": "s is a running average of g**2 (that is RMSprop): Adagrad keeps the *sum* of "
               "every past g**2, s += g**2, so its steps only ever shrink",
    "forgets": "s holds only this step's g**2: it is not remembered between steps. Create one "
               "sum per parameter in __init__ and add to it in place (s.add_(...)); "
               "`s = s + g**2` only rebinds a local name",
    "abs": "s adds up |g|: Adagrad adds up the squares, s += g**2",
    "late": "the division uses the sum from before this step: add g**2 to s first, then divide "
            "(on the first step s is still 0 and the step is huge)",
    "no sqrt": "the gradient is divided by s itself: divide by its square root, sqrt(s) + eps",
    "eps inside": "eps is added inside the square root: Adagrad divides by sqrt(s) + eps",
}


@exercise
def check_adagrad(optimizer_class: type) -> str:
    """optimizer_class(params, lr=1e-2, eps=1e-10) with step(): Adagrad, as optim.Adagrad."""
    if not isinstance(optimizer_class, type):
        raise AssertionError(f"pass the class itself, HandAdagrad (got {optimizer_class!r})")
    for lr, eps in ((0.01, 1e-10), (0.003, 1e-3)):
        call = f"HandAdagrad(params, lr={lr}, eps={eps})"
        got, loss = _train_two_layer(functools.partial(optimizer_class, lr=lr, eps=eps),
                                     name=call)
        expected, expected_loss = _train_two_layer(
            functools.partial(optim.Adagrad, lr=lr, eps=eps))
        if _same64(got, expected):
            continue
        if not all(np.isfinite(values).all() for values in got):
            raise AssertionError(f"{call}: after {ADAGRAD_STEPS} steps some weights are NaN or "
                                 "infinite. " + _ADAGRAD_HINTS["late"])
        for mistake, hint in _ADAGRAD_HINTS.items():
            if _same64(got, _train_two_layer(_adagrad_rule(lr, eps, mistake))[0]):
                raise AssertionError(f"{call}, {ADAGRAD_STEPS} steps on lesson 01's network: "
                                     f"{hint}")
        raise AssertionError(
            f"{call}: after {ADAGRAD_STEPS} steps on lesson 01's network the loss is {loss:.6g}; "
            f"with optim.Adagrad it is {expected_loss:.6g} (largest weight difference "
            f"{_largest_difference(got, expected):.2g}). Per step: s += g**2 (s starts at "
            "zero); p -= lr * g / (sqrt(s) + eps)")
    return (f"Correct: HandAdagrad takes optim.Adagrad's steps on lesson 01's network; after "
            f"{ADAGRAD_STEPS} steps with lr=0.003 the loss is {expected_loss:.4g}.")
