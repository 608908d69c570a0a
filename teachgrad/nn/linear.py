"""Linear: y = x W^T + b, a layer built on Module (Identity, y = x, is in identity.py)."""

from __future__ import annotations

import math
from typing import Any

from teachgrad.creation import empty
from teachgrad.nn import functional as F
from teachgrad.nn import init
from teachgrad.nn.identity import Identity  # noqa: F401 - importable from here, as before
from teachgrad.nn.module import Module
from teachgrad.nn.parameter import Parameter
from teachgrad.tensor import Tensor


class Linear(Module):
    """y = x @ weight.T + bias, for x of shape (..., in_features).

    weight has shape (out_features, in_features): one row of weights per output.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's default: weight and bias uniform on [-1/sqrt(in), 1/sqrt(in)]."""
        # kaiming_uniform_ with a = sqrt(5) gives exactly that bound for the weight.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
