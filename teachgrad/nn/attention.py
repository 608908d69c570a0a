"""F.scaled_dot_product_attention: softmax(q k^T * scale + mask) v, as torch computes it.

Each query row scores every key by a dot product, scaled by 1/sqrt(E) (so the scores'
spread does not grow with the embedding size), adds the mask (a bool mask keeps the True
positions; a float mask is added as it is; is_causal lets position i see keys 0..i
only), turns the scores into weights with a softmax over the keys, and returns the
weighted sum of the values. Composed from teachgrad's own ops, so autograd needs nothing
new. A query row whose keys are all masked gets zero weights and a zero output, as in
torch (softmax over nothing but -inf would be NaN).
"""

from __future__ import annotations

import math

from teachgrad import dtypes
from teachgrad.device import array_module
from teachgrad.ops.softmax import softmax
from teachgrad.ops.where import where
from teachgrad.tensor import Tensor


def _check(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None,
           is_causal: bool) -> None:
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, "
                           f"but got query.dim: {query.dim()} key.dim: {key.dim()} and "
                           f"value.dim: {value.dim()} instead.")
    if not query.dtype == key.dtype == value.dtype:
        names = [dtypes.legacy_name(t.dtype).lower() for t in (query, key, value)]
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {names[0]} key.dtype: {names[1]} and value.dtype: "
                           f"{names[2]} instead.")
    if not query.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Float but found "
                           f"{dtypes.legacy_name(query.dtype)}: attention needs float query, "
                           "key and value, e.g. q.float()")
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True (the causal mask replaces it; combine "
                               "the two into one attn_mask instead)")
        if attn_mask.dtype not in (dtypes.bool, query.dtype):
            raise RuntimeError(
                f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                f"attn_mask.dtype: {dtypes.legacy_name(attn_mask.dtype).lower()} and  "
                f"query.dtype: {dtypes.legacy_name(query.dtype).lower()} instead."
            )


def _repeat_heads(tensor: Tensor, times: int) -> Tensor:
    """(..., H, S, E) -> (..., H * times, S, E), each head repeated times in a row."""
    if times == 1:
        return tensor
    *lead, heads, length, size = tensor.shape
    expanded = tensor.unsqueeze(-3).expand(*lead, heads, times, length, size)
    return expanded.reshape(*lead, heads * times, length, size)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """Attention of (..., L, E) queries over (..., S, E) keys and (..., S, Ev) values."""
    _check(query, key, value, attn_mask, is_causal)
    if enable_gqa:  # grouped-query attention: each key/value head serves several queries
        key = _repeat_heads(key, query.shape[-3] // key.shape[-3])
        value = _repeat_heads(value, query.shape[-3] // value.shape[-3])
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query @ key.transpose(-2, -1) * scale
    length, keys = query.shape[-2], key.shape[-2]
    xp = array_module(query._array)
    if is_causal:  # query i sees keys 0..i (the top-left triangle, as torch's tril)
        attn_mask = Tensor._make(xp.arange(keys) <= xp.arange(length).reshape(-1, 1))
    if attn_mask is not None:
        if attn_mask.dtype == dtypes.bool:
            scores = scores.masked_fill(~attn_mask, -math.inf)
        else:
            scores = scores + attn_mask
    # Rows with every key masked: softmax them as zeros (no NaN forward or backward), then
    # zero their weights.
    hidden = (scores == -math.inf).all(-1, keepdim=True)
    if bool(hidden.any()):
        scores = where(hidden, 0.0, scores)
    weights = softmax(scores, -1)
    if bool(hidden.any()):
        weights = where(hidden, 0.0, weights)
    if dropout_p > 0.0:
        from teachgrad.nn.functional import dropout  # nn.functional imports this module

        weights = dropout(weights, dropout_p, training=True)
    return weights @ value


FUNCTIONS = {"scaled_dot_product_attention": scaled_dot_product_attention}
