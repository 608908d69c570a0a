"""Where the indexing and shaping breadth of torch's API is registered.

The ops live in modules by concept beside this one (off the reading path). Listed here
once, they become Tensor methods (methods.attach adds TENSOR_METHODS) and top-level
functions (teachgrad/__init__.py adds FUNCTIONS), so each op is written exactly once.
Each name is listed where torch has it: x.unfold is a method only, einsum and meshgrid
are functions only, the in-place forms (trailing _) are methods only.
"""

from __future__ import annotations

from typing import Any

from teachgrad.ops import (
    cross,
    diagonals,
    einsum,
    grids,
    index_put,
    index_select,
    masks,
    rearrange,
    repeats,
    scatter,
    scatter_reduce,
    stacking,
    triangular,
    unique,
    windows,
)

# Both a Tensor method and a top-level function in torch.
_BOTH: dict[str, Any] = {
    "scatter": scatter.scatter, "scatter_add": scatter.scatter_add,
    "scatter_reduce": scatter_reduce.scatter_reduce,
    "index_add": index_select.index_add, "index_select": index_select.index_select,
    "masked_select": masks.masked_select, "masked_scatter": masks.masked_scatter,
    "nonzero": masks.nonzero, "argwhere": masks.argwhere,
    "unique": unique.unique, "unique_consecutive": unique.unique_consecutive,
    "tril": triangular.tril, "triu": triangular.triu,
    "diag": diagonals.diag, "diagonal": diagonals.diagonal,
    "diag_embed": diagonals.diag_embed, "trace": diagonals.trace,
    "repeat_interleave": repeats.repeat_interleave,
    "cross": cross.cross,
    "index_fill": index_select.index_fill, "index_copy": index_select.index_copy,
    "take_along_dim": index_select.take_along_dim, "take": index_select.take,
    "index_put": index_put.index_put,
    "movedim": rearrange.movedim, "moveaxis": rearrange.moveaxis,
    "swapdims": rearrange.swapdims, "ravel": rearrange.ravel, "rot90": rearrange.rot90,
    "tensor_split": stacking.tensor_split, "hsplit": stacking.hsplit,
    "vsplit": stacking.vsplit, "dsplit": stacking.dsplit,
}

TENSOR_METHODS: dict[str, Any] = {
    **_BOTH,
    "unfold": windows.unfold,
    "scatter_": scatter.scatter_, "scatter_add_": scatter.scatter_add_,
    "scatter_reduce_": scatter_reduce.scatter_reduce_, "index_add_": index_select.index_add_,
    "tril_": triangular.tril_, "triu_": triangular.triu_,
    "masked_scatter_": masks.masked_scatter_,
    "index_fill_": index_select.index_fill_, "index_copy_": index_select.index_copy_,
    "fill_diagonal_": diagonals.fill_diagonal_, "index_put_": index_put.index_put_,
}

FUNCTIONS: dict[str, Any] = {
    **_BOTH,
    "einsum": einsum.einsum, "meshgrid": grids.meshgrid,
    "tril_indices": triangular.tril_indices, "triu_indices": triangular.triu_indices,
    "atleast_1d": stacking.atleast_1d, "atleast_2d": stacking.atleast_2d,
    "atleast_3d": stacking.atleast_3d, "hstack": stacking.hstack, "vstack": stacking.vstack,
    "row_stack": stacking.row_stack, "dstack": stacking.dstack,
    "column_stack": stacking.column_stack,
}
