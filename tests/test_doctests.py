"""The examples in the optimizers' and autograd's docstrings run and print what they show.

Each docstring documents an API the way torch's do, with an `Examples::` block of `>>>`
lines and their printed output. Here every block runs as a doctest; a listed docstring
without examples fails too, so examples cannot quietly disappear. The same examples,
with `teachgrad` read as `torch`, must print the same under torch (Lookahead has no
torch counterpart).
"""

from __future__ import annotations

import doctest
import importlib

import pytest

import teachgrad
from teachgrad.fast import reference_mode

# module -> the docstrings in it that must carry examples
DOCUMENTED = {
    "teachgrad.optim.optimizer": ["Optimizer.zero_grad", "Optimizer.step"],
    "teachgrad.optim.optimizer_groups": ["ParamGroups.add_param_group"],
    "teachgrad.optim.optimizer_state": ["OptimizerState.state_dict",
                                        "OptimizerState.load_state_dict"],
    "teachgrad.optim.sgd": ["SGD"],
    "teachgrad.optim.adam": ["Adam"],
    "teachgrad.optim.adamw": ["AdamW"],
    "teachgrad.optim.rmsprop": ["RMSprop"],
    "teachgrad.optim.adagrad": ["Adagrad"],
    "teachgrad.optim.lookahead": ["Lookahead"],
    "teachgrad.autograd.grad_mode": ["is_grad_enabled", "no_grad", "enable_grad",
                                     "set_grad_enabled"],
    # Node is the ctx that forward and backward receive.
    "teachgrad.autograd.function": ["Function", "Node.save_for_backward",
                                    "Node.saved_tensors"],
    "teachgrad.autograd.context_options": ["ContextOptions.mark_non_differentiable",
                                           "ContextOptions.set_materialize_grads"],
    "teachgrad.autograd.engine": ["backward"],
    "teachgrad.autograd.engine_grad": ["grad"],
    "teachgrad.autograd.functional": ["vjp", "jvp", "jacobian", "hessian"],
}
# API that has no docstring of its own, documented by another docstring's examples:
# docstring -> what its examples must use
USED_IN_EXAMPLES = {
    "teachgrad.autograd.function.Function": ["ctx.needs_input_grad"],
}
NOT_IN_TORCH = {"teachgrad.optim.lookahead.Lookahead"}


def doctests_of(module_name: str) -> dict[str, doctest.DocTest]:
    """The module's docstrings that hold examples, by qualified name."""
    module = importlib.import_module(module_name)
    # Found in the reference mode: the speed-ups that replace documented methods (the
    # fast save_for_backward, say) live in teachgrad/fast/ and carry no docstring.
    with reference_mode():
        tests = doctest.DocTestFinder().find(module)
    return {test.name: test for test in tests if test.examples}


def run(test: doctest.DocTest, lib=teachgrad) -> tuple[int, str]:
    """Run one docstring's examples: how many ran, and the report of what failed ('' if
    nothing did). lib is the library whose grad mode must be on again afterwards."""
    report: list[str] = []
    try:
        results = doctest.DocTestRunner(verbose=False).run(test, out=report.append)
        if not lib.is_grad_enabled():
            report.append(f"{test.name}: its examples leave grad mode off\n")
    finally:
        lib.set_grad_enabled(True)  # never leak a switched-off mode into other tests
    return results.attempted, "".join(report)


@pytest.mark.parametrize("module_name", sorted(DOCUMENTED))
def test_listed_docstrings_have_examples(module_name: str) -> None:
    found = doctests_of(module_name)
    missing = [name for name in DOCUMENTED[module_name]
               if f"{module_name}.{name}" not in found]
    assert not missing, f"{module_name}: no >>> examples in the docstring of {missing}"


@pytest.mark.parametrize("name", sorted(USED_IN_EXAMPLES))
def test_attributes_without_docstrings_are_in_examples(name: str) -> None:
    module_name = name.rsplit(".", 1)[0]
    test = doctests_of(module_name).get(name)
    assert test is not None, f"no >>> examples in the docstring of {name}"
    source = "".join(example.source for example in test.examples)
    missing = [used for used in USED_IN_EXAMPLES[name] if used not in source]
    assert not missing, f"the examples of {name} do not use {missing}"


@pytest.mark.parametrize("module_name", sorted(DOCUMENTED))
def test_examples_print_what_they_show(module_name: str) -> None:
    found = doctests_of(module_name)
    assert found, f"{module_name} has no doctest examples"
    reports = [run(test)[1] for test in found.values()]
    failures = [report for report in reports if report]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("module_name", sorted(DOCUMENTED))
def test_examples_print_the_same_under_torch(module_name: str) -> None:
    torch = pytest.importorskip("torch")
    parser = doctest.DocTestParser()
    tests = {name: test for name, test in doctests_of(module_name).items()
             if name not in NOT_IN_TORCH}
    if not tests:
        pytest.skip(f"{module_name} documents nothing that torch has")
    failures, attempted = [], 0
    for name, test in tests.items():
        text = test.docstring.replace("teachgrad", "torch")
        as_torch = parser.get_doctest(text, {}, f"{name} (as torch)", test.filename,
                                      test.lineno)
        count, report = run(as_torch, torch)
        attempted += count
        if report:
            failures.append(report)
    assert not failures, "\n".join(failures)
    assert attempted > 0, f"no example of {module_name} ran under torch"
