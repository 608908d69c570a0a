"""Factorizations: cholesky, svd (svdvals), eigh (eigvalsh) and qr, with their gradients.

Each forward is the LAPACK routine of the input's array module; each backward is the
gradient of the factorization written out, with recorded teachgrad ops (so it can be
differentiated again). The factors are recomputed in backward, from the saved input,
rather than kept as arrays: that keeps them functions of A for a second derivative.

The formulas hold where the factorization is smooth: distinct singular values (svd) or
eigenvalues (eigh), full rank (qr). Singular vectors and eigenvectors are defined up to
sign, so only functions that do not depend on those signs have a gradient.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from teachgrad.autograd.function import Function, Node
from teachgrad.device import array_module
from teachgrad.dtypes import legacy_name
from teachgrad.ops.linalg_checks import check_matrices, not_positive_definite
from teachgrad.ops.linalg_more import Inverse, return_type
from teachgrad.tensor import Tensor

SvdResult = return_type("linalg_svd", ["U", "S", "Vh"])
SvdTorchResult = return_type("svd", ["U", "S", "V"])
EighResult = return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
QrResult = return_type("linalg_qr", ["Q", "R"])
QrTorchResult = return_type("qr", ["Q", "R"])


def _t(x: Tensor) -> Tensor:
    return x.transpose(-1, -2)


def _diag(values: Tensor) -> Tensor:
    import teachgrad

    return teachgrad.diag_embed(values)


def _off_diagonal_reciprocal(values: Tensor, squared: bool) -> Tensor:
    """F[i, j] = 1 / (v_j - v_i) (of squares, for svd) off the diagonal, 0 on it."""
    import teachgrad

    v = values * values if squared else values
    differences = v.unsqueeze(-2) - v.unsqueeze(-1)  # [i, j] = v_j - v_i
    eye = teachgrad.eye(values.shape[-1], dtype=values.dtype, device=values.device).bool()
    return teachgrad.where(eye, 0.0, 1 / teachgrad.where(eye, 1.0, differences))


class Cholesky(Function):
    """A = L L^T. From L^-1 dA L^-T = X + X^T with X = L^-1 dL lower triangular,
    dL = L Phi(L^-1 dA L^-T) (Phi: lower triangle, diagonal halved), whose adjoint is
    dL/dA = L^-T Phi(L^T g) L^-1, symmetrized as A is."""

    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, upper: bool = False, name: str = "linalg.cholesky"
                ) -> Any:
        check_matrices(name, a._array)
        xp = array_module(a._array)
        ctx.save_for_backward(a)
        ctx.upper = upper
        if a._array.size == 0:
            return a._array.copy()
        try:
            lower = xp.linalg.cholesky(a._array)
        except np.linalg.LinAlgError:
            lower = None
        if lower is None or (xp is not np and not bool(xp.isfinite(lower).all())):
            raise not_positive_definite(xp, a._array)
        return xp.ascontiguousarray(xp.swapaxes(lower, -1, -2)) if upper else lower

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> tuple:
        (a,) = ctx.saved_tensors
        lower = Cholesky.apply(a)  # (the name only labels errors)
        grad_lower = (_t(grad) if ctx.upper else grad).tril()
        phi = (_t(lower) @ grad_lower).tril()
        phi = phi - 0.5 * _diag(phi.diagonal(dim1=-2, dim2=-1))
        lower_inverse = Inverse.apply(lower)
        grad_a = _t(lower_inverse) @ phi @ lower_inverse
        return (0.5 * (grad_a + _t(grad_a)), *(None,) * (len(ctx.needs_input_grad) - 1))


class Svd(Function):
    """A = U diag(S) Vh. For distinct S, with F[i, j] = 1 / (s_j^2 - s_i^2):
    dL/dA = U [F o (U^T gU - gU^T U) S + diag(gS) + S F o (V^T gV - gV^T V)] V^T
            + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T),   gV = gVh^T."""

    node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, full_matrices: bool = False) -> Any:
        check_matrices("linalg.svd", a._array, square=False)
        ctx.save_for_backward(a)
        ctx.full_matrices = full_matrices
        u, s, vh = array_module(a._array).linalg.svd(a._array, full_matrices=full_matrices)
        return u, s, vh  # a plain tuple: NumPy's is a named one

    @staticmethod
    def backward(ctx: Node, grad_u: Tensor, grad_s: Tensor, grad_vh: Tensor, *unused: Any
                 ) -> tuple:
        (a,) = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        k = min(m, n)
        if ctx.full_matrices and m != n:  # the extra columns of U (rows of Vh) are arbitrary
            grad_u, grad_vh = grad_u[..., :, :k], grad_vh[..., :k, :]
        u, s, vh = Svd.apply(a)
        v, grad_v = _t(vh), _t(grad_vh)
        inner = _diag(grad_s)
        f = _off_diagonal_reciprocal(s, squared=True)
        u_term, v_term = _t(u) @ grad_u, vh @ grad_v
        inner = inner + (f * (u_term - _t(u_term))) * s.unsqueeze(-2)
        inner = inner + s.unsqueeze(-1) * (f * (v_term - _t(v_term)))
        grad_a = u @ inner @ vh
        if m > k:
            grad_a = grad_a + (grad_u - u @ u_term) / s.unsqueeze(-2) @ vh
        if n > k:
            grad_a = grad_a + u @ (_t(grad_v - v @ v_term) / s.unsqueeze(-1))
        return (grad_a, *(None,) * (len(ctx.needs_input_grad) - 1))


class Svdvals(Function):
    """The singular values alone: dL/dA = U diag(gS) Vh."""

    node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor) -> Any:
        check_matrices("linalg.svd", a._array, square=False)
        ctx.save_for_backward(a)
        return array_module(a._array).linalg.svd(a._array, compute_uv=False)

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Tensor:
        (a,) = ctx.saved_tensors
        u, _, vh = Svd.apply(a)
        return (u * grad.unsqueeze(-2)) @ vh


class Eigh(Function):
    """A = V diag(L) V^T for symmetric A. dL_i = v_i^T dA v_i and dV = V (F o V^T dA V)
    with F[i, j] = 1 / (l_j - l_i), so dL/dA = V (diag(gL) + F o skew(V^T gV)) V^T."""

    node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, uplo: str = "L", name: str = "linalg.eigh") -> Any:
        if a._array.dtype.kind in "iub":  # torch has no integer kernel here (nor a check)
            raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for '
                                      f"'{legacy_name(a._array.dtype)}'")
        check_matrices(name, a._array)
        if uplo not in ("L", "U"):
            raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")
        ctx.save_for_backward(a)
        ctx.uplo = uplo
        values, vectors = array_module(a._array).linalg.eigh(a._array, UPLO=uplo)
        return values, vectors

    @staticmethod
    def backward(ctx: Node, grad_values: Tensor, grad_vectors: Tensor, *unused: Any) -> tuple:
        (a,) = ctx.saved_tensors
        values, vectors = Eigh.apply(a, ctx.uplo)
        # dA is symmetric, so only the skew part of V^T gV counts (F is skew itself):
        # that makes dL/dA symmetric, as torch gives it.
        projected = _t(vectors) @ grad_vectors
        inner = _diag(grad_values) + _off_diagonal_reciprocal(values, squared=False) * (
            0.5 * (projected - _t(projected)))
        return (vectors @ inner @ _t(vectors), *(None,) * (len(ctx.needs_input_grad) - 1))


def _copy_lower_to_upper(m: Tensor) -> Tensor:
    """The symmetric matrix with m's lower triangle (and diagonal)."""
    return m.tril() + _t(m.tril(-1))


