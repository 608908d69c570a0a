"""einsum: sums of products named by subscripts ('ij,jk->ik' is a matrix product).

Why it is built from recorded ops (diagonal, permute, unsqueeze, sum, mul, bmm,
reshape) rather than as one Function around np.einsum with a backward of einsums:
  - every gradient, second derivatives included, comes from ops already checked
    against torch, with nothing new to get wrong;
  - it is torch's own algorithm, so the work lands in one batched matrix product (fast
    on both devices) and grad_fn shows the same kinds of nodes torch shows;
  - one code path for NumPy and CuPy, with no einsum-path tuning to keep in step.

The steps, for each operand: a repeated subscript ('ii') takes a diagonal; the dims
are permuted into one common order (output subscripts first, then the summed ones)
and missing ones get size 1. Then the operands are multiplied pairwise, left to
right; a subscript that no later operand uses is summed as part of that product (by
bmm when both sides have it). Broadcasting ('...', and dims of size 1) falls out of
the size-1 dims.
"""

from __future__ import annotations

from typing import Any

from teachgrad.ops.diagonals import diagonal
from teachgrad.ops.matrix_products import bmm
from teachgrad.ops.reductions import sum as reduce_sum
from teachgrad.ops.views import permute, reshape, unsqueeze
from teachgrad.tensor import Tensor

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
ELLIPSIS = "..."


def _terms(equation: str, count: int) -> tuple[list[list[str]], list[str] | None]:
    """Each input's subscripts ('...' as one item) and the output's (None: implicit)."""
    text = equation.replace(" ", "")
    inputs_text, arrow, output_text = text.partition("->")
    parts = inputs_text.split(",")
    if len(parts) < count:
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                         "equation")
    if len(parts) > count:
        raise RuntimeError("einsum(): fewer operands were provided than specified in the "
                         "equation")
    offset = 0
    terms = []
    for part in parts:
        terms.append(_subscripts(part, equation, offset))
        offset += len(part) + 1
    output = _subscripts(output_text, equation, len(inputs_text) + 2) if arrow else None
    return terms, output


def _subscripts(text: str, equation: str, offset: int) -> list[str]:
    items, at = [], 0
    while at < len(text):
        if text.startswith(ELLIPSIS, at):
            if ELLIPSIS in items:
                raise RuntimeError("einsum(): found '.' for operand that is not part of any "
                                   "ellipsis, or more than one ellipsis in one operand")
            items.append(ELLIPSIS)
            at += 3
            continue
        if text[at] not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {offset + at} in "
                               f"the equation string, subscripts must be in [a-zA-Z]")
        items.append(text[at])
        at += 1
    return items


def _expand_ellipsis(term: list[str], ndim: int, index: int) -> list[str]:
    """'...' replaced by one name per dim it covers, aligned from the right ('.2' is the
    last such dim of every operand, so they broadcast as NumPy does)."""
    letters = [item for item in term if item != ELLIPSIS]
    if ELLIPSIS not in term:
        if len(letters) != ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(letters)}) does not "
                f"match the number of dimensions ({ndim}) for operand {index} and no ellipsis "
                "was given")
        return letters
    covered = ndim - len(letters)
    if covered < 0:
        raise RuntimeError(
            f"einsum(): the number of subscripts in the equation ({len(letters)}) is more "
            f"than the number of dimensions ({ndim}) for operand {index}")
    at = term.index(ELLIPSIS)
    return letters[:at] + [f".{k}" for k in range(covered)] + letters[at:]


def _output_labels(terms: list[list[str]], output: list[str] | None,
                   ellipsis_dims: list[str]) -> list[str]:
    seen = [label for term in terms for label in term if not label.startswith(".")]
    if output is None:  # implicit: '...' first, then letters used once, sorted
        once = sorted({label for label in seen if seen.count(label) == 1})
        return ellipsis_dims + once
    labels: list[str] = []
    for item in output:
        if item == ELLIPSIS:
            labels.extend(ellipsis_dims)
            continue
        if item in labels:
            raise RuntimeError(f"einsum(): output subscript {item} appears more than once in "
                               "the output")
        if item not in seen:
            raise RuntimeError(f"einsum(): output subscript {item} does not appear in the "
                               "equation for any input operand")
        labels.append(item)
    return labels


def _take_diagonals(operand: Tensor, labels: list[str], index: int
                    ) -> tuple[Tensor, list[str]]:
    """A subscript repeated in one operand ('ii') reads only that operand's diagonal."""
    labels = list(labels)
    for label in set(labels):
        sizes = [size for item, size in zip(labels, operand.shape) if item == label]
        if any(size != sizes[0] for size in sizes):
            raise RuntimeError(f"einsum(): subscript {label} is repeated for operand {index} "
                               f"but the sizes don't match, {sizes[1]} != {sizes[0]}")
    for label in dict.fromkeys(labels):
        while labels.count(label) > 1:
            first = labels.index(label)
            second = labels.index(label, first + 1)
            operand = diagonal(operand, 0, first, second)
            labels = [x for k, x in enumerate(labels) if k not in (first, second)] + [label]
    return operand, labels


def _aligned(operand: Tensor, labels: list[str], order: list[str]) -> Tensor:
    """operand's dims permuted into `order`, with size-1 dims for labels it lacks."""
    present = [label for label in order if label in labels]
    # permuted even when the order is already right, as torch does (its grad_fn shows it)
    operand = permute(operand, [labels.index(label) for label in present])
    for position, label in enumerate(order):
        if label not in labels:
            operand = unsqueeze(operand, position)
    return operand


