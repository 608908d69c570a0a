"""Benchmark 2: what one op costs on top of the arithmetic.

(a) a 3x3 elementwise multiply of tensors that require grad, forward only: nearly all
    of it is framework overhead (building the output and the graph node);
(b) forward + backward through a chain of 20 ops on small (8x8) tensors.
Each is timed for NumPy (arithmetic only, no autograd), teachgrad and torch.

    python bench/op_overhead.py
"""

from __future__ import annotations

import _setup
import numpy as np

import teachgrad

CHAIN_LENGTH = 20


def chain(x, w):
    """20 ops: a mix of elementwise, matmul and reductions, ending in a scalar."""
    h = x
    for _ in range(4):
        h = (h @ w).tanh() * 0.5 + h  # 4 ops per round
    return (h * h).sum() + h.exp().mean()  # 4 more: 20 in all


def numpy_chain(x: np.ndarray, w: np.ndarray) -> float:
    h = x
    for _ in range(4):
        h = np.tanh(h @ w) * 0.5 + h
    return (h * h).sum() + np.exp(h).mean()


def main(rounds: int = 300) -> dict[str, float]:
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((3, 3)).astype(np.float32) for _ in range(2))
    x, w = (rng.standard_normal((8, 8)).astype(np.float32) * 0.3 for _ in range(2))
    torch = _setup.load_torch()

    print(f"per-op overhead; {_setup.describe_threads()}")
    multiply = {"numpy a*b": lambda: a * b}
    tg_a, tg_b = (teachgrad.tensor(v, requires_grad=True) for v in (a, b))
    multiply["teachgrad a*b (grad)"] = lambda: tg_a * tg_b
    if torch is not None:
        th_a, th_b = (torch.tensor(v, requires_grad=True) for v in (a, b))
        multiply["torch a*b (grad)"] = lambda: th_a * th_b
    medians = _setup.compare("(a) 3x3 multiply, forward only:", multiply,
                             {"numpy": "numpy a*b", "torch": "torch a*b (grad)"},
                             rounds=rounds, inner=200)

    chains = {"numpy chain (no grad)": lambda: numpy_chain(x, w)}
    tg_x, tg_w = (teachgrad.tensor(v, requires_grad=True) for v in (x, w))
    chains["teachgrad chain fwd+bwd"] = lambda: chain(tg_x, tg_w).backward()
    if torch is not None:
        th_x, th_w = (torch.tensor(v, requires_grad=True) for v in (x, w))
        chains["torch chain fwd+bwd"] = lambda: chain(th_x, th_w).backward()
    chain_title = f"(b) {CHAIN_LENGTH}-op chain on 8x8, forward+backward:"
    chain_medians = _setup.compare(
        chain_title, chains, {"numpy": "numpy chain (no grad)", "torch": "torch chain fwd+bwd"},
        rounds=rounds // 3, inner=20)
    return {**medians, **chain_medians}


if __name__ == "__main__":
    main()
