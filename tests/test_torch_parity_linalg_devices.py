"""The linalg functions on the GPU path: tests/fake_cupy.py's device arrays (which refuse
NumPy) give the same values and gradients as the CPU, kept on the device. The CPU results
are checked against torch in tests/test_torch_parity_linalg_more.py."""

from __future__ import annotations

import sys

import fake_cupy
import numpy as np
import pytest
from test_torch_parity_linalg_more import eigh_loss, qr_loss, rank_one_parts, square, weighted

import teachgrad


def _give_fake_cupy_lapack() -> None:
    """tests/fake_cupy.py's linalg has only norm: lend it NumPy's LAPACK routines, taking
    and giving device arrays, as cupy.linalg does."""
    fake = sys.modules["cupy"]

    def on_device(name: str):
        def routine(*args, **kwargs):
            hosts = [arg._host if hasattr(arg, "_host") else arg for arg in args]
            result = getattr(np.linalg, name)(*hosts, **kwargs)
            if isinstance(result, tuple):
                return tuple(fake.asarray(np.asarray(part)) for part in result)
            return fake.asarray(np.asarray(result))
        return routine

    for name in ("det", "inv", "slogdet", "solve", "cholesky", "svd", "eigh", "qr"):
        if not hasattr(fake.linalg, name):
            setattr(fake.linalg, name, on_device(name))


DEVICE_CALLS = {
    "det": lambda lib, a: weighted(lib, lib.det(a)),
    "inv": lambda lib, a: weighted(lib, lib.linalg.inv(a)),
    "slogdet": lambda lib, a: weighted(lib, lib.linalg.slogdet(a)[1]),
    "solve": lambda lib, a: weighted(lib, lib.linalg.solve(a, a[..., 0])),
    "cholesky": lambda lib, a: weighted(lib, lib.linalg.cholesky(a @ a.mT)),
    "svd": lambda lib, a: rank_one_parts(lib, *lib.linalg.svd(a, full_matrices=False)),
    "eigh": lambda lib, a: eigh_loss(lib, *lib.linalg.eigh(a + a.mT)),
    "qr": lambda lib, a: qr_loss(lib, *lib.linalg.qr(a)),
    "pinv": lambda lib, a: weighted(lib, lib.linalg.pinv(a)),
    "matrix_norm nuc": lambda lib, a: lib.linalg.matrix_norm(a, "nuc").sum(),
    "matrix_power 0 and -2": lambda lib, a: weighted(lib, lib.matrix_power(a, 0)
                                                     + lib.matrix_power(a, -2)),
    "logdet": lambda lib, a: weighted(lib, lib.logdet(a @ a.mT)),
    "solve_triangular": lambda lib, a: weighted(lib, lib.linalg.solve_triangular(
        a, a[..., :2], upper=True)) + weighted(lib, lib.linalg.solve_triangular(
            a, a[..., :2, :], upper=False, left=False)),
}


@pytest.mark.parametrize("name", DEVICE_CALLS)
def test_same_values_and_gradients_on_the_gpu_path(name: str, monkeypatch) -> None:
    """One code path: on tests/fake_cupy.py's GPU (arrays that refuse NumPy), the same
    values and gradients as on the CPU, kept on the device."""
    fake_cupy.install(monkeypatch)
    _give_fake_cupy_lapack()
    x = teachgrad.tensor(square(), requires_grad=True, device="cuda")
    cpu = teachgrad.tensor(square(), requires_grad=True)
    loss = DEVICE_CALLS[name](teachgrad, x)
    expected = DEVICE_CALLS[name](teachgrad, cpu)
    assert loss.device == x.device
    loss.backward()
    expected.backward()
    assert x.grad.device == x.device
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-9)
    np.testing.assert_allclose(x.grad.cpu().numpy(), cpu.grad.numpy(), rtol=1e-8, atol=1e-10)
