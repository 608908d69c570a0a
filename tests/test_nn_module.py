"""The Module system against torch's: registration, traversal, modes, state_dict, reprs,
containers and the errors for misuse."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from nn_oracle import assert_close, copy_weights, seed_both, torch_message, values  # noqa: F401 - seed_both is autouse

import teachgrad
import teachgrad.nn as nn

torch = pytest.importorskip("torch", reason="torch is the oracle")


def build_net(lib):
    """A small custom network with a submodule, a buffer, a raw Parameter and tied weights."""

    class Block(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = lib.nn.Conv2d(2, 3, 3, padding=1)
            self.norm = lib.nn.BatchNorm2d(3)

        def forward(self, x):
            return lib.nn.functional.relu(self.norm(self.conv(x)))

    class Net(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.block = Block()
            self.scale = lib.nn.Parameter(lib.ones(1))
            self.register_buffer("offset", lib.zeros(3))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)
            self.head = lib.nn.Sequential(lib.nn.Flatten(), lib.nn.Linear(3 * 4 * 4, 5))
            self.tied = self.head[1]  # the same Linear under a second name

        def forward(self, x):
            return self.head(self.block(x) + self.offset.view(1, 3, 1, 1)) * self.scale

    return Net()


@pytest.fixture
def nets():
    theirs = build_net(torch)
    ours = build_net(teachgrad)
    copy_weights(ours, theirs)
    return ours, theirs


def test_traversal_names_match_torch(nets) -> None:
    ours, theirs = nets
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert len(list(ours.modules())) == len(list(theirs.modules()))
    assert len(list(ours.children())) == len(list(theirs.children()))
    assert len(list(ours.parameters())) == len(list(theirs.parameters()))
    assert len(list(ours.buffers())) == len(list(theirs.buffers()))
    assert [n for n, _ in ours.named_parameters(recurse=False)] == ["scale"]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in ours.parameters())


def test_forward_backward_and_zero_grad(nets) -> None:
    ours, theirs = nets
    x = values((2, 2, 4, 4), seed=1)
    out, expected = ours(teachgrad.tensor(x)), theirs(torch.tensor(x))
    assert_close(out, expected)
    out.sum().backward()
    expected.sum().backward()
    for (_name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad)
    ours.zero_grad(set_to_none=False)
    theirs.zero_grad(set_to_none=False)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad)
        assert not p.grad.requires_grad
    ours.zero_grad()
    assert all(p.grad is None for p in ours.parameters())


def test_train_eval_apply_and_requires_grad(nets) -> None:
    ours, theirs = nets
    assert ours.training and all(m.training for m in ours.modules())
    assert ours.eval() is ours
    assert not any(m.training for m in ours.modules())
    ours.train()
    assert all(m.training for m in ours.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        ours.train("yes")
    seen, expected = [], []
    ours.apply(lambda m: seen.append(type(m).__name__))
    theirs.apply(lambda m: expected.append(type(m).__name__))
    assert seen == expected
    ours.requires_grad_(False)
    assert not any(p.requires_grad for p in ours.parameters())


def test_to_dtype_keeps_the_same_parameter_objects(nets) -> None:
    ours, _ = nets
    params = list(ours.parameters())
    ours.double()
    assert all(p is q for p, q in zip(params, ours.parameters()))
    assert all(p.dtype == teachgrad.float64 for p in ours.parameters())
    assert ours.block.norm.num_batches_tracked.dtype == teachgrad.int64  # ints stay ints
    ours.to(teachgrad.float32)
    assert all(p.dtype == teachgrad.float32 for p in ours.parameters())
    assert ours.to("cpu") is ours
    with pytest.raises(TypeError, match="only accepts floating point"):
        ours.to(teachgrad.int64)


@pytest.mark.skipif(teachgrad.cuda.is_available(), reason="checks the CPU-only message")
def test_cuda_without_a_gpu_says_what_to_install(nets) -> None:
    ours, _ = nets
    with pytest.raises(Exception) as error:
        ours.cuda()
    assert "cupy" in str(error.value).lower() or "cuda" in str(error.value).lower()


def test_state_dict_round_trip(nets) -> None:
    ours, theirs = nets
    state = ours.state_dict()
    for (_key, value), (_, expected) in zip(state.items(), theirs.state_dict().items()):
        assert_close(value, expected)
        assert not value.requires_grad
    fresh = build_net(teachgrad)
    result = fresh.load_state_dict(copy.deepcopy(state))
    assert repr(result) == repr(theirs.load_state_dict(theirs.state_dict()))
    for (_, a), (_, b) in zip(fresh.state_dict().items(), state.items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # The state_dict shares memory with the module, as torch's does.
    state["scale"].fill_(7.0)
    assert ours.scale.item() == 7.0


def test_load_state_dict_errors_match_torch_and_change_nothing(nets) -> None:
    ours, theirs = nets
    before = {k: v.numpy().copy() for k, v in ours.state_dict().items()}
    for edit in ("missing", "unexpected", "both", "shape"):
        mine = {k: v.clone() + 1 for k, v in ours.state_dict().items()}
        reference = {k: v.clone() + 1 for k, v in theirs.state_dict().items()}
        if edit in ("missing", "both"):
            del mine["head.1.bias"], reference["head.1.bias"]
        if edit in ("unexpected", "both"):
            mine["extra.weight"] = teachgrad.zeros(1)
            reference["extra.weight"] = torch.zeros(1)
        if edit == "shape":
            mine["scale"], reference["scale"] = teachgrad.ones(2), torch.ones(2)
        with pytest.raises(RuntimeError) as expected:
            theirs.load_state_dict(reference)
        with pytest.raises(RuntimeError) as error:
            ours.load_state_dict(mine)
        assert str(error.value).startswith(torch_message(expected.value))
        if edit != "shape":
            assert "strict=False" in str(error.value)
        for key, value in ours.state_dict().items():
            np.testing.assert_array_equal(value.numpy(), before[key])


def test_load_state_dict_not_strict_reports_keys_like_torch(nets) -> None:
    ours, theirs = nets
    mine, reference = ours.state_dict(), theirs.state_dict()
    del mine["scale"], reference["scale"]
    mine["bogus"], reference["bogus"] = teachgrad.zeros(1), torch.zeros(1)
    result = ours.load_state_dict(mine, strict=False)
    expected = theirs.load_state_dict(reference, strict=False)
    assert result.missing_keys == expected.missing_keys
    assert result.unexpected_keys == expected.unexpected_keys
    assert repr(result) == repr(expected)


def test_deepcopy_and_pickle_keep_values() -> None:
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.Flatten(),
                          nn.Linear(12, 2)).eval()
    x = teachgrad.tensor(values((1, 2, 4, 4), seed=2))
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert clone[0].weight is not model[0].weight
        assert isinstance(clone[0].weight, nn.Parameter) and clone[0].weight.requires_grad
        np.testing.assert_allclose(clone(x).detach().numpy(), model(x).detach().numpy())


# ---------------------------------------------------------------- reprs

REPR_CASES = [
    ("Linear", (3, 4), {}), ("Linear", (3, 4), {"bias": False}),
    ("Conv2d", (1, 6, 5), {}), ("Conv2d", (3, 8, (3, 2)), {"stride": 2, "padding": 1}),
    ("Conv2d", (4, 8, 3), {"padding": "same", "dilation": 2, "groups": 2, "bias": False}),
    ("Conv2d", (4, 8, 3), {"padding": "valid"}),
    ("MaxPool2d", (2,), {}), ("MaxPool2d", ((2, 3),), {"stride": 1, "padding": 1,
                                                        "dilation": 2, "ceil_mode": True}),
    ("AvgPool2d", (3,), {}), ("AvgPool2d", (3, 2, 1), {"count_include_pad": False}),
    ("Flatten", (), {}), ("Flatten", (0, 2), {}), ("Dropout", (), {}),
    ("Dropout", (0.2, True), {}), ("BatchNorm1d", (4,), {}),
    ("BatchNorm2d", (8,), {"eps": 1e-3, "momentum": None, "affine": False}),
    ("Embedding", (10, 3), {}), ("Embedding", (10, 3), {"padding_idx": 0}),
    ("ReLU", (), {}), ("ReLU", (True,), {}), ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2, True), {}), ("Sigmoid", (), {}), ("Tanh", (), {}), ("GELU", (), {}),
    ("GELU", ("tanh",), {}), ("Softmax", (1,), {}), ("Softmax", (), {}),
    ("LogSoftmax", (-1,), {}), ("Identity", (), {}), ("MSELoss", (), {}),
    ("L1Loss", (), {"reduction": "sum"}), ("CrossEntropyLoss", (), {"label_smoothing": 0.1}),
    ("NLLLoss", (), {}), ("BCELoss", (), {}), ("BCEWithLogitsLoss", (), {}),
]


@pytest.mark.parametrize("name, args, kwargs", REPR_CASES)
def test_layer_reprs_match_torch(name: str, args: tuple, kwargs: dict) -> None:
    assert repr(getattr(nn, name)(*args, **kwargs)) == torch_message(
        repr(getattr(torch.nn, name)(*args, **kwargs)))


def test_nested_and_container_reprs_match_torch(nets) -> None:
    ours, theirs = nets
    assert repr(ours) == repr(theirs)
    built = []
    for lib in (teachgrad, torch):
        layers = lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)]
                                   + [lib.nn.ReLU(), lib.nn.Linear(2, 2)])
        named = lib.nn.Sequential(OrderedDict([("fc", lib.nn.Linear(2, 3)),
                                               ("act", lib.nn.Tanh())]))
        table = lib.nn.ModuleDict({"a": lib.nn.Linear(1, 1), "b": layers})
        built.append([layers, named, table, lib.nn.ModuleList()])
    for mine, reference in zip(*built):
        assert repr(mine) == repr(reference)


def test_parameter_repr_matches_torch() -> None:
    array = values((2, 2), seed=3)
    ours, theirs = nn.Parameter(teachgrad.tensor(array)), torch.nn.Parameter(
        torch.tensor(array))
    assert repr(ours) == torch_message(repr(theirs))
    assert repr(nn.Parameter(teachgrad.ones(2), requires_grad=False)) == torch_message(
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False)))


# ---------------------------------------------------------------- containers


def test_sequential_indexing_slicing_and_editing() -> None:
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    assert isinstance(model[1:], nn.Sequential) and list(model[1:]) == layers[1:]
    assert list(model[::-1]) == layers[::-1]
    extra = nn.Sigmoid()
    assert model.append(extra) is model and model[3] is extra
    assert [n for n, _ in model.named_children()] == ["0", "1", "2", "3"]
    del model[1]
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]
    assert list(model) == [layers[0], layers[2], extra]
    model[0] = nn.Tanh()
    assert isinstance(model[0], nn.Tanh)
    model.insert(1, nn.ReLU())
    assert [type(m).__name__ for m in model] == ["Tanh", "ReLU", "Linear", "Sigmoid"]
    x = teachgrad.randn(4, 3)
    np.testing.assert_allclose(model(x).numpy(force=True), extra(layers[2](
        nn.ReLU()(nn.Tanh()(x)))).numpy(force=True))
    with pytest.raises(IndexError) as error:
        model[10]
    with pytest.raises(IndexError) as expected:
        torch.nn.Sequential(torch.nn.ReLU())[10]
    assert str(error.value) == str(expected.value)


def test_module_list_and_dict_register_their_members() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    layers.append(nn.Linear(2, 1))
    layers += [nn.ReLU()]
    assert len(layers) == 4 and isinstance(layers[-1], nn.ReLU)
    assert len(list(layers.parameters())) == 6
    assert isinstance(layers[:2], nn.ModuleList) and len(layers[:2]) == 2
    first, last = layers[0], layers[-1]
    layers.insert(1, nn.Tanh())
    layers[0] = nn.Sigmoid()
    del layers[-1]
    assert [type(m).__name__ for m in layers] == ["Sigmoid", "Tanh", "Linear", "Linear"]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3"]
    assert layers.pop(0) is not first and last not in list(layers)
    table = nn.ModuleDict({"encoder": nn.Linear(3, 2)})
    table["decoder"] = nn.Linear(2, 3)
    assert list(table) == ["encoder", "decoder"] and "decoder" in table
    assert [n for n, _ in table.named_parameters()] == [
        "encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"]
    assert table.pop("encoder") is not None and list(table.keys()) == ["decoder"]


# ---------------------------------------------------------------- misuse


def _same_error(our_call, their_call) -> None:
    with pytest.raises(Exception) as expected:
        their_call()
    with pytest.raises(type(expected.value)) as error:
        our_call()
    message = str(error.value)
    assert message.startswith(torch_message(expected.value).rstrip("'\""))


@pytest.mark.parametrize("what", ["parameter", "module", "buffer", "register_parameter"])
def test_assigning_before_module_init_raises_torchs_error(what: str) -> None:
    def make(lib):
        class Broken(lib.nn.Module):
            def __init__(self) -> None:
                if what == "parameter":
                    self.weight = lib.nn.Parameter(lib.ones(1))
                elif what == "module":
                    self.fc = lib.nn.Linear(1, 1)
                elif what == "register_parameter":
                    self.register_parameter("weight", lib.nn.Parameter(lib.ones(1)))
                else:
                    self.register_buffer("stats", lib.zeros(1))
                super().__init__()

        return Broken()

    _same_error(lambda: make(teachgrad), lambda: make(torch))
    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        make(teachgrad)


def test_unknown_attribute_raises_attribute_error() -> None:
    _same_error(lambda: nn.Linear(2, 2).wieght, lambda: torch.nn.Linear(2, 2).wieght)
    assert not hasattr(nn.Linear(2, 2), "running_mean")
    assert nn.Linear(2, 2, bias=False).bias is None  # registered as None: no error


def test_bad_assignments_raise_torchs_errors() -> None:
    def assign_tensor_to_parameter(lib):
        layer = lib.nn.Linear(2, 2)
        layer.weight = lib.ones(2, 2)

    def register_non_leaf(lib):
        layer = lib.nn.Linear(2, 2)
        layer.register_parameter("w2", lib.nn.Parameter(lib.ones(1)) * 2)

    def bad_buffer_name(lib):
        lib.nn.Linear(2, 2).register_buffer("a.b", lib.zeros(1))

    def add_non_module(lib):
        lib.nn.Linear(2, 2).add_module("x", 3)

    for case in (assign_tensor_to_parameter, register_non_leaf, bad_buffer_name,
                 add_non_module):
        with pytest.raises(Exception) as expected:
            case(torch)
        with pytest.raises(type(expected.value)):
            case(teachgrad)


def test_missing_forward_raises_not_implemented() -> None:
    _same_error(lambda: nn.Module()(1), lambda: torch.nn.Module()(1))


def test_linear_input_shape_error_is_torchs() -> None:
    _same_error(lambda: nn.Linear(4, 5)(teachgrad.ones(2, 3)),
                lambda: torch.nn.Linear(4, 5)(torch.ones(2, 3)))
    _same_error(lambda: nn.Linear(4, 5)(teachgrad.ones(2, 7, 3)),
                lambda: torch.nn.Linear(4, 5)(torch.ones(2, 7, 3)))


def test_conv2d_input_shape_errors_are_torchs() -> None:
    _same_error(lambda: nn.Conv2d(1, 5, 3)(teachgrad.ones(2, 3, 8, 8)),
                lambda: torch.nn.Conv2d(1, 5, 3)(torch.ones(2, 3, 8, 8)))
    _same_error(lambda: nn.Conv2d(1, 5, 3)(teachgrad.ones(8, 8)),
                lambda: torch.nn.Conv2d(1, 5, 3)(torch.ones(8, 8)))
    _same_error(lambda: nn.Conv2d(1, 5, 3, padding="same", stride=2),
                lambda: torch.nn.Conv2d(1, 5, 3, padding="same", stride=2))
    _same_error(lambda: nn.Conv2d(3, 5, 3, groups=2), lambda: torch.nn.Conv2d(3, 5, 3, groups=2))


@pytest.mark.parametrize("layer, shape", [("BatchNorm1d", (3, 5)), ("BatchNorm1d", (3, 4, 5, 6)),
                                          ("BatchNorm2d", (3, 4)), ("BatchNorm1d", (1, 4))])
def test_batch_norm_input_errors_are_torchs(layer: str, shape: tuple) -> None:
    _same_error(lambda: getattr(nn, layer)(4)(teachgrad.ones(*shape)),
                lambda: getattr(torch.nn, layer)(4)(torch.ones(*shape)))