def _check_sizes(operands: list[Tensor], order: list[str]) -> None:
    seen: dict[int, int] = {}
    for index, operand in enumerate(operands):
        for dim, size in enumerate(operand.shape):
            if size == 1:
                continue
            if dim in seen and seen[dim] != size:
                raise RuntimeError(
                    f"einsum(): subscript {order[dim]} has size {size} for operand {index} "
                    f"which does not broadcast with previously seen size {seen[dim]}")
            seen[dim] = size


def _sum_product(left: Tensor, right: Tensor, summed: list[int]) -> Tensor:
    """sum over dims `summed` of left * right (same ndim, size-1 dims broadcast);
    summed dims are kept with size 1."""
    for dim in summed:  # a dim only one side has: sum that side alone first
        if left.shape[dim] == 1 and right.shape[dim] != 1:
            right = reduce_sum(right, dim, keepdim=True)
        elif right.shape[dim] == 1 and left.shape[dim] != 1:
            left = reduce_sum(left, dim, keepdim=True)
    both = [d for d in summed if left.shape[d] != 1]
    if not both:
        return left * right
    ndim = len(left.shape)
    batch = [d for d in range(ndim) if d not in both and left.shape[d] != 1
             and right.shape[d] != 1]
    left_only = [d for d in range(ndim) if d not in both and left.shape[d] != 1
                 and right.shape[d] == 1]
    right_only = [d for d in range(ndim) if d not in both and right.shape[d] != 1
                  and left.shape[d] == 1]
    ones = [d for d in range(ndim) if d not in both + batch + left_only + right_only]

    def size(tensor: Tensor, dims: list[int]) -> int:
        total = 1
        for d in dims:
            total *= tensor.shape[d]
        return total

    lhs = reshape(permute(left, batch + left_only + both + right_only + ones),
                  (size(left, batch), size(left, left_only), size(left, both)))
    rhs = reshape(permute(right, batch + both + right_only + left_only + ones),
                  (size(right, batch), size(right, both), size(right, right_only)))
    product = bmm(lhs, rhs)
    layout = batch + left_only + right_only + both + ones
    sizes = [left.shape[d] for d in batch + left_only] + \
        [right.shape[d] for d in right_only] + [1] * len(both + ones)
    product = reshape(product, sizes)
    inverse = [layout.index(d) for d in range(ndim)]
    return permute(product, inverse) if inverse != list(range(ndim)) else product


def _from_sublists(arguments: tuple) -> tuple[str, tuple]:
    """einsum(a, [0, 1], b, [1, 2], [0, 2]): the sublist form, as an equation. Numbers
    0-25 stand for a-z, 26-51 for A-Z, Ellipsis for '...'."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def term(sublist: Any) -> str:
        text = ""
        for item in sublist:
            if item is Ellipsis:
                text += ELLIPSIS
            elif not 0 <= int(item) < len(letters):
                raise ValueError("einsum(): subscript in subscript list is not within the "
                                 "valid range [0, 52)")
            else:
                text += letters[int(item)]
        return text

    pairs = arguments[:len(arguments) - len(arguments) % 2]  # an odd one out: the output
    operands = pairs[0::2]
    equation = ",".join(term(sublist) for sublist in pairs[1::2])
    if len(arguments) % 2:
        equation += "->" + term(arguments[-1])
    return equation, tuple(operands)


def einsum(*arguments: Any) -> Tensor:
    """torch.einsum(equation, *operands), with the operands in one list, or in the
    sublist form einsum(a, [0, 1], b, [1, 2], [0, 2])."""
    if arguments and isinstance(arguments[0], Tensor):
        equation, operands = _from_sublists(arguments)
    else:
        equation, operands = arguments[0], arguments[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, output = _terms(equation, len(operands))
    terms = [_expand_ellipsis(term, operand._array.ndim, index)
             for index, (term, operand) in enumerate(zip(terms, operands))]
    widest = max((sum(label.startswith(".") for label in term) for term in terms), default=0)
    ellipsis_dims = [f".{k}" for k in range(widest)]
    terms = [[f".{widest - sum(x.startswith('.') for x in term) + int(x[1:])}"
              if x.startswith(".") else x for x in term] for term in terms]
    out_labels = _output_labels(terms, output, ellipsis_dims)
    summed_labels = list(dict.fromkeys(label for term in terms for label in term
                                       if label not in out_labels))
    order = out_labels + summed_labels
    aligned = []
    for index, (operand, labels) in enumerate(zip(operands, terms)):
        operand, labels = _take_diagonals(operand, labels, index)
        aligned.append(_aligned(operand, labels, order))
    _check_sizes(aligned, order)
    first_summed = len(out_labels)
    if len(aligned) == 1:
        result = aligned[0]
        dims = list(range(first_summed, len(order)))
        return reduce_sum(result, tuple(dims)) if dims else result
    result = aligned[0]
    for position in range(1, len(aligned)):
        later = aligned[position + 1:]
        summed = [d for d in range(first_summed, len(order))
                  if all(other.shape[d] == 1 for other in later)
                  and (result.shape[d] != 1 or aligned[position].shape[d] != 1)]
        result = _sum_product(result, aligned[position], summed)
    if len(order) > first_summed:
        result = reshape(result, tuple(result.shape)[:first_summed])
    return result
