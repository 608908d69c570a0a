"""torch.autograd.profiler's names for teachgrad's profiler (teachgrad/profiler.py)."""

from teachgrad.profiler import EventList, FunctionEventAvg, profile, record_function

__all__ = ["EventList", "FunctionEventAvg", "profile", "record_function"]
