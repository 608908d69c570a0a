"""torch.backends.mps: Apple's GPU, which teachgrad does not run on."""


def is_available() -> bool:
    """False: teachgrad has no Metal (Apple GPU) backend; use "cpu" or "cuda"."""
    return False


def is_built() -> bool:
    """False: teachgrad was not built with Metal support."""
    return False
