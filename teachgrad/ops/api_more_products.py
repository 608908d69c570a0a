"""Products and distances torch has and teachgrad lacked: outer, inner, vdot, kron,
tensordot, cartesian_prod, block_diag, diagflat, the add-a-product family (addmv, addr,
baddbmm, addbmm), dist, cdist and msort.

All are compositions of recorded teachgrad ops (matmul, mul, cat, norm ...), so their
gradients are those of the parts (registered through api_more.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import teachgrad
from teachgrad.tensor import Tensor


def _vector(name: str, which: str, tensor: Tensor) -> None:
    if tensor.ndim != 1:
        raise RuntimeError(f"{name}: Expected 1-D argument {which}, but got {tensor.ndim}-D")


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """input[i] * vec2[j]: the (n, m) matrix of every product of two vectors."""
    _vector("outer", "self", input)
    _vector("outer", "vec2", vec2)
    return input.reshape(-1, 1) * vec2


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last dim of both (a plain product if either is 0-d)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, dims=([input.ndim - 1], [other.ndim - 1]))


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """dot of two 1-D tensors (for real dtypes, no conjugation is needed)."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D "
                           f"tensors")
    return teachgrad.dot(input, other)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: every element of input times a whole copy of other."""
    ndim = max(input.ndim, other.ndim)
    a_shape = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (ndim - other.ndim) + tuple(other.shape)
    # interleave dims: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...), multiply, merge pairs
    a = input.reshape([size for pair in zip(a_shape, (1,) * ndim) for size in pair])
    b = other.reshape([size for pair in zip((1,) * ndim, b_shape) for size in pair])
    return (a * b).reshape([x * y for x, y in zip(a_shape, b_shape)])


def _contracted(dims: Any, a: Tensor, b: Tensor) -> tuple[list, list]:
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got "
                               f"dims={dims}")
        return list(range(a.ndim - dims, a.ndim)), list(range(dims))
    dims_a, dims_b = dims
    if isinstance(dims_a, int) and isinstance(dims_b, int):
        raise TypeError("tensordot(): dims must be an int or a pair of lists of dims, "
                        "e.g. dims=([1], [0]), not a pair of ints")
    dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
    dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    return [d % a.ndim for d in dims_a], [d % b.ndim for d in dims_b]


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Sum over the given dims of a and b: both reshaped to matrices and one matmul."""
    dims_a, dims_b = _contracted(dims, a, b)
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[da]} in dim {da} and second has size "
                               f"{b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    size = 1
    for d in dims_a:
        size *= a.shape[d]
    left = a.permute(free_a + dims_a).reshape(-1, size)
    right = b.permute(dims_b + free_b).reshape(size, -1)
    out_shape = [a.shape[d] for d in free_a] + [b.shape[d] for d in free_b]
    return teachgrad.matmul(left, right).reshape(out_shape)


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each 1-D tensor, one per row."""
    for index, tensor in enumerate(tensors):
        if tensor.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(tensor.shape)} "
                               f"(tensor {index})")
    if len(tensors) == 1:
        return tensors[0]
    grids = teachgrad.meshgrid(*tensors, indexing="ij")
    return teachgrad.stack([grid.flatten() for grid in grids], dim=1)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (0-, 1- or 2-D) placed along the diagonal of one zero matrix."""
    for index, tensor in enumerate(tensors):
        if tensor.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {index} has {tensor.ndim} dimensions")
    dtype = tensors[0].dtype if tensors else teachgrad.get_default_dtype()
    for tensor in tensors[1:]:
        dtype = teachgrad.promote_types(dtype, tensor.dtype)
    device = tensors[0].device if tensors else None
    blocks = [tensor.reshape(1, -1) if tensor.ndim < 2 else tensor for tensor in tensors]
    width = sum(block.shape[1] for block in blocks)
    rows, left = [], 0
    for block in blocks:
        rows_of_block, columns = block.shape
        pieces = [teachgrad.zeros(rows_of_block, left, dtype=dtype, device=device), block.to(dtype),
                  teachgrad.zeros(rows_of_block, width - left - columns, dtype=dtype,
                                  device=device)]
        rows.append(teachgrad.cat(pieces, dim=1))
        left += columns
    if not rows:
        return teachgrad.zeros(1, 0, dtype=dtype)
    return teachgrad.cat(rows, dim=0)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """input's elements, flattened, on the offset diagonal of a square zero matrix."""
    return teachgrad.diag(input.flatten(), offset)


