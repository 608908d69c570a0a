"""Statistics and sampling: torch's order statistics, quantiles, counting and binning,
random draws, covariance and renorm. The work lives in statistics_*.py, one concept a
file; this module only gathers their public functions into the two tables that
teachgrad/__init__.py (teachgrad.<name>) and teachgrad/methods.py (x.<name>) read.
"""

from __future__ import annotations

from collections.abc import Callable

from teachgrad.ops import statistics_counting as _counting
from teachgrad.ops import statistics_matrix as _matrix
from teachgrad.ops import statistics_order as _order
from teachgrad.ops import statistics_quantile as _quantile
from teachgrad.ops import statistics_random as _random

# torch.<name> functions this module adds, and the Tensor methods (x.<name>(...)).
FUNCTIONS: dict[str, Callable] = {
    "median": _order.median, "nanmedian": _order.nanmedian, "mode": _order.mode,
    "kthvalue": _order.kthvalue, "quantile": _quantile.quantile,
    "nanquantile": _quantile.nanquantile, "aminmax": _quantile.aminmax,
    "bincount": _counting.bincount, "histc": _counting.histc, "isin": _counting.isin,
    "searchsorted": _counting.searchsorted, "bucketize": _counting.bucketize,
    "unravel_index": _counting.unravel_index, "multinomial": _random.multinomial,
    "normal": _random.normal, "bernoulli": _random.bernoulli, "poisson": _random.poisson,
    "cov": _matrix.cov, "renorm": _matrix.renorm,
}
# Only the names torch.Tensor also has as methods.
TENSOR_METHODS: dict[str, Callable] = {
    name: FUNCTIONS[name] for name in (
        "median", "nanmedian", "mode", "kthvalue", "quantile", "nanquantile", "aminmax",
        "bincount", "histc", "multinomial", "bernoulli", "cov", "renorm",
    )
}
