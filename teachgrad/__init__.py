"""teachgrad: a small deep-learning framework that behaves like PyTorch, built to be read.

`import teachgrad as torch` runs the code of the lessons (and of many PyTorch
tutorials) unchanged. Everything public is re-exported here, mirroring torch's top
level; read the modules below to see how each piece works.
"""

from teachgrad import (
    accelerator,
    autograd,
    backends,
    cuda,
    datasets,
    functional,
    linalg,
    malloc,
    nn,
    optim,
    profiler,
    utils,
)
from teachgrad.argument_aliases import add_numpy_names
from teachgrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from teachgrad.creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from teachgrad.device import device, get_default_device, set_default_device
from teachgrad.dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
)
from teachgrad.dtypes import (
    result_type_of as result_type,
)
from teachgrad.ops import api_more as _api_more
from teachgrad.ops import linalg_more as _linalg_more
from teachgrad.ops import statistics as _statistics
from teachgrad.ops.activation import sigmoid, tanh
from teachgrad.ops.arithmetic import add, mul, sub
from teachgrad.ops.bitwise import bitwise_left_shift, bitwise_right_shift, bitwise_xor
from teachgrad.ops.broadcast import broadcast_shapes
from teachgrad.ops.compare import (
    allclose,
    eq,
    equal,
    ge,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    ne,
)
from teachgrad.ops.composites import FUNCTIONS as _COMPOSITES
from teachgrad.ops.convert import clone
from teachgrad.ops.division import div, reciprocal
from teachgrad.ops.exp_log import (
    exp2,
    expm1,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    rsqrt,
    sqrt,
)
from teachgrad.ops.extrema import all, amax, amin, any, argmax, argmin, max, min
from teachgrad.ops.index_shape_api import FUNCTIONS as _INDEX_AND_SHAPE
from teachgrad.ops.indexing import (
    flip,
    fliplr,
    flipud,
    gather,
    narrow,
    roll,
    select,
)
from teachgrad.ops.joining import (
    cat,
    chunk,
    concat,
    concatenate,
    split,
    stack,
    tile,
    unbind,
)
from teachgrad.ops.linalg import matmul
from teachgrad.ops.matrix_products import bmm, dot, mm, mv
from teachgrad.ops.mean import mean
from teachgrad.ops.mixing import copysign, lerp
from teachgrad.ops.norms import (
    norm,
)
from teachgrad.ops.powers import pow
from teachgrad.ops.product import prod
from teachgrad.ops.reductions import sum
from teachgrad.ops.reflected import rsub
from teachgrad.ops.rounding import (
    ceil,
    fix,
    floor,
    floor_divide,
    fmod,
    frac,
    remainder,
    round,
    sign,
    trunc,
)
from teachgrad.ops.running import cummax, cummin, logcumsumexp
from teachgrad.ops.scans import (
    cumprod,
    cumsum,
)
from teachgrad.ops.signs import abs, neg
from teachgrad.ops.softmax import (
    log_softmax,
    logsumexp,
    softmax,
)
from teachgrad.ops.sort import argsort, sort, topk
from teachgrad.ops.special import erf, erfc
from teachgrad.ops.trigonometry import (
    acos,
    acosh,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cos,
    cosh,
    sin,
    sinh,
    tan,
)
from teachgrad.ops.unary import exp, relu
from teachgrad.ops.variance import std, std_mean, var, var_mean
from teachgrad.ops.views import (
    flatten,
    permute,
    reshape,
    squeeze,
    swapaxes,
    t,
    transpose,
    unflatten,
    unsqueeze,
)
from teachgrad.ops.where import (
    clamp,
    clip,
    masked_fill,
    maximum,
    minimum,
    where,
)
from teachgrad.out_argument import add_out_arguments
from teachgrad.printing import get_printoptions, set_printoptions
from teachgrad.random import Generator, initial_seed, manual_seed, seed_cuda
from teachgrad.serialization import load, save
from teachgrad.tensor import Size, Tensor

__version__ = "0.1.0"

# torch's indexing and shaping breadth (scatter, einsum, tril, ...), registered in one place,
# and its functions that are other names for or short compositions of teachgrad's ops.
globals().update(_INDEX_AND_SHAPE)
for _name, _function in _COMPOSITES.items():
    globals().setdefault(_name, _function)
for _module in (_api_more, _statistics, _linalg_more):  # breadth, by concept
    for _name, _function in _module.FUNCTIONS.items():
        globals().setdefault(_name, _function)
# axis=/keepdims= and out=, as torch's functions take them: last, once every name is here.
add_numpy_names(globals())
add_out_arguments(globals())

# Last: the speed-ups replace reference functions of the modules imported above.
from teachgrad import fast  # noqa: E402 - after the registrations above
