"""An optimizer's state_dict and load_state_dict: saving and resuming training.

Optimizer inherits these. In a saved state, each parameter is named by its position
across the parameter groups (0, 1, ...), not by the tensor, so the state can be
loaded into an optimizer over a new model's parameters.
"""

from __future__ import annotations

from collections import defaultdict
from copy import deepcopy
from typing import Any

from teachgrad.tensor import Tensor


class OptimizerState:
    state: defaultdict
    param_groups: list[dict[str, Any]]

    def state_dict(self) -> dict[str, Any]:
        """{"state": per-parameter state, "param_groups": hyper-parameters}, with parameters
        replaced by their position (0, 1, ...) so that it can be loaded into a new model.

        Examples::

            >>> import teachgrad
            >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
            >>> opt = teachgrad.optim.SGD([p], lr=0.1, momentum=0.9)
            >>> p.grad = teachgrad.tensor([1.0, -2.0])
            >>> opt.step()
            >>> saved = opt.state_dict()
            >>> saved["state"]
            {0: {'momentum_buffer': tensor([ 1., -2.])}}
            >>> saved["param_groups"][0]["params"]
            [0]
        """
        index_of = param_indices(self.param_groups)
        groups = [{**{key: value for key, value in group.items() if key != "params"},
                   "params": [index_of[id(p)] for p in group["params"]]}
                  for group in self.param_groups]
        state = {index_of[id(param)]: value for param, value in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by state_dict(): the i-th parameter
        here takes the state saved for the i-th one there.

        Examples::

            >>> import teachgrad
            >>> p = teachgrad.tensor([1.0, 2.0], requires_grad=True)
            >>> opt = teachgrad.optim.SGD([p], lr=0.1, momentum=0.9)
            >>> p.grad = teachgrad.tensor([1.0, -2.0])
            >>> opt.step()
            >>> q = teachgrad.tensor([1.0, 2.0], requires_grad=True)
            >>> resumed = teachgrad.optim.SGD([q], lr=0.5)
            >>> resumed.load_state_dict(opt.state_dict())
            >>> resumed.param_groups[0]["lr"], resumed.param_groups[0]["momentum"]
            (0.1, 0.9)
            >>> resumed.state[q]["momentum_buffer"]
            tensor([ 1., -2.])
        """
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups (it has "
                f"{len(saved_groups)}, this optimizer {len(self.param_groups)})"
            )
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    "of optimizer's group. Build the optimizer over the same parameters, in the "
                    "same order, as the one that was saved."
                )
        param_of = {index: param for group, saved in zip(self.param_groups, saved_groups)
                    for index, param in zip(saved["params"], group["params"])}
        state: defaultdict = defaultdict(dict)
        for index, values in state_dict["state"].items():
            if index in param_of:
                param = param_of[index]
                state[param] = {key: _like_param(param, key, value)
                                for key, value in values.items()}
            else:
                state[index] = values
        self.state = state
        self.param_groups = [{**saved, "params": group["params"]}
                             for group, saved in zip(self.param_groups, saved_groups)]


def param_indices(param_groups: list[dict[str, Any]]) -> dict[int, int]:
    """Each parameter's position (by id) across all groups: how a state_dict names it."""
    index_of: dict[int, int] = {}
    for group in param_groups:
        for param in group["params"]:
            index_of.setdefault(id(param), len(index_of))
    return index_of


def _like_param(param: Tensor, key: str, value: Any) -> Any:
    """A loaded state tensor moved to its parameter's device (and float dtype), as torch does;
    the step counter stays as it was saved."""
    if not isinstance(value, Tensor) or key == "step":
        return value
    if value.is_floating_point():
        return value.to(param.device, param.dtype)
    return value.to(param.device)
