"""Where the breadth of torch.nn.functional and its layers is registered.

Padding, resizing, 1-d and 3-d convolution and pooling, adaptive pooling, unpooling,
im2col (unfold/fold), attention and normalisation live in modules by concept (off the
reading path). Listed here once, they become names of teachgrad.nn.functional
(FUNCTIONAL) and of teachgrad.nn (MODULES).
"""

from __future__ import annotations

from typing import Any

from teachgrad.nn import adaptive_pooling as _adaptive
from teachgrad.nn import attention as _attention
from teachgrad.nn import conv_nd as _conv_nd
from teachgrad.nn import fold as _fold
from teachgrad.nn import normalize as _normalize
from teachgrad.nn import padding as _padding
from teachgrad.nn import pooling_nd as _pooling_nd
from teachgrad.nn import resize as _resize
from teachgrad.nn import unpooling as _unpooling

FUNCTIONAL: dict[str, Any] = {
    "pad": _padding.pad,
    **_conv_nd.FUNCTIONS,
    **_pooling_nd.FUNCTIONS,
    **_adaptive.FUNCTIONS,
    **_resize.FUNCTIONS,
    **_unpooling.FUNCTIONS,
    **_attention.FUNCTIONS,
    **_normalize.FUNCTIONS,
    **_fold.FUNCTIONS,
}
MODULES: dict[str, Any] = {
    **_padding.LAYERS,
    **_conv_nd.LAYERS,
    **_pooling_nd.LAYERS,
    **_adaptive.LAYERS,
    **_resize.LAYERS,
    **_unpooling.LAYERS,
    **_fold.LAYERS,
}