def _add_product(input: Tensor, product: Tensor, beta: Any, alpha: Any, name: str,
                 truncate: bool = True) -> Tensor:
    """beta * input + alpha * product; beta == 0 ignores input's values (NaN included)."""
    input = input.expand(product.shape)  # input broadcasts to the product's shape only
    if product.dtype == teachgrad.bool:  # torch: (beta and input) or (alpha and product)
        return (input & bool(beta)) | (product & bool(alpha))
    if not product.dtype.is_floating_point:
        if not truncate and any(isinstance(s, float) for s in (beta, alpha)):
            raise RuntimeError(f"{name}: For integral input tensors, argument alpha and beta "
                               f"must not be floating point numbers; pass integers")
        beta, alpha = int(beta), int(alpha)  # torch truncates them for integer tensors
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        # zeros shaped like input, whose gradient to input is zero (not 0 * NaN)
        everywhere = teachgrad.ones((), dtype=teachgrad.bool, device=input.device)
        return teachgrad.where(everywhere, 0, input) + product
    return (input if beta == 1 else input * beta) + product


def _same_dtypes(name: str, *tensors: Tensor) -> None:
    if len({tensor.dtype for tensor in tensors}) > 1:
        names = ", ".join(str(tensor.dtype).replace("teachgrad.", "") for tensor in tensors)
        raise RuntimeError(f"{name} input tensors must have the same dtype, but got {names}; "
                           f"cast them to one dtype")


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    _same_dtypes("addmv", input, mat, vec)
    return _add_product(input, teachgrad.mv(mat, vec), beta, alpha, "addmv")


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    _vector("addr", "vec1", vec1)
    _vector("addr", "vec2", vec2)
    product = outer(vec1, vec2)
    dtype = teachgrad.promote_types(input.dtype, product.dtype)
    return _add_product(input.to(dtype), product.to(dtype), beta, alpha, "addr",
                        truncate=False)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:
    _same_dtypes("baddbmm", input, batch1, batch2)
    return _add_product(input, teachgrad.bmm(batch1, batch2), beta, alpha, "baddbmm")


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (the sum over the batch of batch1[i] @ batch2[i])."""
    _same_dtypes("addbmm", input, batch1, batch2)
    return _add_product(input, teachgrad.bmm(batch1, batch2).sum(0), beta, alpha, "addbmm")


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of input - other (broadcast)."""
    return teachgrad.norm(input - other, p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """p-norm distance between each row of x1 (..., P, M) and each row of x2 (..., R, M)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D, "
                           f"X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got p={p}")
    if not x1.dtype.is_floating_point or not x2.dtype.is_floating_point:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {x1.dtype}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"cdist: X1 and X2 must have the same dtype, got {x1.dtype} and "
                           f"{x2.dtype}")
    differences = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return teachgrad.norm(differences, p, dim=-1)


def msort(input: Tensor) -> Tensor:
    """input sorted along its first dim (the values of sort(input, dim=0))."""
    return teachgrad.sort(input, dim=0).values


FUNCTIONS: dict[str, Callable] = {
    "outer": outer, "ger": outer, "inner": inner, "vdot": vdot, "kron": kron,
    "tensordot": tensordot, "cartesian_prod": cartesian_prod, "block_diag": block_diag,
    "diagflat": diagflat, "addmv": addmv, "addr": addr, "baddbmm": baddbmm,
    "addbmm": addbmm, "dist": dist, "cdist": cdist, "msort": msort,
}
TENSOR_METHODS: dict[str, Callable] = {
    name: FUNCTIONS[name] for name in ("outer", "ger", "inner", "vdot", "kron", "diagflat",
                                       "addmv", "addr", "baddbmm", "addbmm", "dist", "msort")
}
