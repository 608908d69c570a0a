"""teachgrad.optim: optimizers and learning-rate schedules (torch.optim)."""

from teachgrad.optim import lr_scheduler
from teachgrad.optim.adagrad import Adagrad
from teachgrad.optim.adam import Adam
from teachgrad.optim.adamw import AdamW
from teachgrad.optim.lookahead import Lookahead
from teachgrad.optim.optimizer import Optimizer
from teachgrad.optim.rmsprop import RMSprop
from teachgrad.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Lookahead", "Optimizer", "RMSprop",
           "lr_scheduler"]
