"""torch.backends, as far as code written for torch asks it: which accelerators exist.

Public training scripts pick their device with

    device = "cuda" if torch.cuda.is_available() else \\
             "mps" if torch.backends.mps.is_available() else "cpu"

teachgrad runs on NumPy (the CPU) or CuPy (an NVIDIA GPU); it has no Apple GPU (mps)
and no cuDNN, so both answer False, and such code picks the CPU or CUDA as it should.
cudnn's switches (`benchmark`, `deterministic`, `enabled`) are kept as plain settings
so that scripts that set them run; teachgrad's results do not depend on them.
"""

from teachgrad.backends import cudnn, mps

__all__ = ["cudnn", "mps"]
