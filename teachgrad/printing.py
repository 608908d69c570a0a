"""Tensor printing that reproduces PyTorch's ``repr`` character for character.

A learner moving from teachgrad to PyTorch should see the same text for the
same tensor, so this module follows torch's rules (as observed in torch 2.13):

1. Pick one number format for the whole tensor (``_Formatter``):
   integer-looking floats print as ``1.``, others as fixed ``1.5000``, and very
   large, very small or widely spread magnitudes switch to scientific
   ``1.5000e+05``. Every element is right-aligned to one common width.
2. Lay the elements out as nested brackets (``_render``), wrapping rows at
   ``linewidth`` and, above ``threshold`` elements, keeping only ``edgeitems``
   at each end of every dimension with ``...`` in between.
3. Append the suffixes (``device=``, ``size=``, ``dtype=``, ``grad_fn=`` or
   ``requires_grad=``) after the data, moving to a new line when they would
   overflow ``linewidth``.

The caller hands over a NumPy array (CuPy data is copied to the host first)
plus the tensor's metadata; this module knows nothing about Tensor itself.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["get_printoptions", "set_printoptions", "tensor_repr"]

_PREFIX = "tensor("
# Suffixes are laid out with torch's spelling of the dtype ("dtype=torch.float64")
# and renamed at the very end: the line breaks then fall exactly where torch puts
# them, so a teachgrad repr is torch's repr with only the module name changed
# (a line may end up to 4 characters longer than linewidth because of it).
_TORCH_DTYPE = "dtype=torch."
_OUR_DTYPE = "dtype=teachgrad."

# torch's default dtype for floats; int64 and bool are the defaults for Python
# ints and bools, so a tensor of one of these three omits its ``dtype=``.
_DEFAULT_FLOAT = "float32"
_DEFAULT_DTYPES = frozenset({_DEFAULT_FLOAT, "int64", "bool"})

_FLOAT_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64"})
_OTHER_DTYPES = frozenset(
    {"uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "bool"}
)


@dataclass
class _PrintOptions:
    """The knobs of ``set_printoptions``, with torch's defaults."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

