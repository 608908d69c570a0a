"""det, inverse, slogdet/logdet, matrix_power, linalg.solve, cholesky, svd/svdvals, pinv,
eigh/eigvalsh, qr and the matrix norms against torch: values, dtypes, shapes, node names,
gradients and errors, and each backward formula against finite differences (float64).

Singular vectors and eigenvectors are defined up to sign (LAPACK builds may pick either),
so their tests compare only what does not depend on the signs: products like
u_i s_i v_i^T, squares of entries, and gradients of such functions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from oracle import assert_same, assert_same_error, torch

import teachgrad
from teachgrad.autograd import gradcheck

# torch.cholesky and torch.qr warn that they are deprecated (here too: tested once below).
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated in favor of torch.linalg")
TOLERANCE = {"float32": {"rtol": 1e-4, "atol": 1e-5}, "float64": {"rtol": 1e-9, "atol": 1e-11}}


def _weights(lib, shape: tuple, dtype: str, device: object):
    """Fixed random weights: sum(out * w) gives every entry its own gradient."""
    rng = np.random.default_rng(sum(shape) * 7 + len(shape))
    return lib.tensor(rng.standard_normal(shape).astype(dtype), device=device)


def weighted(lib, out):
    dtype = str(out.dtype).split(".")[-1]
    return (out * _weights(lib, tuple(out.shape), dtype, out.device)).sum()


def square(shape: tuple = (2, 3, 3), seed: int = 0) -> np.ndarray:
    """Well-conditioned matrices (a random part plus 3 I): away from singular."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) + 3 * np.eye(shape[-1])


