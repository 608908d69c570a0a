"""What Module checks when a part is registered or a registered name is reassigned,
against torch: the checks nn/module_register.py holds for nn/module.py, the tree walks and
modes nn/module_tree.py holds, and the names that moved off the reading path (Identity,
typename) still importable from where they were."""

from __future__ import annotations

import pytest
from nn_oracle import torch_message

import teachgrad

torch = pytest.importorskip("torch", reason="torch is the oracle")


class _Net:
    """A module with a parameter `w`, a child `fc`, a buffer `b` and a plain attribute `n`."""

    @staticmethod
    def make(lib):
        class Net(lib.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.w = lib.nn.Parameter(lib.ones(2))
                self.fc = lib.nn.Linear(2, 2)
                self.register_buffer("b", lib.zeros(2))
                self.n = 3

        return Net()


def _both(action):
    """Run action(lib, module) on a teachgrad and a torch Net; return (ours, theirs, error)."""
    results = []
    for lib in (teachgrad, torch):
        module = _Net.make(lib)
        try:
            action(lib, module)
            results.append((module, None))
        except Exception as error:  # compared below, type and message
            results.append((module, error))
    (ours, our_error), (theirs, their_error) = results
    assert type(our_error) is type(their_error), (our_error, their_error)
    return ours, theirs, our_error, their_error


def _parts(module) -> tuple:
    return ([n for n, _ in module.named_parameters()], [n for n, _ in module.named_buffers()],
            [n for n, _ in module.named_children()], sorted(module.state_dict()))


WRONG_TYPES = {
    "tensor as parameter": lambda lib, m: setattr(m, "w", lib.ones(2)),
    "tensor as child module": lambda lib, m: setattr(m, "fc", lib.ones(2)),
    "int as buffer": lambda lib, m: setattr(m, "b", 3),
    "register_parameter of a tensor": lambda lib, m: m.register_parameter("v", lib.ones(1)),
    "register_buffer of an int": lambda lib, m: m.register_buffer("c", 3),
    "register_module of an int": lambda lib, m: m.register_module("c", 3),
    "add_module of an int": lambda lib, m: m.add_module("c", 3),
    "parameter name with a dot": lambda lib, m: m.register_parameter("a.b", None),
    "empty buffer name": lambda lib, m: m.register_buffer("", None),
    "name taken by an attribute": lambda lib, m: m.register_parameter("n", None),
    "train(1)": lambda lib, m: m.train(1),
}


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_wrong_values_and_names_raise_torchs_error_and_change_nothing(case: str) -> None:
    ours, theirs, our_error, their_error = _both(WRONG_TYPES[case])
    assert our_error is not None
    # teachgrad has no nn.Buffer class, which torch's buffer messages also name.
    expected = torch_message(their_error).replace("teachgrad.nn.Buffer, ", "")
    expected = expected.replace("torch Tensor", "teachgrad Tensor").rstrip("'\"")
    assert str(our_error).startswith(expected)
    assert _parts(ours) == _parts(theirs)


def test_a_module_where_a_parameter_is_registered_is_refused() -> None:
    _, _, our_error, _ = _both(lambda lib, m: setattr(m, "w", lib.nn.ReLU()))
    assert str(our_error).startswith("cannot assign 'teachgrad.nn.activation.ReLU' as "
                                     "parameter 'w' (teachgrad.nn.Parameter or None expected)")


ALLOWED = {
    "None empties a parameter": lambda lib, m: setattr(m, "w", None),
    "None empties a child": lambda lib, m: setattr(m, "fc", None),
    "None empties a buffer": lambda lib, m: setattr(m, "b", None),
    "a tensor replaces a buffer": lambda lib, m: setattr(m, "b", lib.ones(3)),
    "a Parameter replaces a child": lambda lib, m: setattr(m, "fc", lib.nn.Parameter(lib.ones(1))),
    "a module replaces a buffer": lambda lib, m: setattr(m, "b", lib.nn.ReLU()),
    "register_module adds a child": lambda lib, m: m.register_module("g", lib.nn.Linear(1, 1)),
    "register_parameter(None)": lambda lib, m: m.register_parameter("v", None),
    "eval() reaches every module": lambda lib, m: m.eval(),
}


@pytest.mark.parametrize("case", ALLOWED)
def test_allowed_reassignments_file_the_value_as_torch_does(case: str) -> None:
    ours, theirs, our_error, _ = _both(ALLOWED[case])
    assert our_error is None
    assert _parts(ours) == _parts(theirs)
    assert [m.training for m in ours.modules()] == [m.training for m in theirs.modules()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]


def test_moved_names_are_importable_where_they_were() -> None:
    from teachgrad.nn.linear import Identity
    from teachgrad.nn.module import Module, typename

    assert Identity is teachgrad.nn.Identity and issubclass(Identity, Module)
    layer = Identity(3, unused=True)  # torch's Identity ignores its arguments too
    x = teachgrad.ones(2)
    assert layer(x) is x and repr(layer) == repr(torch.nn.Identity(3, unused=True))
    theirs = torch.typename(torch.ones(1))
    assert typename(teachgrad.ones(1)) == theirs.replace("torch", "teachgrad")
    assert teachgrad.nn.Module._version == torch.nn.Module._version
