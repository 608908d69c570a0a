"""matmul's shapes other than matrix @ matrix, and mm, bmm, mv and dot: matmul for one
shape each, refusing every other shape as torch does. Each runs linalg.py's MatMul,
under the node name torch records for it.
"""

from __future__ import annotations

from teachgrad.ops.linalg import MatMul
from teachgrad.ops.renamed import renamed
from teachgrad.tensor import Tensor

Mv = renamed(MatMul, "MvBackward0")
Dot = renamed(MatMul, "DotBackward0")
VecMat = renamed(MatMul, "SqueezeBackward4")
BatchedMatMul = renamed(MatMul, "UnsafeViewBackward0")
# matrix @ batch: torch computes (batch^T @ matrix^T)^T and copies it contiguous
# when the matrix requires grad, so its node is the copy's.
BatchedMatMulTransposed = renamed(MatMul, "CloneBackward0")
Bmm = renamed(MatMul, "BmmBackward0")


def matmul_renamed(input: Tensor, other: Tensor) -> type:
    """The MatMul that matmul(input, other) records when they are not two matrices."""
    ndim_a, ndim_b = input._array.ndim, other._array.ndim
    if ndim_a == 2 and ndim_b == 2:
        return MatMul
    if ndim_a == 1 and ndim_b == 1:
        return Dot
    if ndim_a == 2 and ndim_b == 1:
        return Mv
    if ndim_a == 1 and ndim_b == 2:
        return VecMat
    if ndim_a == 2 and input._requires_grad:
        return BatchedMatMulTransposed
    return BatchedMatMul


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input._array.ndim != 2 or mat2._array.ndim != 2:
        name, tensor = ("self", input) if input._array.ndim != 2 else ("mat2", mat2)
        raise RuntimeError(f"{name} must be a matrix (got {tensor._array.ndim}D); use "
                           "matmul for other shapes")
    return MatMul.apply(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    for name, tensor in (("batch1", input), ("batch2", mat2)):
        if tensor._array.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor (got {tensor._array.ndim}D)")
    if input._array.shape[0] != mat2._array.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got "
            f"{input._array.shape[0]} and {mat2._array.shape[0]}"
        )
    return Bmm.apply(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    if input._array.ndim == 0:  # torch reads the matrix's dim 0 before checking shapes
        raise IndexError("Dimension specified as 0 but tensor has no dimensions; mv wants a "
                         "matrix (2-D) and a vector (1-D)")
    if input._array.ndim != 2 or vec._array.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._array.ndim}, "
                           f"{vec._array.ndim}")
    return Mv.apply(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    if input._array.ndim != 1 or other._array.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input._array.ndim}D and {other._array.ndim}D tensors"
        )
    return Dot.apply(input, other)