def spd(shape: tuple = (2, 3, 3), seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(shape[-1])


def general(shape: tuple, seed: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def rank_one_parts(lib, u, s, vh):
    """sum_i w_i * (u_i s_i v_i^T) + weighted squares of U and Vh: sign-free, and it
    reaches every output of the svd, so gU, gS and gVh all take part."""
    k = s.shape[-1]
    total = 0
    for i in range(k):
        total = total + weighted(lib, (u[..., :, i:i + 1] * s[..., None, i:i + 1])
                                 @ vh[..., i:i + 1, :])
    return total + weighted(lib, u[..., :, :k] ** 2) + weighted(lib, vh[..., :k, :] ** 2)


def eigh_loss(lib, values, vectors):
    return weighted(lib, values) + weighted(lib, vectors ** 2)


def qr_loss(lib, q, r):
    return weighted(lib, q) + weighted(lib, r)


# name -> (input, function of (lib, A) giving a tensor to compare, loss of (lib, outputs))
CASES = {
    "det": (square(), lambda lib, a: lib.det(a), weighted),
    "linalg.det 2-D": (square((3, 3)), lambda lib, a: lib.linalg.det(a), weighted),
    "x.det()": (square(), lambda lib, a: a.det(), weighted),
    "inverse": (square(), lambda lib, a: lib.inverse(a), weighted),
    "linalg.inv": (square((4, 4)), lambda lib, a: lib.linalg.inv(a), weighted),
    "x.inverse()": (square(), lambda lib, a: a.inverse(), weighted),
    "linalg.slogdet": (square(), lambda lib, a: lib.linalg.slogdet(a).logabsdet, weighted),
    "slogdet sign": (-square(), lambda lib, a: lib.slogdet(a)[0] * lib.slogdet(a)[1],
                     weighted),
    "logdet": (spd(), lambda lib, a: lib.logdet(a), weighted),
    "x.logdet()": (spd(), lambda lib, a: a.logdet(), weighted),
    "matrix_power 3": (square(), lambda lib, a: lib.matrix_power(a, 3), weighted),
    "linalg.matrix_power -2": (square(), lambda lib, a: lib.linalg.matrix_power(a, -2),
                               weighted),
    "x.matrix_power(1)": (square(), lambda lib, a: a.matrix_power(1), weighted),
    "matrix_power 0": (square(), lambda lib, a: lib.matrix_power(a, 0), weighted),
    "solve matrix": (square(), lambda lib, a: lib.linalg.solve(a, a[..., :2] + 1), weighted),
    "solve vector": (square((3, 3)), lambda lib, a: lib.linalg.solve(a, a[0] * 2), weighted),
    "solve batch of vectors": (square(), lambda lib, a: lib.linalg.solve(a, a[..., 0] - 1),
                               weighted),
    "solve broadcast": (square((3, 3)), lambda lib, a: lib.linalg.solve(
        a, a.unsqueeze(0).expand(2, 3, 3) * 2), weighted),
    "solve left=False": (square(), lambda lib, a: lib.linalg.solve(
        a, a[..., :2, :] * 3, left=False), weighted),
    "cholesky": (spd(), lambda lib, a: lib.cholesky(a @ a.mT), weighted),
    "cholesky upper=True": (spd(), lambda lib, a: lib.cholesky(a @ a.mT, True), weighted),
    "linalg.cholesky": (spd(), lambda lib, a: lib.linalg.cholesky(a @ a.mT), weighted),
    "linalg.cholesky(upper=True)": (spd(), lambda lib, a: lib.linalg.cholesky(
        a @ a.mT, upper=True), weighted),
    "x.cholesky()": (spd(), lambda lib, a: (a @ a.mT).cholesky(), weighted),
    "linalg.svd square": (general((2, 3, 3)), lambda lib, a: lib.linalg.svd(a), None),
    "linalg.svd tall reduced": (general((2, 4, 3)), lambda lib, a: lib.linalg.svd(
        a, full_matrices=False), None),
    "linalg.svd tall full": (general((4, 3)), lambda lib, a: lib.linalg.svd(a), None),
    "linalg.svd wide full": (general((2, 3, 5)), lambda lib, a: lib.linalg.svd(a), None),
    "linalg.svd wide reduced": (general((3, 5)), lambda lib, a: lib.linalg.svd(a, False),
                                None),
    "svd": (general((2, 4, 3)), lambda lib, a: lib.svd(a), None),
    "x.svd(some=False)": (general((3, 5)), lambda lib, a: a.svd(some=False), None),
    "linalg.svdvals": (general((2, 4, 3)), lambda lib, a: lib.linalg.svdvals(a), weighted),
    "linalg.pinv": (general((2, 4, 3)), lambda lib, a: lib.linalg.pinv(a), weighted),
    "linalg.pinv wide": (general((3, 5)), lambda lib, a: lib.linalg.pinv(a), weighted),
    "linalg.pinv(hermitian=True)": (spd(), lambda lib, a: lib.linalg.pinv(
        a, hermitian=True), weighted),
    "pinverse": (general((3, 4)), lambda lib, a: lib.pinverse(a), weighted),
    "x.pinverse(rcond=)": (general((4, 3)), lambda lib, a: a.pinverse(rcond=1e-10), weighted),
    "linalg.eigh": (spd(), lambda lib, a: lib.linalg.eigh(a), None),
    "linalg.eigh(UPLO='U')": (spd(), lambda lib, a: lib.linalg.eigh(a, UPLO="U"), None),
    "linalg.eigvalsh": (spd(), lambda lib, a: lib.linalg.eigvalsh(a), weighted),
    "linalg.eigvalsh U": (spd(), lambda lib, a: lib.linalg.eigvalsh(a, "U"), weighted),
    "linalg.qr tall": (general((2, 4, 3)), lambda lib, a: lib.linalg.qr(a), None),
    "linalg.qr wide": (general((3, 5)), lambda lib, a: lib.linalg.qr(a), None),
    "linalg.qr complete wide": (general((2, 3, 4)), lambda lib, a: lib.linalg.qr(
        a, mode="complete"), None),
    "qr": (general((4, 3)), lambda lib, a: lib.qr(a), None),
    "x.qr(some=False)": (general((3, 3)), lambda lib, a: a.qr(some=False), None),
}
for _ord in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
    CASES[f"matrix_norm {_ord}"] = (general((2, 4, 3)), lambda lib, a, o=_ord:
                                    lib.linalg.matrix_norm(a, o), weighted)
    CASES[f"linalg.norm {_ord}"] = (general((4, 3)), lambda lib, a, o=_ord:
                                    lib.linalg.norm(a, o), weighted)
CASES["multi_dot"] = (square(), lambda lib, a: lib.linalg.multi_dot(
    [a[0, 0], a[0], a[1, :, :2], a[1, 0, :2]]), weighted)
CASES["multi_dot matrices"] = (square(), lambda lib, a: lib.linalg.multi_dot(
    (a[0], a[1], a[0].mT)), weighted)
CASES["matrix_norm dim keepdim"] = (general((2, 4, 3)), lambda lib, a: lib.linalg.matrix_norm(
    a, 2, dim=(2, 0), keepdim=True), weighted)
CASES["matrix_norm 1 dim keepdim"] = (general((2, 4, 3)), lambda lib, a: lib.linalg.matrix_norm(
    a, 1, dim=(0, 2), keepdim=True), weighted)
CASES["linalg.norm nuc dims"] = (general((2, 4, 3)), lambda lib, a: lib.linalg.norm(
    a, "nuc", dim=(0, 1)), weighted)

SIGN_FREE_LOSSES = {"svd": rank_one_parts, "eigh": eigh_loss, "qr": qr_loss}


def _loss_for(name: str, loss):
    if loss is not None:
        return loss
    kind = "svd" if "svd" in name else ("eigh" if "eigh" in name else "qr")
    if kind == "svd" and name in ("svd", "x.svd(some=False)"):  # torch.svd returns V
        return lambda lib, u, s, v: rank_one_parts(lib, u, s, v.mT)
    return SIGN_FREE_LOSSES[kind]


def _run(name: str, lib, array: np.ndarray, dtype: str):
    leaf = lib.tensor(array.astype(dtype), requires_grad=True)
    out = CASES[name][1](lib, leaf)
    loss = _loss_for(name, CASES[name][2])
    value = loss(lib, *out) if isinstance(out, tuple) else loss(lib, out)
    return leaf, out, value


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", CASES)
def test_values_and_gradients_as_torch(name: str, dtype: str) -> None:
    array = CASES[name][0]
    ours, out, loss = _run(name, teachgrad, array, dtype)
    theirs, expected, expected_loss = _run(name, torch, array, dtype)
    tolerance = TOLERANCE[dtype]
    outs = out if isinstance(out, tuple) else (out,)
    expected_outs = expected if isinstance(expected, tuple) else (expected,)
    assert len(outs) == len(expected_outs)
    assert type(out).__name__ == type(expected).__name__  # linalg_svd, slogdet, Tensor...
    for mine, torchs in zip(outs, expected_outs):  # shapes, dtypes, requires_grad
        assert tuple(mine.shape) == tuple(torchs.shape)
        assert str(mine.dtype).split(".")[-1] == str(torchs.dtype).split(".")[-1]
        assert mine.requires_grad == torchs.requires_grad
    if not any(kind in name for kind in ("svd", "eigh", "qr")) or "svdvals" in name:
        assert_same(out if not isinstance(out, tuple) else out[-1],
                    expected if not isinstance(expected, tuple) else expected[-1], **tolerance)
    assert_same(loss, expected_loss, **tolerance)  # sign-free functions of every output
    loss.backward()
    expected_loss.backward()
    assert_same(ours.grad, theirs.grad, **tolerance)


GRADCHECK_SKIPS_TRIANGLE = ("eigh", "eigvalsh", "hermitian")  # these read one triangle only


@pytest.mark.parametrize("name", CASES)
def test_backward_formula_against_finite_differences(name: str) -> None:
    array = CASES[name][0]
    loss = _loss_for(name, CASES[name][2])
    symmetric = any(word in name for word in GRADCHECK_SKIPS_TRIANGLE)

    def function(a):
        if symmetric:  # perturb both triangles together, as a symmetric matrix moves
            a = (a + a.mT) / 2
        out = CASES[name][1](teachgrad, a)
        return loss(teachgrad, *out) if isinstance(out, tuple) else loss(teachgrad, out)

    assert gradcheck(function, (teachgrad.tensor(array, requires_grad=True),))


SECOND_ORDER = {
    "det": lambda lib, a: weighted(lib, lib.det(a)),
    "inv": lambda lib, a: weighted(lib, lib.linalg.inv(a)),
    "slogdet": lambda lib, a: weighted(lib, lib.linalg.slogdet(a)[1]),
    "solve": lambda lib, a: weighted(lib, lib.linalg.solve(a, a[..., 0] ** 2)),
    "cholesky": lambda lib, a: weighted(lib, lib.linalg.cholesky(a @ a.mT)),
    "svd": lambda lib, a: rank_one_parts(lib, *lib.linalg.svd(a, False)),
    "svdvals": lambda lib, a: weighted(lib, lib.linalg.svdvals(a)),
    "eigh": lambda lib, a: eigh_loss(lib, *lib.linalg.eigh(a + a.mT)),
    "qr": lambda lib, a: qr_loss(lib, *lib.linalg.qr(a)),
    "pinv": lambda lib, a: weighted(lib, lib.linalg.pinv(a)),
}


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_derivatives_as_torch(name: str) -> None:
    """The backward formulas are written with recorded ops: create_graph=True works."""
    grads = []
    for lib in (teachgrad, torch):
        x = lib.tensor(square(), requires_grad=True)
        (grad,) = lib.autograd.grad(SECOND_ORDER[name](lib, x), x, create_graph=True)
        weighted(lib, grad ** 2).backward()
        grads.append(x.grad)
    assert_same(*grads, rtol=1e-8, atol=1e-10)


def test_reads_one_triangle_and_gives_torchs_gradient_for_a_nonsymmetric_input() -> None:
    """eigh, cholesky and pinv(hermitian=True) read one triangle; torch's gradient is
    then the symmetric one (not zero on the other triangle): the same here."""
    array = spd() + np.triu(general((3, 3), seed=5), 1)  # upper triangle made asymmetric
    calls = [lambda lib, a: eigh_loss(lib, *lib.linalg.eigh(a)),
             lambda lib, a: eigh_loss(lib, *lib.linalg.eigh(a, UPLO="U")),
             lambda lib, a: weighted(lib, lib.linalg.cholesky(a)),
             lambda lib, a: weighted(lib, lib.linalg.pinv(a, hermitian=True))]
    for call in calls:
        ours = teachgrad.tensor(array, requires_grad=True)
        theirs = torch.tensor(array, requires_grad=True)
        loss, expected = call(teachgrad, ours), call(torch, theirs)
        assert_same(loss, expected)
        loss.backward()
        expected.backward()
        assert_same(ours.grad, theirs.grad)


def test_node_names_as_torch() -> None:
    calls = {
        "det": lambda lib, a: lib.det(a), "inv": lambda lib, a: lib.linalg.inv(a),
        "slogdet": lambda lib, a: lib.linalg.slogdet(a)[1],
        "solve": lambda lib, a: lib.linalg.solve(a, a),
        "cholesky": lambda lib, a: lib.linalg.cholesky(a @ a.mT),
        "svd": lambda lib, a: lib.linalg.svd(a)[1],
        "svdvals": lambda lib, a: lib.linalg.svdvals(a),
        "eigh": lambda lib, a: lib.linalg.eigh(a)[0],
        "qr": lambda lib, a: lib.linalg.qr(a)[1], "pinv": lambda lib, a: lib.linalg.pinv(a),
        "logdet": lambda lib, a: lib.logdet(a @ a.mT),
    }
    for name, call in calls.items():
        ours = call(teachgrad, teachgrad.tensor(square(), requires_grad=True))
        theirs = call(torch, torch.tensor(square(), requires_grad=True))
        assert ours.grad_fn.name() == theirs.grad_fn.name(), name


def test_slogdet_sign_has_a_zero_gradient_and_det_of_singular_is_zero() -> None:
    ours = teachgrad.tensor(square(), requires_grad=True)
    theirs = torch.tensor(square(), requires_grad=True)
    sign, expected = teachgrad.linalg.slogdet(ours).sign, torch.linalg.slogdet(theirs).sign
    assert_same(sign, expected)
    sign.sum().backward()
    expected.sum().backward()
    assert ours.grad is None and theirs.grad is None  # the sign alone gives no gradient
    singular = np.ones((2, 2))
    assert_same(teachgrad.det(teachgrad.tensor(singular)), torch.det(torch.tensor(singular)))
    assert_same(teachgrad.linalg.slogdet(teachgrad.tensor(singular)).logabsdet,
                torch.linalg.slogdet(torch.tensor(singular)).logabsdet)
    negative = np.diag([-1.0, 2.0])
    assert_same(teachgrad.logdet(teachgrad.tensor(negative)),
                torch.logdet(torch.tensor(negative)))


def test_det_gradient_of_singular_matrices_as_torch() -> None:
    """torch gives 0 where det is exactly 0 (even at rank n-1, where the adjugate is not)."""
    batch = np.stack([np.ones((3, 3)), [[1.0, 2, 3], [2, 4, 6], [1, 0, 1]], square((3, 3))])
    ours = teachgrad.tensor(batch, requires_grad=True)
    theirs = torch.tensor(batch, requires_grad=True)
    weighted(teachgrad, teachgrad.det(ours)).backward()
    weighted(torch, torch.det(theirs)).backward()
    assert_same(ours.grad, theirs.grad)


def test_matrix_power_of_integers_and_return_types_as_torch() -> None:
    ints = np.arange(8).reshape(2, 2, 2)
    for n in (0, 1, 3):
        assert_same(teachgrad.matrix_power(teachgrad.tensor(ints), n),
                    torch.matrix_power(torch.tensor(ints), n))
    a = general((3, 2))
    ours, theirs = teachgrad.linalg.qr(teachgrad.tensor(a), mode="r"), torch.linalg.qr(
        torch.tensor(a), mode="r")
    assert_same(ours.Q, theirs.Q)
    assert_same(ours.R.abs(), theirs.R.abs())
    ours, theirs = teachgrad.svd(teachgrad.tensor(a), compute_uv=False), torch.svd(
        torch.tensor(a), compute_uv=False)
    for mine, torchs in zip(ours, theirs):
        assert_same(mine, torchs)
    fields = {"linalg.svd": (lambda lib: lib.linalg.svd(lib.tensor(a)), ("U", "S", "Vh")),
              "svd": (lambda lib: lib.svd(lib.tensor(a)), ("U", "S", "V")),
              "eigh": (lambda lib: lib.linalg.eigh(lib.tensor(spd())),
                       ("eigenvalues", "eigenvectors")),
              "slogdet": (lambda lib: lib.slogdet(lib.tensor(spd())), ("sign", "logabsdet")),
              "qr": (lambda lib: lib.qr(lib.tensor(a)), ("Q", "R"))}
    for call, names in fields.values():
        ours, theirs = call(teachgrad), call(torch)
        assert type(ours).__name__ == type(theirs).__name__
        for index, field in enumerate(names):
            assert_same(getattr(ours, field).abs(), getattr(theirs, field).abs())
            assert getattr(ours, field) is ours[index]
    assert repr(teachgrad.linalg.slogdet(teachgrad.eye(2))) == repr(
        torch.linalg.slogdet(torch.eye(2))).replace("torch", "teachgrad")


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0)])
def test_empty_matrices_and_no_grad_as_torch(shape: tuple) -> None:
    calls = [lambda lib, a: lib.det(a), lambda lib, a: lib.linalg.inv(a),
             lambda lib, a: lib.linalg.slogdet(a)[1], lambda lib, a: lib.linalg.cholesky(a),
             lambda lib, a: lib.linalg.solve(a, a)]
    for call in calls:
        assert_same(call(teachgrad, teachgrad.ones(*shape)), call(torch, torch.ones(*shape)))
    out = teachgrad.det(teachgrad.tensor(square()))
    assert not out.requires_grad and out.grad_fn is None


