"""erf and erfc: the error function, which NumPy lacks, from rational approximations.

    erf(x)  = 2/sqrt(pi) * integral_0^x exp(-t^2) dt        erfc(x) = 1 - erf(x)

`math.erf` is exact but works one Python float at a time (far too slow for arrays),
and CuPy's erf lives in cupyx. So these are Cephes' rational approximations (ndtr.c,
public domain), evaluated with the inputs' array module, hence on both devices:

- |x| < 1:       erf(x) = x * T(x^2) / U(x^2)
- 1 <= |x| < 8:  erfc(x) = exp(-x^2) * P(x) / Q(x)
- |x| >= 8:      erfc(x) = exp(-x^2) * R(x) / S(x)

with erf = 1 - erfc and erfc = 1 - erf where the other one is the accurate one.
Relative error is a few units of float64 rounding (tests/test_oracle_math.py checks
it against torch in float64). float32 inputs are computed in float64 and rounded.
"""

from __future__ import annotations

import math
from typing import Any

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.ops.floating import _floating
from teachgrad.ops.inplace import _unary_inplace
from teachgrad.tensor import Tensor

# Cephes ndtr.c coefficients, highest power first. U, Q and S have a leading 1.
_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
      7.00332514112805075473e3, 5.55923013010394962768e4)
_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
      2.26290000613890934246e4, 4.92673942608635921086e4)
_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
      4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
      9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)
_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
      9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
      1.65666309194161350182e3, 5.57535340817727675546e2)
_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
      6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)
_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
      1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)


def _polynomial(coefficients: tuple, x: Any) -> Any:
    """Horner's rule: c0 x^n + c1 x^(n-1) + ... + cn."""
    result = x * 0 + coefficients[0]
    for coefficient in coefficients[1:]:
        result = result * x + coefficient
    return result


def _exp_minus_square(xp: Any, x: Any) -> Any:
    """exp(-x^2) without the rounding error of x^2 blowing up for large x.

    x^2 carries a relative error of 1e-16, i.e. an absolute error of x^2 * 1e-16 that
    exp turns into a relative one: 6e-15 at x = 8. Split x = high + low with `high` a
    multiple of 1/16 (so high^2 is exact) and exp the two parts separately (Cephes' expx2).
    """
    high = xp.floor(x * 16 + 0.5) / 16
    low = x - high
    return xp.exp(-high * high) * xp.exp(-(2 * high * low + low * low))


def _erfc_tail(xp: Any, z: Any) -> Any:
    """erfc(z) for z >= 1 (other z give finite, unused values). xp: numpy or cupy."""
    # Unused lanes (z < 1) are kept finite; beyond 40, erfc underflows to 0 anyway, and
    # capping there keeps inf out of the polynomials (inf - inf would give NaN).
    z = xp.minimum(xp.where(z < 1, 1.0, z), 40.0)
    middle = _polynomial(_P, z) / _polynomial(_Q, z)
    far = _polynomial(_R, z) / _polynomial(_S, z)
    return _exp_minus_square(xp, z) * xp.where(z < 8, middle, far)


def _erf_core(xp: Any, x: Any) -> Any:
    """erf(x) for |x| < 1 (other x give finite, unused values)."""
    x = xp.where(xp.abs(x) < 1, x, 0.0)
    square = x * x
    return x * _polynomial(_T, square) / _polynomial(_U, square)


def erf_array(array: Any) -> Any:
    """erf of every element, in float64 (NaN stays NaN, +-inf gives +-1)."""
    # The module is asked of the input once: 0-d steps give NumPy scalars, not arrays.
    xp = array_module(array)
    x = xp.asarray(array.astype("float64"))
    z = xp.abs(x)
    # copysign keeps erf(-0.0) = -0.0, and the tail's 1 - erfc is exactly 1 for z > 6.
    outer = xp.copysign(1.0 - _erfc_tail(xp, z), x)
    return xp.where(z < 1, _erf_core(xp, x), outer)


def erfc_array(array: Any) -> Any:
    """erfc of every element, in float64: accurate in the far tail too (no 1 - erf there)."""
    xp = array_module(array)
    x = xp.asarray(array.astype("float64"))
    z = xp.abs(x)
    tail = _erfc_tail(xp, z)
    outer = xp.where(x < 0, 2.0 - tail, tail)
    return xp.where(z < 1, 1.0 - _erf_core(xp, x), outer)


_TWO_OVER_ROOT_PI = 2 / math.sqrt(math.pi)


class Erf(Function):
    """d erf(x)/dx = 2/sqrt(pi) * exp(-x^2): the normal density, rescaled."""

    node_name = "ErfBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        values = _floating(x._array)
        return erf_array(values).astype(values.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * ((x * x).neg().exp() * _TWO_OVER_ROOT_PI)


class Erfc(Function):
    node_name = "ErfcBackward0"

    @staticmethod
    def forward(ctx: Node, x: Tensor) -> Any:
        ctx.save_for_backward(x)
        values = _floating(x._array)
        return erfc_array(values).astype(values.dtype, copy=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * ((x * x).neg().exp() * -_TWO_OVER_ROOT_PI)


def erf(input: Tensor) -> Tensor:
    return Erf.apply(input)


def erfc(input: Tensor) -> Tensor:
    return Erfc.apply(input)


erf_ = _unary_inplace(erf)
erfc_ = _unary_inplace(erfc)
