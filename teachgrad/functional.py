"""teachgrad.functional: the names torch.functional holds, for code that calls them there.

torch.functional is where torch keeps a few functions written in Python (einsum, split,
norm, meshgrid, unique, ...); they are the same functions as torch.<name>. Here each
name is looked up in teachgrad's namespace, so it is the very function teachgrad.<name>
is; a torch.functional name teachgrad lacks is an AttributeError that says so.
"""

from __future__ import annotations

from typing import Any

TORCH_FUNCTIONAL = (
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes",
    "broadcast_tensors", "cartesian_prod", "cdist", "chain_matmul", "einsum", "lu",
    "meshgrid", "norm", "split", "stft", "istft", "tensordot", "unique",
    "unique_consecutive", "unravel_index",
)


def __getattr__(name: str) -> Any:
    import teachgrad

    if name in TORCH_FUNCTIONAL and name in vars(teachgrad):
        return vars(teachgrad)[name]
    if name in TORCH_FUNCTIONAL:
        raise AttributeError(f"teachgrad.functional.{name}: torch.functional.{name} is not "
                             "implemented in teachgrad")
    raise AttributeError(f"module 'teachgrad.functional' has no attribute '{name}'")


def __dir__() -> list[str]:
    import teachgrad

    return [name for name in TORCH_FUNCTIONAL if name in vars(teachgrad)]