def test_matrix_rank_and_integer_multi_dot_as_torch() -> None:
    rank_one = np.outer([1.0, 2.0, 3.0], [1.0, -1.0]) + 1e-9 * general((3, 2))
    deficient = np.stack([spd((3, 3)), np.ones((3, 3)), np.diag([1.0, 1e-3, 0.0])])
    calls = [lambda lib, a: lib.linalg.matrix_rank(a),
             lambda lib, a: lib.linalg.matrix_rank(a, atol=1e-6),
             lambda lib, a: lib.linalg.matrix_rank(a, rtol=1e-12),
             lambda lib, a: lib.linalg.matrix_rank(a, atol=0.5, rtol=1e-2)]
    for array in (rank_one, deficient):
        for call in calls:
            assert_same(call(teachgrad, teachgrad.tensor(array)), call(torch, torch.tensor(array)))
    ours, theirs = (lib.linalg.matrix_rank(lib.tensor(deficient, requires_grad=True),
                                           hermitian=True) for lib in (teachgrad, torch))
    assert_same(ours, theirs)  # int64, no gradient
    ints = np.arange(6).reshape(2, 3)
    assert_same(teachgrad.linalg.multi_dot([teachgrad.tensor(ints), teachgrad.tensor(ints.T)]),
                torch.linalg.multi_dot([torch.tensor(ints), torch.tensor(ints.T)]))


