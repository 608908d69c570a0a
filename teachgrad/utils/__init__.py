"""teachgrad.utils: data loading (teachgrad.utils.data, like torch.utils.data; its samplers
in teachgrad.utils.sampler, like torch.utils.data.sampler)."""

from teachgrad.utils import data

__all__ = ["data"]
