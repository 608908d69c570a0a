"""teachgrad.utils: data loading (teachgrad.utils.data, like torch.utils.data)."""

from teachgrad.utils import data

__all__ = ["data"]