def test_pinv_tolerances_as_torch() -> None:
    rank_one = np.outer([1.0, 2.0, 3.0], [1.0, -1.0]) + 1e-9 * general((3, 2))
    calls = [lambda lib, a: lib.linalg.pinv(a), lambda lib, a: lib.linalg.pinv(a, atol=1e-6),
             lambda lib, a: lib.linalg.pinv(a, rtol=1e-12),
             lambda lib, a: lib.linalg.pinv(a, atol=1e-3, rtol=1e-15),
             lambda lib, a: lib.pinverse(a, 1e-20)]
    for call in calls:
        assert_same(call(teachgrad, teachgrad.tensor(rank_one)),
                    call(torch, torch.tensor(rank_one)), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["cholesky", "qr"])
def test_deprecated_forms_warn(name: str) -> None:
    """torch warns once per process (so it cannot be asked again here): we warn too."""
    call = {"cholesky": lambda: teachgrad.cholesky(teachgrad.eye(2)),
            "qr": lambda: teachgrad.tensor(general((3, 2))).qr()}[name]
    with pytest.warns(UserWarning, match=f"torch.{name} is deprecated in favor of "
                                         f"torch.linalg.{name}"):
        call()


def test_methods_are_those_torch_tensor_has() -> None:
    for name in teachgrad.ops.linalg_more.TENSOR_METHODS:
        assert hasattr(torch.Tensor, name) and hasattr(teachgrad.Tensor, name), name
    for name in teachgrad.ops.linalg_more.FUNCTIONS:
        assert hasattr(torch, name) and hasattr(teachgrad, name), name
    for name in teachgrad.linalg.__all__:
        assert hasattr(torch.linalg, name), name
    assert issubclass(teachgrad.linalg.LinAlgError, RuntimeError)


