"""teachgrad.nn: layers, losses and the Module system (torch.nn).

    import teachgrad.nn as nn
    import teachgrad.nn.functional as F
"""

from teachgrad.nn import functional, init
from teachgrad.nn.activation import (
    CELU,
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Tanh,
)
from teachgrad.nn.container import ModuleDict, ModuleList, Sequential
from teachgrad.nn.conv import Conv2d
from teachgrad.nn.dropout import Dropout
from teachgrad.nn.embedding import Embedding
from teachgrad.nn.flatten import Flatten
from teachgrad.nn.linear import Identity, Linear
from teachgrad.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
)
from teachgrad.nn.module import Module
from teachgrad.nn.more_functional import MODULES as _MORE_MODULES
from teachgrad.nn.normalization import BatchNorm1d, BatchNorm2d
from teachgrad.nn.parameter import Parameter
from teachgrad.nn.pooling import AvgPool2d, MaxPool2d

globals().update(_MORE_MODULES)

__all__ = [
    "CELU", "ELU", "SELU", "Hardsigmoid", "Hardswish", "Hardtanh", "LogSigmoid", "Mish",
    "ReLU6", "SiLU", "Softmin", "Softplus", "Softsign",
    "GELU", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d",
    "CrossEntropyLoss", "Dropout", "Embedding", "Flatten", "Identity", "L1Loss", "LeakyReLU",
    "Linear", "LogSoftmax", "MSELoss", "MaxPool2d", "Module", "ModuleDict", "ModuleList",
    "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "functional",
    "init", *_MORE_MODULES,
]