# Values for set_printoptions(profile=...); an unknown name is ignored, as in torch.
_PROFILES: dict[str, dict[str, float]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change how tensors print, with the same arguments as ``torch.set_printoptions``.

    A profile is applied first, then the explicit options override it. Like
    torch, ``sci_mode`` is always assigned: leaving it out sets it back to
    ``None`` (automatic choice).
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(_OPTS, name, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """Current print options as a dict (a copy: editing it changes nothing)."""
    return asdict(_OPTS)


# --------------------------------------------------------------------------
# Choosing one format for every element
# --------------------------------------------------------------------------


class _Formatter:
    """Formats single elements so that all of them line up in one column width.

    The notation is chosen once, from the elements that will actually be
    shown, and then used for every element.
    """

    def __init__(self, shown: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True  # floats that are all whole numbers print as "3."
        self.sci_mode = False
        self.width = 1
        flat = shown.reshape(-1)
        if floating:
            self._choose_float_notation(flat)
        elif flat.size:
            self.width = max(map(len, map(str, flat.tolist())))

    def _choose_float_notation(self, flat: np.ndarray) -> None:
        # Zeros, nan and inf say nothing about the magnitude of the data, so
        # they take no part in choosing the notation (nor in the column width).
        # There are few of them (only shown elements), so plain Python on a
        # list is faster here than a chain of NumPy calls.
        finite = flat[np.isfinite(flat) & (flat != 0)].tolist()
        self._spec = ".0f"
        if not finite:
            # torch stops here, before looking at a forced sci_mode: a tensor of
            # only zeros/nan/inf prints as "0." / "nan" even with sci_mode=True.
            return
        magnitudes = list(map(abs, finite))
        smallest, largest = min(magnitudes), max(magnitudes)
        self.int_mode = all(v == math.ceil(v) for v in finite)
        if _OPTS.sci_mode is None:
            # Very large, very small or widely spread magnitudes would need many
            # digits in fixed notation. (Whole numbers are never below 1e-4.)
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = _OPTS.sci_mode

        precision = _OPTS.precision
        if self.sci_mode:
            self._spec = f".{precision}e"
        elif not self.int_mode:
            self._spec = f".{precision}f"
        # In int mode every finite value gets a "." appended, hence the +1.
        dot = self.int_mode and not self.sci_mode
        self.width = max(len(format(v, self._spec)) for v in finite) + dot

    def format(self, value: float | bool) -> str:
        """One element as text, right-aligned to the common width."""
        if not self.floating:
            return str(value).rjust(self.width)
        text = format(value, self._spec)
        if self.int_mode and not self.sci_mode and math.isfinite(value):
            text += "."  # the dot marks a float tensor: "3." rather than "3"
        return text.rjust(self.width)


def _cut_dims(shape: tuple[int, ...], summarize: bool, edgeitems: int) -> tuple[bool, ...]:
    """For each dim, whether its middle is hidden behind ``...``."""
    return tuple(summarize and n > 2 * edgeitems for n in shape)


def _shown_elements(values: np.ndarray, cut: tuple[bool, ...], edgeitems: int) -> np.ndarray:
    """The sub-array a print shows: ``edgeitems`` at each end of every cut dim.

    Only these elements take part in choosing the number format, as in torch,
    so a huge value hidden in the middle does not force scientific notation.
    """
    if not any(cut):
        return values
    keep = [
        np.r_[0:edgeitems, n - edgeitems : n] if is_cut else np.arange(n)
        for n, is_cut in zip(values.shape, cut, strict=True)
    ]
    return values[np.ix_(*keep)]


# --------------------------------------------------------------------------
# Laying out the nested brackets
# --------------------------------------------------------------------------


def _render(data: list | float | bool, cut: tuple[bool, ...], indent: int, fmt: _Formatter) -> str:
    """Brackets around the shown elements; ``indent`` is the column of this ``[``.

    ``data`` is the nested list of shown elements (a scalar for a 0-d tensor);
    ``cut[0]`` says whether this level's middle was dropped, in which case the
    first half of ``data`` came from the start and the second half from the end.
    """
    if not cut:
        return fmt.format(data)
    if len(cut) == 1:
        return _render_row(data, cut[0], indent, fmt)

    inner = indent + 1
    parts = [_render(sub, cut[1:], inner, fmt) for sub in data]
    if cut[0]:
        half = len(parts) // 2
        parts = [*parts[:half], "...", *parts[half:]]
    # Blocks of a 3-D tensor are separated by a blank line, of a 4-D by two, ...
    separator = "," + "\n" * (len(cut) - 1) + " " * inner
    return "[" + separator.join(parts) + "]"


def _render_row(row: list, cut: bool, indent: int, fmt: _Formatter) -> str:
    """A 1-D row, wrapped so that no line is longer than ``linewidth``."""
    items = [fmt.format(v) for v in row]
    if cut:
        half = len(items) // 2
        # torch's marker element is " ...", hence the double space after its
        # comma; with edgeitems=0 nothing but a bare "..." is left.
        items = [*items[:half], " ...", *items[half:]] if half else ["..."]

    # Each element takes its width plus ", "; at least one element per line.
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / (fmt.width + 2)))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(values: np.ndarray, floating: bool, indent: int) -> str:
    """Everything between ``tensor(`` and the suffixes, for a non-empty tensor."""
    if values.dtype == np.float16:
        # torch widens half precision to float32 before formatting.
        values = values.astype(np.float32)
    edgeitems = _OPTS.edgeitems
    cut = _cut_dims(values.shape, values.size > _OPTS.threshold, edgeitems)
    shown = _shown_elements(values, cut, edgeitems)
    return _render(shown.tolist(), cut, indent, _Formatter(shown, floating))


# --------------------------------------------------------------------------
# Suffixes and the public entry point
# --------------------------------------------------------------------------


def _suffixes(
    values: np.ndarray,
    dtype_name: str,
    device: str,
    requires_grad: bool,
    grad_fn_name: str | None,
) -> list[str]:
    """The ``key=value`` parts after the data, in torch's order."""
    out: list[str] = []
    if device != "cpu":
        out.append(f"device='{device}'")
    size = f"size={tuple(values.shape)}"
    dtype = f"{_TORCH_DTYPE}{dtype_name}"
    if values.size == 0:
        # Like NumPy, the shape is implied for a 1-D empty tensor only. With no
        # elements to hint at the dtype, anything but the default float is named.
        if values.ndim != 1:
            out.append(size)
        if dtype_name != _DEFAULT_FLOAT:
            out.append(dtype)
    else:
        if not _OPTS.edgeitems:
            out.append(size)  # nothing of the data is shown, so show its shape
        if dtype_name not in _DEFAULT_DTYPES:
            out.append(dtype)
    # A tensor made by an op shows where it came from instead of requires_grad.
    if grad_fn_name is not None:
        out.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        out.append("requires_grad=True")
    return out


def _join_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append suffixes, starting a new indented line when one would pass ``linewidth``."""
    parts = [text]
    # torch measures the last line as len - rfind("\n") + 1, two more than its true
    # length; the same measure is used so that suffixes wrap where torch's do.
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(
    values: np.ndarray,
    *,
    dtype_name: str,
    device: str = "cpu",
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
) -> str:
    """``repr`` of a tensor holding ``values``, exactly as torch would print it.

    ``dtype_name`` is torch's name without the module ("float32", "int64",
    "bool", ...); ``device`` is "cpu" or e.g. "cuda:0". When ``grad_fn_name``
    is given it is shown instead of ``requires_grad=True``.
    """
    floating = dtype_name in _FLOAT_DTYPES
    if not floating and dtype_name not in _OTHER_DTYPES:
        known = ", ".join(sorted(_FLOAT_DTYPES | _OTHER_DTYPES))
        msg = f"tensor_repr: unknown dtype_name {dtype_name!r}; expected one of: {known}"
        raise ValueError(msg)
    values = np.asarray(values)
    indent = len(_PREFIX)
    body = "[]" if values.size == 0 else _body(values, floating, indent)
    suffixes = _suffixes(values, dtype_name, device, requires_grad, grad_fn_name)
    text = _join_suffixes(_PREFIX + body, suffixes, indent)
    return text.replace(_TORCH_DTYPE, _OUR_DTYPE)