ERRORS = {
    "det of a 1-D tensor": lambda lib: lib.det(lib.ones(3)),
    "det of a 2x3": lambda lib: lib.linalg.det(lib.ones(2, 3)),
    "det of integers": lambda lib: lib.det(lib.ones(2, 2, dtype=lib.int64)),
    "inverse of a singular matrix": lambda lib: lib.inverse(lib.ones(2, 2)),
    "inv of a 2x3": lambda lib: lib.linalg.inv(lib.ones(2, 3)),
    "inv of integers": lambda lib: lib.linalg.inv(lib.ones(2, 2, dtype=lib.int64)),
    "slogdet of a 2x3": lambda lib: lib.linalg.slogdet(lib.ones(2, 3)),
    "logdet of integers": lambda lib: lib.logdet(lib.ones(2, 2, dtype=lib.int32)),
    "matrix_power of a 2x3": lambda lib: lib.matrix_power(lib.ones(2, 3), 2),
    "matrix_power -1 of a singular": lambda lib: lib.matrix_power(lib.ones(2, 2), -1),
    "solve singular": lambda lib: lib.linalg.solve(lib.ones(2, 2), lib.ones(2)),
    "solve shapes": lambda lib: lib.linalg.solve(lib.eye(2), lib.ones(3)),
    "solve left=False vector": lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(3),
                                                            left=False),
    "inverse of a batch with a singular": lambda lib: lib.inverse(
        lib.stack([lib.eye(3), lib.tensor([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])])),
    "inv of zeros": lambda lib: lib.linalg.inv(lib.zeros(2, 2, 2)),
    "solve batch singular": lambda lib: lib.linalg.solve(
        lib.stack([lib.eye(2), lib.ones(2, 2)]), lib.ones(2, 2)),
    "cholesky of a batch": lambda lib: lib.linalg.cholesky(
        lib.stack([lib.eye(3), lib.diag(lib.tensor([1.0, 2, -1]))])),
    "solve dtypes": lambda lib: lib.linalg.solve(lib.eye(3), lib.ones(3, dtype=lib.float64)),
    "cholesky not positive-definite": lambda lib: lib.linalg.cholesky(-lib.eye(3)),
    "cholesky of a 2x3": lambda lib: lib.cholesky(lib.ones(2, 3)),
    "svd of integers": lambda lib: lib.linalg.svd(lib.ones(2, 3, dtype=lib.int64)),
    "svd of a 1-D tensor": lambda lib: lib.linalg.svd(lib.ones(3)),
    "det of float16": lambda lib: lib.det(lib.ones(2, 2, dtype=lib.float16)),
    "svd of float16": lambda lib: lib.linalg.svd(lib.ones(2, 2, dtype=lib.float16)),
    "svd driver on the CPU": lambda lib: lib.linalg.svd(lib.ones(2, 2), driver="gesvd"),
    "multi_dot of one": lambda lib: lib.linalg.multi_dot([lib.ones(2, 2)]),
    "multi_dot first 3-D": lambda lib: lib.linalg.multi_dot([lib.ones(2, 2, 2), lib.ones(2, 2)]),
    "multi_dot last 3-D": lambda lib: lib.linalg.multi_dot([lib.ones(2, 2), lib.ones(2, 2, 2)]),
    "multi_dot middle 1-D": lambda lib: lib.linalg.multi_dot(
        [lib.ones(2, 2), lib.ones(2), lib.ones(2, 2)]),
    "multi_dot dtypes": lambda lib: lib.linalg.multi_dot(
        [lib.ones(2, 2), lib.ones(2, 2, dtype=lib.float64)]),
    "multi_dot shapes": lambda lib: lib.linalg.multi_dot([lib.ones(3, 3), lib.ones(2, 2)]),
    "matrix_rank of integers": lambda lib: lib.linalg.matrix_rank(
        lib.ones(2, 2, dtype=lib.int64)),
    "matrix_rank of a 1-D tensor": lambda lib: lib.linalg.matrix_rank(lib.ones(3)),
    "matrix_rank hermitian 3x4": lambda lib: lib.linalg.matrix_rank(lib.ones(3, 4),
                                                                    hermitian=True),
    "svdvals of integers": lambda lib: lib.linalg.svdvals(lib.ones(2, 3, dtype=lib.int64)),
    "eigh of a 2x3": lambda lib: lib.linalg.eigh(lib.ones(2, 3)),
    "eigh UPLO": lambda lib: lib.linalg.eigh(lib.eye(2), UPLO="X"),
    "eigvalsh of integers": lambda lib: lib.linalg.eigvalsh(lib.ones(2, 2, dtype=lib.int64)),
    "qr mode": lambda lib: lib.linalg.qr(lib.ones(2, 3), mode="x"),
    "qr of a 1-D tensor": lambda lib: lib.linalg.qr(lib.ones(3)),
    "pinv of a 1-D tensor": lambda lib: lib.linalg.pinv(lib.ones(3)),
    "pinv hermitian 2x3": lambda lib: lib.linalg.pinv(lib.ones(2, 3), hermitian=True),
    "matrix_norm of a 1-D tensor": lambda lib: lib.linalg.matrix_norm(lib.ones(3)),
    "matrix_norm ord 3": lambda lib: lib.linalg.matrix_norm(lib.ones(3, 3), ord=3),
    "matrix_norm of integers": lambda lib: lib.linalg.matrix_norm(
        lib.ones(2, 3, dtype=lib.int64), dtype=lib.float64),
    "matrix_norm same dims": lambda lib: lib.linalg.matrix_norm(lib.ones(2, 3), dim=(1, 1)),
    "norm 3-D with ord": lambda lib: lib.linalg.norm(lib.ones(2, 3, 4), 2),
    "norm fro over one dim": lambda lib: lib.linalg.norm(lib.ones(2, 3, 4), "fro", dim=2),
}
SAME_MESSAGE = ("det of a 1-D tensor", "det of a 2x3", "det of integers", "inv of a 2x3",
                "inv of integers", "slogdet of a 2x3", "logdet of integers", "solve shapes",
                "solve left=False vector", "solve dtypes", "cholesky of a 2x3",
                "svd of integers", "svd of a 1-D tensor", "eigh of a 2x3", "eigh UPLO",
                "qr mode", "qr of a 1-D tensor", "pinv of a 1-D tensor", "matrix_norm ord 3",
                "matrix_norm of a 1-D tensor", "matrix_norm of integers",
                "matrix_norm same dims", "norm 3-D with ord", "norm fro over one dim",
                "solve singular", "pinv hermitian 2x3", "matrix_power of a 2x3",
                "svdvals of integers", "eigvalsh of integers", "inverse of a singular matrix",
                "matrix_power -1 of a singular", "cholesky not positive-definite",
                "inverse of a batch with a singular", "inv of zeros", "solve batch singular",
                "cholesky of a batch", "svd driver on the CPU", "multi_dot of one",
                "multi_dot first 3-D", "multi_dot last 3-D", "multi_dot middle 1-D",
                "multi_dot dtypes", "multi_dot shapes", "matrix_rank of integers",
                "matrix_rank of a 1-D tensor", "matrix_rank hermitian 3x4")


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name: str) -> None:
    ours, theirs = assert_same_error(lambda: ERRORS[name](teachgrad),
                                     lambda: ERRORS[name](torch))
    if isinstance(theirs, torch.linalg.LinAlgError):
        assert isinstance(ours, teachgrad.linalg.LinAlgError)
    if name in SAME_MESSAGE:
        assert str(ours) == str(theirs)


BACKWARD_ERRORS = {
    "qr mode='r'": lambda lib, a: lib.linalg.qr(a, mode="r").R.sum(),
    "qr complete tall": lambda lib, a: lib.linalg.qr(a, mode="complete").R.sum(),
}


@pytest.mark.parametrize("name", BACKWARD_ERRORS)
def test_errors_in_backward_as_torch(name: str) -> None:
    ours = BACKWARD_ERRORS[name](teachgrad, teachgrad.tensor(general((3, 2)),
                                                             requires_grad=True))
    theirs = BACKWARD_ERRORS[name](torch, torch.tensor(general((3, 2)), requires_grad=True))
    mine, torchs = assert_same_error(ours.backward, theirs.backward)
    assert str(mine) == str(torchs)

