"""What each speed-up of teachgrad/fast/ buys: the same work with that one swap undone.

For each module of teachgrad/fast/ that swaps functions in (teachgrad.fast._SWAPS),
time two pieces of work with every speed-up on, and with that module's swaps put back
to the reference: the two-layer step of bench/two_layer.py on tiny sizes (N=2,
D_in=3, H=4, D_out=2, where nearly all the time is teachgrad's own Python) and the 3x3
multiply of bench/op_overhead.py. Each time is the best of 25 timings, the two
settings timed in turns, so that it measures the Python a swap saves rather than the
machine's noise (on a loaded machine, run it twice: a difference under 1-2 us of the
step is noise). A positive "saves" is time the speed-up takes off each call.

A limit: fast/backward_loop.py looks the array formulas of fast/array_backward.py up
itself, so undoing array_backward.py alone leaves them on for loss.backward(); the
"all (reference mode)" line times every speed-up undone together.

    python bench/fast_swaps.py
"""

from __future__ import annotations

import gc
import sys
import timeit

import _setup
import numpy as np
import two_layer

import teachgrad
from teachgrad import fast

TINY = dict(N=2, D_IN=3, H=4, D_OUT=2)


def tiny_step() -> callable:
    saved = {name: getattr(two_layer, name) for name in TINY}
    for name, value in TINY.items():
        setattr(two_layer, name, value)
    try:
        leaves = two_layer.autograd_leaves(teachgrad, two_layer.make_data())
    finally:
        for name, value in saved.items():
            setattr(two_layer, name, value)
    return lambda: two_layer.autograd_step(teachgrad, *leaves)


def multiply() -> callable:
    rng = np.random.default_rng(0)
    a, b = (teachgrad.tensor(rng.standard_normal((3, 3)).astype(np.float32),
                             requires_grad=True) for _ in range(2))
    return lambda: a * b


def once(work: callable, number: int) -> float:
    # gc stays on, as in the other benchmarks (timeit switches it off by default)
    return timeit.timeit(work, setup=gc.enable, number=number) / number


def home_module(fast_version: object) -> str:
    """The module of teachgrad/fast/ that defines a fast version (wrappers keep another's name)."""
    function = getattr(fast_version, "__func__", fast_version)
    module = function.__module__
    if not module.startswith("teachgrad.fast."):
        module = next(name for name, value in sys.modules.items()
                      if name.startswith("teachgrad.fast.") and function in vars(value).values())
    return module.rsplit(".", 1)[-1]


def main(rounds: int = 25) -> None:
    works = {"tiny two-layer step": (tiny_step(), 200), "3x3 a*b (grad)": (multiply(), 3000)}
    groups: dict[str, list] = {}
    for swap in fast._SWAPS:
        groups.setdefault(home_module(swap[3]), []).append(swap)
    print(f"each speed-up, undone alone; best of {rounds} timings taken in turns; "
          f"{_setup.describe_threads()}")
    for work_name, (work, number) in works.items():
        print(f"\n{work_name}:")
        all_on = []
        for module, swaps in groups.items():
            with_it, without = [], []
            for _ in range(rounds):  # in turns, one timing each, so that noise hits both
                with_it.append(once(work, number))
                for owner, name, reference, _fast in swaps:
                    setattr(owner, name, reference)
                try:
                    without.append(once(work, number))
                finally:
                    fast.set_enabled(True)
            all_on.extend(with_it)
            saved = min(without) - min(with_it)
            print(f"  {module + '.py':<20}{min(with_it) * 1e6:8.2f} us with, "
                  f"{min(without) * 1e6:8.2f} us without: saves {saved * 1e6:6.2f} us")
        with fast.reference_mode():
            reference = min(once(work, number) for _ in range(rounds))
        print(f"  {'all (reference mode)':<20}{min(all_on) * 1e6:8.2f} us with, "
              f"{reference * 1e6:8.2f} us without: saves {(reference - min(all_on)) * 1e6:6.2f} us")


if __name__ == "__main__":
    main()
