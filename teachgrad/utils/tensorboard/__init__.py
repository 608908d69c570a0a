"""Logging to TensorBoard (torch.utils.tensorboard): SummaryWriter writes event files that
the `tensorboard` program plots.

Optional: it needs the `tensorboard` package (only that one, not TensorFlow), which
`pip install tensorboard` or the package's extra, `pip install -e ".[tensorboard]"`,
installs. Without it, importing this module fails at once, as torch's does, but with a
message that says what to install.

    from teachgrad.utils.tensorboard import SummaryWriter
    with SummaryWriter() as writer:          # runs/<date>_<host>/
        for step in range(100):
            writer.add_scalar("loss", 1 / (step + 1), step)

Then `tensorboard --logdir runs` shows the curves in a browser.
"""

try:
    import tensorboard  # only to know that it is there
except ImportError as error:
    raise ModuleNotFoundError(
        "teachgrad.utils.tensorboard needs the tensorboard package: run "
        "`pip install tensorboard` (or install teachgrad's extra: "
        "`pip install -e \".[tensorboard]\"`), then restart Python",
        name="tensorboard",
    ) from error

from teachgrad.utils.tensorboard.file_writer import FileWriter
from teachgrad.utils.tensorboard.writer import SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
