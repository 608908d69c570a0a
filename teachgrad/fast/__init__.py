"""Speed-ups that sit beside the reference implementation, and the switch between them.

The reading path (README, "Reading path") is the reference implementation: it is the
code that runs when the reference mode is on, and it gives bit-identical values and
gradients. Each speed-up here replaces one reference function and says what it buys:

- apply.py: Function.apply with its helpers inlined;
- accumulate.py: a leaf's first gradient stored without a copy when no one else holds it;
- float_errors.py: NumPy's float-error switch through its context variable;
- array_backward.py: the hottest backward formulas on plain arrays when nothing records
  the backward pass;
- batches.py: a TensorDataset batch fetched with one index per tensor, collated as it is;
- backward_loop.py: loss.backward() through the engine's loop with its helpers inlined;
- array_forward.py: the forwards of *, + and - with their common case inlined;
- saving.py: save_for_backward keeping numbers without a failed attribute lookup;
- inplace.py: in-place + - * / under no_grad (an optimizer's step) inlined.

`python bench/fast_swaps.py` times each of them undone alone.

They are on by default. Turn them off for the whole process with the environment
variable TEACHGRAD_REFERENCE=1 (read when teachgrad is imported), or for a block:

    with teachgrad.fast.reference_mode():
        loss.backward()   # runs exactly the code on the reading path
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from teachgrad import numerics
from teachgrad.autograd import engine
from teachgrad.autograd.function import Function, Node
from teachgrad.fast import batches
from teachgrad.fast.accumulate import first_gradient_without_copy
from teachgrad.fast.apply import fast_apply
from teachgrad.fast.array_backward import call_backward_on_arrays
from teachgrad.fast.array_forward import FAST_FORWARDS
from teachgrad.fast.backward_loop import backward_fast
from teachgrad.fast.float_errors import ignore_float_errors, restore_float_errors
from teachgrad.fast.inplace import arithmetic_inplace_fast
from teachgrad.fast.saving import save_for_backward_fast
from teachgrad.ops import inplace
from teachgrad.tensor import Tensor
from teachgrad.utils import data

# (owner, attribute, reference version, fast version) for each swapped function.
_SWAPS = [
    (Function, "apply", Function.__dict__["apply"], classmethod(fast_apply)),
    (Node, "save_for_backward", Node.__dict__["save_for_backward"], save_for_backward_fast),
    (engine, "_first_gradient", engine._first_gradient, first_gradient_without_copy),
    (engine, "_call_backward", engine._call_backward, call_backward_on_arrays),
    (Tensor, "backward", Tensor.__dict__["backward"], backward_fast),
    (inplace, "arithmetic_inplace", inplace.arithmetic_inplace, arithmetic_inplace_fast),
    (numerics, "_ignore_float_errors", numerics._ignore_float_errors, ignore_float_errors),
    (numerics, "_restore_float_errors", numerics._restore_float_errors, restore_float_errors),
    (data.TensorDataset, "__getitems__", None, batches.fetch_batch),
    (data, "default_collate", data.default_collate, batches.default_collate),
] + [(function, "forward", function.__dict__["forward"], staticmethod(fast))
     for function, fast in FAST_FORWARDS]


def set_enabled(enabled: bool) -> None:
    """True: use the speed-ups (the default); False: run the reference code only."""
    if numerics.Silenced.now:
        raise RuntimeError("teachgrad.fast.set_enabled cannot switch modes inside an op or "
                           "a backward pass; switch before or after it.")
    for owner, name, reference, fast in _SWAPS:
        setattr(owner, name, fast if enabled else reference)


def is_enabled() -> bool:
    """Whether the speed-ups are in use."""
    owner, name, _, fast = _SWAPS[0]
    return owner.__dict__[name] is fast


@contextmanager
def reference_mode() -> Iterator[None]:
    """Run the block with the reference implementation only, then switch back."""
    was_enabled = is_enabled()
    set_enabled(False)
    try:
        yield
    finally:
        set_enabled(was_enabled)


set_enabled(os.environ.get("TEACHGRAD_REFERENCE", "0") != "1")
