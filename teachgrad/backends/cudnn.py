"""torch.backends.cudnn: NVIDIA's cuDNN library, which teachgrad does not use.

The three switches scripts set are plain module settings here: setting them is allowed
and changes nothing, because teachgrad's convolutions never call cuDNN.
"""

benchmark = False
deterministic = False
enabled = True


def is_available() -> bool:
    """False: teachgrad's GPU path is CuPy, without cuDNN."""
    return False


def version() -> None:
    """None, as torch answers where cuDNN is not available."""
    return None
