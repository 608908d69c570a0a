"""F.pad: grow (or, with negative amounts, crop) the last dims of a tensor.

`pad` lists amounts from the last dim backwards: (left, right) for the last dim, then
(top, bottom) for the one before, and so on. What fills the new border:

- constant: a value (0 by default), on any number of dims;
- reflect: the input mirrored at its edge, without repeating the edge ([1, 2, 3] padded
  by 2 on the left starts 3, 2, 1, 2, 3);
- replicate: the edge value repeated;
- circular: the input wrapped around, as if it were periodic.

The last three pad 1, 2 or 3 trailing dims of a batched or unbatched input, as torch
does, and are one index map per dim (teachgrad/ops/index_maps.py). The constant mode
is its own op, whose backward is the opposite crop.
"""

from __future__ import annotations

from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.nn.module import Module
from teachgrad.ops.index_maps import take
from teachgrad.tensor import Tensor

MODES = ("constant", "reflect", "replicate", "circular")


class ConstantPadNd(Function):
    """Zeros (or a value) around the last dims; negative amounts crop instead."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor, pairs: tuple, value: Any) -> Any:
        array = x._array
        xp = array_module(array)
        ctx.pairs = pairs
        first = array.ndim - len(pairs)
        # Crop first (the negative amounts), then pad (the positive ones).
        crop = tuple(slice(max(-left, 0), size - max(-right, 0)) for (left, right), size
                     in zip(pairs, array.shape[first:]))
        array = array[(slice(None),) * first + crop]
        widths = [(0, 0)] * first + [(max(left, 0), max(right, 0)) for left, right in pairs]
        fill = xp.asarray(value).astype(array.dtype) if array.dtype != bool else bool(value)
        return xp.pad(array, widths, constant_values=fill)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        # Padding's adjoint crops what it added (and pads back with zeros what it cropped).
        unpad = tuple((-left, -right) for left, right in ctx.pairs)
        return ConstantPadNd.apply(grad, unpad, 0), None, None


def _check_amounts(pad: Any, ndim: int) -> tuple:
    if not isinstance(pad, (tuple, list)) or not all(
            isinstance(p, int) or (isinstance(p, Tensor) and p.dim() == 0) for p in pad):
        kind = type(next((p for p in pad if not isinstance(p, int)), pad)).__name__ \
            if isinstance(pad, (tuple, list)) else type(pad).__name__
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found "
                        f"element of type {kind}: give whole numbers, e.g. (1, 1).")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2: give a (before, after) pair "
                           "for each padded dim.")
    if len(pad) // 2 > ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(pad)} and input of dimension {ndim}"
        )
    return pad


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """torch.nn.functional.pad: amounts from the last dim backwards, e.g. (left, right, top,
    bottom)."""
    if mode not in MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}: use one of "
                                  f"{', '.join(MODES)}.")
    amounts = _check_amounts(pad, input.dim())
    # pairs[k] is the (before, after) of dim ndim - len(pairs) + k: in dim order.
    pairs = tuple((amounts[2 * i], amounts[2 * i + 1]) for i in range(len(amounts) // 2))[::-1]
    if mode == "constant":
        first = input.dim() - len(pairs)
        for (left, right), size in zip(pairs, input.shape[first:]):
            # torch crops first, so the negative amounts alone must leave the dim >= 0
            if size + min(left, 0) + min(right, 0) < 0:
                raise RuntimeError(
                    f"narrow(): length must be non-negative. (Padding {left, right} crops "
                    f"{-min(left, 0) - min(right, 0)} elements of a dim of size {size}.)"
                )
        return ConstantPadNd.apply(input, pairs, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument: only '
                           "mode='constant' fills with a value.")
    _check_layout(input, len(pairs), len(amounts))
    xp = array_module(input._array)
    first = input.dim() - len(pairs)
    maps = tuple(xp.asarray(_MAPS[mode](size, left, right, dim, input.shape), dtype="int64")
                 for dim, ((left, right), size) in enumerate(zip(pairs, input.shape[first:]),
                                                               start=first))
    _check_output(input, maps, mode)
    if mode == "circular":
        name = "CopySlices"  # torch writes circular padding as copies into slices
    else:
        name = f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{len(pairs)}DBackward0"
    return take(input, maps, name)


def _check_layout(input: Tensor, dims: int, length: int) -> None:
    """reflect/replicate/circular pad 1-3 trailing dims of an input with 1 or 2 more dims."""
    if input.dim() not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {length} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )


def _check_output(input: Tensor, maps: tuple, mode: str) -> None:
    if mode == "circular":
        return
    dims = len(maps)
    batched = input.dim() == dims + 2
    if any(size == 0 for size in input.shape[1 if batched else 0:]):
        raise RuntimeError(
            f"Expected {dims + 1}D or {dims + 2}D (batch mode) tensor with possibly 0 batch "
            f"size and other non-zero dimensions for input, but got: {list(input.shape)}"
        )
    if any(len(positions) < 1 for positions in maps):
        names = "DHW"[3 - dims:]
        sizes = input.shape[input.dim() - dims:]
        raise RuntimeError(
            f"input ({', '.join(f'{n}: {s}' for n, s in zip(names, sizes))}) is too small. "
            f"Calculated output {' '.join(f'{n}: {len(m)}' for n, m in zip(names, maps))}"
        )


def _reflect(size: int, left: int, right: int, dim: int, shape: Any) -> list:
    if left >= size or right >= size:
        raise RuntimeError(
            f"Argument #{4 + 2 * (len(shape) - 1 - dim)}: Padding size should be less than the "
            f"corresponding input dimension, but got: padding ({left}, {right}) at dimension "
            f"{dim} of input {list(shape)}"
        )
    positions = range(-left, size + right)
    return [-i if i < 0 else (2 * (size - 1) - i if i >= size else i) for i in positions]


def _replicate(size: int, left: int, right: int, dim: int, shape: Any) -> list:
    return [min(max(i, 0), size - 1) for i in range(-left, size + right)]


def _circular(size: int, left: int, right: int, dim: int, shape: Any) -> list:
    """torch's _pad_circular, step by step: the input (cropped by negative amounts) in the
    middle, then the left border copied from the right end, then the right border from the
    left end (which may already be a copy)."""
    if left > size or right > size:
        raise RuntimeError("Padding value causes wrapping around more than once: pad each "
                           f"side by at most the dim's size ({size}).")
    out = size + left + right
    if out < 0:
        raise RuntimeError("Negative padding value is resulting in an empty dimension")
    positions = [0] * out
    middle = range(max(-left, 0), size - max(-right, 0))
    positions[max(left, 0):out - max(right, 0)] = list(middle)
    if left > 0:
        end = out - max(right, 0)
        positions[:left] = positions[end - left:end]
    for j in range(max(right, 0)):  # one at a time: the source may be what was just written
        positions[out - right + j] = positions[max(left, 0) + j]
    return positions


_MAPS = {"reflect": _reflect, "replicate": _replicate, "circular": _circular}


# ---------------------------------------------------------------- layers


class _PadNd(Module):
    """A layer that calls F.pad with its padding (an int pads every side by that much)."""

    mode = "reflect"
    dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = (padding,) * (2 * self.dims) if isinstance(padding, int) \
            else tuple(padding)

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _layer(name: str, base: type, mode: str, dims: int) -> type:
    doc = f"F.pad(input, padding, mode='{mode}') on the last {dims} dim(s)."
    return type(name, (base,), {"mode": mode, "dims": dims, "__module__": __name__,
                                "__qualname__": name, "__doc__": doc})


LAYERS = {f"{kind}Pad{d}d": _layer(f"{kind}Pad{d}d", base, mode, d)
          for kind, base, mode in (("Constant", _ConstantPadNd, "constant"),
                                   ("Zero", _ZeroPadNd, "constant"),
                                   ("Reflection", _PadNd, "reflect"),
                                   ("Replication", _PadNd, "replicate"),
                                   ("Circular", _PadNd, "circular"))
          for d in (1, 2, 3)}
