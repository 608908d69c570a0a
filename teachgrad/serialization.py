"""save and load: tensors, state_dicts and checkpoints written to disk with pickle.

    teachgrad.save(model.state_dict(), "model.pt")
    model.load_state_dict(teachgrad.load("model.pt"))

Like torch.save, save pickles any object; each tensor pickles as its values (a NumPy
array, copied off the GPU if it lives there), its class (Tensor or Parameter) and
requires_grad. Like torch.load since torch 2.6, load rebuilds by default only what a
checkpoint is made of (tensors, numbers, strings, lists, tuples, dicts, sets), never
arbitrary classes: unpickling an untrusted file can otherwise run any code. Loading a
whole pickled model needs weights_only=False (and a file you trust).

Where teachgrad differs from torch:
- the files are not interchangeable. torch writes a zip archive of raw storages and
  teachgrad a plain pickle; neither library reads the other's files. To move weights
  between them, go through NumPy: {k: v.numpy() for k, v in state.items()};
- tensors come back on the CPU unless map_location says otherwise (torch puts them
  back on the device they were saved from). So a checkpoint written on a GPU loads on
  a laptop without one; load_state_dict then copies the values onto the model's own
  device;
- tensors that were views of one another come back as separate tensors (torch keeps
  them sharing memory). The same tensor saved twice in one object stays one tensor.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

from teachgrad import dtypes
from teachgrad.device import device as device_class
from teachgrad.tensor import Tensor
from teachgrad.tensor_pickle import _rebuild

#: the pickle protocol of save(); 4 handles arrays over 4 GiB (torch's default is 2)
DEFAULT_PROTOCOL = 4

# What weights_only=True may rebuild besides plain containers and numbers: teachgrad's
# tensor pieces, and the functions NumPy's own arrays and scalars pickle through.
_SAFE_GLOBALS = {
    ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"),
    ("builtins", "complex"), ("builtins", "slice"), ("builtins", "range"),
    ("__builtin__", "set"), ("__builtin__", "frozenset"), ("_codecs", "encode"),
    ("teachgrad.tensor", "Tensor"), ("teachgrad.tensor", "Size"),
    ("teachgrad.tensor_description", "Size"),  # where Size lives; older files name tensor
    ("teachgrad.nn.parameter", "Parameter"), ("teachgrad.device", "device"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
}
_ZIP_MAGIC = b"PK\x03\x04"


def save(obj: Any, f: Any, pickle_module: Any = pickle,
         pickle_protocol: int = DEFAULT_PROTOCOL) -> None:
    """Write obj (a state_dict, a tensor, a checkpoint dict ...) to a path or binary file.

    The file is a pickle, not torch's format: torch.load cannot read it (see the
    module's docstring for how to move weights between the two).
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:
            pickle_module.dump(obj, file, protocol=pickle_protocol)
    else:
        pickle_module.dump(obj, f, protocol=pickle_protocol)


def load(f: Any, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, **pickle_load_args: Any) -> Any:
    """Read back what save wrote, from a path or a binary file.

    map_location says where tensors go: None (the CPU), a device or a string ("cuda",
    "cuda:1"), a dict {saved device: target} (unlisted devices load on the CPU), or a
    function(tensor, saved_device) that returns the tensor to use (None keeps the CPU
    tensor it was given). weights_only=True (the default, as in torch 2.6+) refuses
    anything but tensors, numbers, strings and containers; False unpickles anything.
    """
    weights_only = True if weights_only is None else weights_only
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _load(file, map_location, weights_only, pickle_load_args)
    return _load(f, map_location, weights_only, pickle_load_args)


def _load(file: Any, map_location: Any, weights_only: bool, options: dict) -> Any:
    _refuse_torch_files(file)
    try:
        return _Unpickler(file, map_location, weights_only, **options).load()
    except EOFError:
        raise EOFError("Ran out of input: the file is empty or was cut short while being "
                       "written. Save it again with teachgrad.save.") from None


def _refuse_torch_files(file: Any) -> None:
    """torch.save writes zip archives; say so instead of failing with a pickle error."""
    if not (hasattr(file, "seekable") and file.seekable()):
        return
    start = file.tell()
    head = file.read(len(_ZIP_MAGIC))
    file.seek(start)
    if head == _ZIP_MAGIC:
        raise RuntimeError(
            "This file is a zip archive, as torch.save writes them: teachgrad.load reads "
            "only files written by teachgrad.save (a plain pickle). Load it with torch and "
            "pass the values over as NumPy arrays, e.g. teachgrad.tensor(t.numpy()) for "
            "each tensor t of the state_dict."
        )


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, map_location: Any, weights_only: bool,
                 **options: Any) -> None:
        super().__init__(file, **options)
        self.map_location = map_location
        self.weights_only = weights_only

    def find_class(self, module: str, name: str) -> Any:
        if name == "_rebuild" and module in ("teachgrad.tensor_pickle", "teachgrad.tensor"):
            return self.rebuild_tensor
        if self.weights_only and (module, name) not in _SAFE_GLOBALS and not (
                module == "teachgrad.dtypes" and isinstance(
                    getattr(dtypes, name, None), dtypes.dtype)):
            raise pickle.UnpicklingError(
                f"Weights only load failed: the file holds a {module}.{name}, and "
                "load(weights_only=True), the default, rebuilds only tensors, numbers, "
                "strings and containers of them. If you trust the file, pass "
                "weights_only=False (unpickling can run arbitrary code); better, save "
                "model.state_dict() rather than the model itself."
            )
        return super().find_class(module, name)

    def rebuild_tensor(self, cls: type, array: Any, saved_device: str,
                       requires_grad: bool) -> Tensor:
        location = self.map_location
        if callable(location) and not isinstance(location, (str, device_class)):
            on_cpu = _rebuild(cls, array, "cpu", requires_grad)
            placed = location(on_cpu, saved_device)
            if placed is None:
                return on_cpu
            if type(placed) is not cls:  # keep a Parameter a Parameter
                placed = _rewrap(cls, placed, requires_grad)
            return placed
        if isinstance(location, dict):
            location = {str(k): v for k, v in location.items()}.get(saved_device)
        target = "cpu" if location is None else str(location)
        return _rebuild(cls, array, target, requires_grad)


def _rewrap(cls: type, tensor: Tensor, requires_grad: bool) -> Tensor:
    rebuilt = cls._make(tensor._array)
    rebuilt._requires_grad = requires_grad
    return rebuilt