class Qr(Function):
    """A = QR. For m >= n, M = R gR^T - gQ^T Q gives dL/dA = (gQ + Q sym(M)) R^-T, sym
    copying M's lower triangle up; for m < n, A = Q [X | Y] splits into that square case
    for X (with gQ + Y gY^T) and dL/dY = Q gY."""

    node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx: Node, a: Tensor, mode: str = "reduced") -> Any:
        if mode not in ("reduced", "r", "complete"):
            raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                               "'reduced' (default), 'r', or 'complete'")
        check_matrices("linalg.qr", a._array, square=False)
        xp = array_module(a._array)
        ctx.save_for_backward(a)
        ctx.mode = mode
        if mode == "r":  # torch returns an empty Q then
            r = xp.linalg.qr(a._array, mode="r")
            return xp.zeros((0,), a._array.dtype), r
        return tuple(xp.linalg.qr(a._array, mode=mode))

    @staticmethod
    def backward(ctx: Node, grad_q: Tensor, grad_r: Tensor, *unused: Any) -> tuple:
        (a,) = ctx.saved_tensors
        m, n = a.shape[-2], a.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        q, r = Qr.apply(a)
        if m >= n:
            grad_a = _qr_square_part(q, r, grad_q, grad_r)
        else:
            x_part, y_part = r[..., :, :m], a[..., :, m:]
            grad_y = grad_r[..., :, m:]
            grad_x = _qr_square_part(q, x_part, grad_q + y_part @ _t(grad_y),
                                     grad_r[..., :, :m])
            import teachgrad

            grad_a = teachgrad.cat([grad_x, q @ grad_y], dim=-1)
        return (grad_a, *(None,) * (len(ctx.needs_input_grad) - 1))


