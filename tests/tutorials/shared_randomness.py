"""One stream of random numbers for two libraries, so a tutorial prints the same in both.

teachgrad draws from NumPy and torch from its own generator: the same seed gives
different numbers. `same_draws(lib, seed)` swaps, for the length of a `with` block,
every random entry point the tutorials reach (torch.randn and friends, nn.init's
uniform fills behind Linear and Conv2d, the DataLoader's shuffling) for one that
draws from a NumPy generator seeded with `seed`, then puts the originals back.
Run with the same seed, a script sees the same numbers in torch and in teachgrad.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Iterator
from typing import Any

import numpy as np


def _shape(sizes: tuple, size: Any) -> tuple:
    if size is not None:
        sizes = (size,)
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])  # randn((2, 3)) and randn(torch.Size([2, 3]))
    return tuple(int(s) for s in sizes)


def _replacements(lib: Any, rng: np.random.Generator) -> dict[tuple[Any, str], Any]:
    def tensor(values: np.ndarray, dtype: Any, device: Any, requires_grad: bool) -> Any:
        made = lib.tensor(values, dtype=dtype or lib.get_default_dtype(), device=device)
        return made.requires_grad_(requires_grad)

    def randn(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
              requires_grad: bool = False, **_: Any) -> Any:
        return tensor(rng.standard_normal(_shape(sizes, size)), dtype, device, requires_grad)

    def rand(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False, **_: Any) -> Any:
        return tensor(rng.random(_shape(sizes, size)), dtype, device, requires_grad)

    def like(draw: Any) -> Any:
        def drawn_like(input: Any, *, dtype: Any = None, device: Any = None,
                       requires_grad: bool = False, **_: Any) -> Any:
            return draw(tuple(input.shape), dtype=dtype or input.dtype,
                        device=device or input.device, requires_grad=requires_grad)
        return drawn_like

    def randperm(n: int, *, dtype: Any = None, device: Any = None, **_: Any) -> Any:
        return lib.tensor(rng.permutation(int(n)), dtype=dtype or lib.int64, device=device)

    def randint(*args: Any, size: Any = None, dtype: Any = None, device: Any = None,
                **_: Any) -> Any:
        if size is None:
            *bounds, size = args  # randint(high, size) or randint(low, high, size)
        else:
            bounds = list(args)
        low, high = ([0] + bounds)[-2:]
        values = rng.integers(low, high, _shape((), size))
        return lib.tensor(values, dtype=dtype or lib.int64, device=device)

    def uniform_(target: Any, a: float = 0.0, b: float = 1.0, **_: Any) -> Any:
        with lib.no_grad():
            values = rng.uniform(a, b, tuple(target.shape))
            return target.copy_(lib.tensor(values, dtype=target.dtype))

    def kaiming_uniform_(target: Any, a: float = 0.0, mode: str = "fan_in",
                         nonlinearity: str = "leaky_relu", **_: Any) -> Any:
        fan_in, fan_out = lib.nn.init._calculate_fan_in_and_fan_out(target)
        gain = lib.nn.init.calculate_gain(nonlinearity, a)
        bound = gain * math.sqrt(3.0 / (fan_in if mode == "fan_in" else fan_out))
        return uniform_(target, -bound, bound)

    table = {(lib, "randn"): randn, (lib, "rand"): rand, (lib, "randperm"): randperm,
             (lib, "randint"): randint,
             (lib, "randn_like"): like(randn), (lib, "rand_like"): like(rand),
             (lib.nn.init, "uniform_"): uniform_,
             (lib.nn.init, "kaiming_uniform_"): kaiming_uniform_}
    # teachgrad's RandomSampler imported randperm by name; torch's looks it up on torch.
    if lib.__name__ == "teachgrad":
        import teachgrad.utils.sampler as sampler_module

        table[(sampler_module, "randperm")] = randperm
    return table


@contextlib.contextmanager
def same_draws(lib: Any, seed: int = 0) -> Iterator[None]:
    """Inside the block, `lib`'s random functions draw from NumPy's default_rng(seed)."""
    table = _replacements(lib, np.random.default_rng(seed))
    saved = {key: getattr(*key) for key in table}
    random.seed(seed)  # the tutorials' own `random.randint` (the dynamic net)
    try:
        for (owner, name), function in table.items():
            setattr(owner, name, function)
        yield
    finally:
        for (owner, name), function in saved.items():
            setattr(owner, name, function)
