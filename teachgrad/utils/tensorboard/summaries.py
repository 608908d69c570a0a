"""The `Summary` protocol buffers that SummaryWriter writes: scalars, histograms, text.

A Summary is a list of tagged values. TensorBoard reads a scalar from `simple_value`
(or, "new style", from a one-element tensor), a histogram from a `HistogramProto`
(bucket right edges and counts), and text from a string tensor marked for its text
plugin. Values arrive as teachgrad tensors, NumPy arrays or Python numbers; each is
turned into a NumPy array on the CPU first.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from teachgrad.tensor import Tensor

__all__ = ["default_bins", "histogram", "histogram_raw", "scalar", "text", "to_numpy"]


def to_numpy(value: Any) -> np.ndarray:
    """`value` (tensor, array or number) as a NumPy array; a number becomes shape (1,)."""
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.array([value])
    if isinstance(value, Tensor):
        # .cpu(): a CUDA tensor's CuPy array is copied to the host first.
        return value.detach().cpu().numpy()
    raise NotImplementedError(
        f"got {type(value).__name__}, but TensorBoard logging takes a teachgrad tensor, "
        "a NumPy array or a Python number: convert the value to one of these first")


def scalar(tag: str, value: Any, new_style: bool = False,
           double_precision: bool = False) -> Summary:
    """One number under `tag`; `value` must hold exactly one element."""
    array = to_numpy(value).squeeze()
    if array.ndim != 0:
        # AssertionError is what torch raises here.
        raise AssertionError(
            f"a scalar summary takes one element, but the value has {array.size} "
            f"({array.ndim} dimensions after squeeze): log one element, e.g. value.mean()")
    number = float(array)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=number)])
    if double_precision:
        proto = TensorProto(double_val=[number], dtype="DT_DOUBLE")
    else:
        proto = TensorProto(float_val=[number], dtype="DT_FLOAT")
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=tag, tensor=proto, metadata=metadata)])


@functools.cache
def default_bins() -> tuple[float, ...]:
    """TensorFlow's histogram edges, torch's bins="tensorflow": 0 and +-1e-12 * 1.1**k
    up to 1e20 (fine near zero, coarse far away). Built by repeated multiplication, as
    TensorFlow does, so that every edge is the same double to the last bit."""
    positive = []
    edge = 1e-12
    while edge < 1e20:
        positive.append(edge)
        edge *= 1.1
    return (*(-e for e in reversed(positive)), 0, *positive)


def _merge_bins(counts: np.ndarray, edges: np.ndarray, max_bins: int):
    """Join each run of `len(counts) // max_bins` neighbouring bins into one (the last
    run padded with empty bins), as torch does; this can leave a few more than max_bins."""
    group = counts.size // max_bins
    padding = -counts.size % group
    counts = np.pad(counts, (0, padding)).reshape(-1, group).sum(axis=1)
    edges = np.concatenate([edges[:-1:group], edges[-1:]])
    return counts, edges


def histogram(tag: str, values: Any, bins: Any, max_bins: int | None = None) -> Summary:
    """A histogram of `values` (any shape), binned by np.histogram(values, bins)."""
    values = to_numpy(values).astype(float).reshape(-1)
    if values.size == 0:
        raise ValueError(f"add_histogram({tag!r}): the values are empty; log at least one")
    counts, edges = np.histogram(values, bins=bins)
    if max_bins is not None and counts.size > max_bins:
        counts, edges = _merge_bins(counts, edges, max_bins)
    occupied = np.flatnonzero(counts)
    if occupied.size == 0:
        raise ValueError(f"add_histogram({tag!r}): no value falls inside the bins; "
                         "pass bins that cover the values")
    first, last = occupied[0], occupied[-1]
    # TensorBoard keeps only each bucket's right edge. Keep the occupied range, and
    # before it one empty bucket whose right edge is the range's left edge.
    return histogram_raw(
        tag, values.min(), values.max(), values.size, values.sum(), values.dot(values),
        edges[first:last + 2].tolist(), [0, *counts[first:last + 1].tolist()])


def histogram_raw(tag: str, min: float, max: float, num: int, sum: float,
                  sum_squares: float, bucket_limits: Any, bucket_counts: Any) -> Summary:
    """A histogram given by its statistics, bucket right edges and counts."""
    proto = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                           bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=tag, histo=proto)])


def text(tag: str, text_string: str) -> Summary:
    """A string (Markdown, as TensorBoard shows it) under `tag + "/text_summary"`."""
    plugin = SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString())
    proto = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf-8")],
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", tensor=proto,
                                        metadata=SummaryMetadata(plugin_data=plugin))])