def _qr_square_part(q: Tensor, r: Tensor, grad_q: Tensor, grad_r: Tensor) -> Tensor:
    m_matrix = r @ _t(grad_r) - _t(grad_q) @ q
    return (grad_q + q @ _copy_lower_to_upper(m_matrix)) @ _t(Inverse.apply(r))


def linalg_cholesky(A: Tensor, *, upper: bool = False) -> Tensor:  # noqa: N803 - torch's keyword names
    """linalg.cholesky: L with A = L L^T (U with A = U^T U for upper=True)."""
    return Cholesky.apply(A, upper) if upper else Cholesky.apply(A)


def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """torch.cholesky (deprecated in torch for linalg.cholesky), upper positional."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
                  "removed in a future PyTorch release.\nL = torch.cholesky(A)\nshould be "
                  "replaced with\nL = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, "
                  "upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH",
                  UserWarning, stacklevel=2)
    return Cholesky.apply(input, upper, "cholesky")


def _check_driver(a: Tensor, driver: Any) -> None:
    """driver= picks a cuSOLVER routine in torch; CuPy has one, so it is accepted and
    ignored on a GPU, and refused on the CPU as torch refuses it."""
    if driver is not None and a.device.type == "cpu":
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> Any:  # noqa: N803 - torch's keyword names
    """linalg.svd: (U, S, Vh) with A = U diag(S) Vh; full_matrices=True by default."""
    _check_driver(A, driver)
    return SvdResult(*Svd.apply(A, full_matrices))


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """torch.svd: (U, S, V), V = Vh^T; without compute_uv, U and V are zero (m, m), (n, n)."""
    if not compute_uv:
        import teachgrad

        m, n = input.shape[-2], input.shape[-1]
        batch = tuple(input.shape[:-2])
        zeros_u = teachgrad.zeros(batch + (m, m), dtype=input.dtype, device=input.device)
        zeros_v = teachgrad.zeros(batch + (n, n), dtype=input.dtype, device=input.device)
        return SvdTorchResult(zeros_u, svdvals(input), zeros_v)
    u, s, vh = Svd.apply(input, not some)
    return SvdTorchResult(u, s, _t(vh))


def svdvals(A: Tensor, *, driver: Any = None) -> Tensor:  # noqa: N803 - torch's keyword names
    """linalg.svdvals: the singular values, largest first."""
    _check_driver(A, driver)
    return Svdvals.apply(A)


def eigh(A: Tensor, UPLO: str = "L") -> Any:  # noqa: N803 - torch's keyword names
    """linalg.eigh: (eigenvalues ascending, eigenvectors) of a symmetric matrix, read
    from its lower (UPLO='L') or upper triangle."""
    return EighResult(*Eigh.apply(A, UPLO))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803 - torch's keyword names
    """linalg.eigvalsh: eigh's eigenvalues (the eigenvectors carry their gradient)."""
    return Eigh.apply(A, UPLO, "linalg.eigvalsh")[0]


def linalg_qr(A: Tensor, mode: str = "reduced") -> Any:  # noqa: N803 - torch's keyword names
    """linalg.qr: (Q, R) with A = QR; mode 'reduced', 'complete' or 'r' (Q empty)."""
    return QrResult(*Qr.apply(A, mode))


def qr(input: Tensor, some: bool = True) -> Any:
    """torch.qr: linalg.qr with some=True as 'reduced', some=False as 'complete'."""
    warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a "
                  "future PyTorch release.\nThe boolean parameter 'some' has been replaced with "
                  "a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced "
                  "with\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete')",
                  UserWarning, stacklevel=2)
    return QrTorchResult(*Qr.apply(input, "reduced" if some else "complete"))


FUNCTIONS: dict[str, Callable] = {"cholesky": cholesky, "svd": svd, "qr": qr}
