"""How a Module prints: its name, its extra_repr(), then its children, indented.

    Net(
      (fc1): Linear(in_features=4, out_features=8, bias=True)
      (act): ReLU()
    )

Each layer says what goes between its own parentheses by overriding extra_repr().
Module (teachgrad/nn/module.py) inherits these methods from ReprMixin.
"""

from __future__ import annotations


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (a child's repr nested inside its parent's)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class ReprMixin:
    """__repr__, extra_repr and _get_name, for Module."""

    _modules: dict

    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr; layers override it."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_addindent(repr(module), 2)}"
                       for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
