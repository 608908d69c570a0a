"""'What is torch.nn really?', on the 8x8 digits instead of MNIST.

The tutorial starts from a model written with bare tensors and replaces one piece at
a time with what torch.nn, torch.optim and torch.utils.data offer, checking at each
step that training still works. The steps are kept, in order, each a function that
prints the losses and accuracies. The images are 8x8 here (MNIST's are 28x28), so
784 becomes 64, and the CNN's last stride-2 convolution keeps a 2x2 map to pool.
The convolutional nets train for one epoch (cnn_epochs), to keep the test quick.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tutorials import digits

bs = 64  # batch size
lr = 0.5  # learning rate
epochs = 2
cnn_epochs = 1


def load(torch: Any) -> tuple[Any, Any, Any, Any]:
    return tuple(map(torch.tensor, digits.arrays()))


def from_scratch(torch: Any) -> None:
    """Weights, log_softmax, negative log-likelihood and the update, all by hand."""
    x_train, y_train, x_valid, y_valid = load(torch)
    n, c = x_train.shape
    print(x_train, y_train)
    print(x_train.shape)
    print(y_train.min(), y_train.max())

    weights = torch.randn(64, 10) / math.sqrt(64)  # Xavier initialisation
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)

    def log_softmax(x: Any) -> Any:
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb: Any) -> Any:
        return log_softmax(xb @ weights + bias)

    xb = x_train[0:bs]
    preds = model(xb)
    print(preds[0], preds.shape)

    def nll(input: Any, target: Any) -> Any:
        return -input[range(target.shape[0]), target].mean()

    loss_func = nll
    yb = y_train[0:bs]
    print(loss_func(preds, yb))

    def accuracy(out: Any, yb: Any) -> Any:
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    print(accuracy(preds, yb))
    for _ in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)
            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    print(loss_func(model(xb), yb), accuracy(model(xb), yb))

    # Step 1: F.cross_entropy is log_softmax and nll in one, so the model drops its own.
    F = torch.nn.functional  # noqa: N806 - as the tutorial imports it
    loss_func = F.cross_entropy

    def linear_model(xb: Any) -> Any:
        return xb @ weights + bias

    print(loss_func(linear_model(xb), yb), accuracy(linear_model(xb), yb))


def _accuracy(torch: Any, out: Any, yb: Any) -> Any:
    return (torch.argmax(out, dim=1) == yb).float().mean()


def logistic_module(torch: Any) -> type:
    nn = torch.nn

    class Mnist_Logistic(nn.Module):
        """The same model, its weights and bias registered as Parameters."""

        def __init__(self) -> None:
            super().__init__()
            self.weights = nn.Parameter(torch.randn(64, 10) / math.sqrt(64))
            self.bias = nn.Parameter(torch.zeros(10))

        def forward(self, xb: Any) -> Any:
            return xb @ self.weights + self.bias

    return Mnist_Logistic


def linear_module(torch: Any) -> type:
    nn = torch.nn

    class Mnist_Logistic(nn.Module):
        """The same model again, with nn.Linear holding weights and bias."""

        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(64, 10)

        def forward(self, xb: Any) -> Any:
            return self.lin(xb)

    return Mnist_Logistic


def refactor_with_modules(torch: Any) -> None:
    """nn.Module with Parameters, then nn.Linear, then torch.optim: the loop gets shorter."""
    x_train, y_train, _, _ = load(torch)
    n = x_train.shape[0]
    loss_func = torch.nn.functional.cross_entropy
    xb, yb = x_train[0:bs], y_train[0:bs]

    def fit(model: Any) -> None:
        for _ in range(epochs):
            for i in range((n - 1) // bs + 1):
                start_i = i * bs
                end_i = start_i + bs
                xb = x_train[start_i:end_i]
                yb = y_train[start_i:end_i]
                pred = model(xb)
                loss = loss_func(pred, yb)
                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= p.grad * lr
                    model.zero_grad()

    for make in (logistic_module(torch), linear_module(torch)):
        model = make()
        print(loss_func(model(xb), yb))
        fit(model)
        print(loss_func(model(xb), yb), _accuracy(torch, model(xb), yb))

    def get_model() -> tuple[Any, Any]:
        model = linear_module(torch)()
        return model, torch.optim.SGD(model.parameters(), lr=lr)

    model, opt = get_model()
    print(loss_func(model(xb), yb))
    for _ in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))


def datasets_and_validation(torch: Any) -> None:
    """TensorDataset (sliced), DataLoader, then a validation set checked every epoch."""
    TensorDataset = torch.utils.data.TensorDataset  # noqa: N806
    DataLoader = torch.utils.data.DataLoader  # noqa: N806
    x_train, y_train, x_valid, y_valid = load(torch)
    n = x_train.shape[0]
    loss_func = torch.nn.functional.cross_entropy

    def get_model() -> tuple[Any, Any]:
        model = linear_module(torch)()
        return model, torch.optim.SGD(model.parameters(), lr=lr)

    train_ds = TensorDataset(x_train, y_train)
    model, opt = get_model()
    for _ in range(epochs):
        for i in range((n - 1) // bs + 1):
            xb, yb = train_ds[i * bs: i * bs + bs]
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))

    train_dl = DataLoader(train_ds, batch_size=bs)
    model, opt = get_model()
    for _ in range(epochs):
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
    print(loss_func(model(xb), yb))

    train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)
    valid_ds = TensorDataset(x_valid, y_valid)
    valid_dl = DataLoader(valid_ds, batch_size=bs * 2)
    model, opt = get_model()
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)
        print(epoch, valid_loss / len(valid_dl))


def loss_batch(model: Any, loss_func: Any, xb: Any, yb: Any, opt: Any = None) -> tuple:
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(torch: Any, epochs: int, model: Any, loss_func: Any, opt: Any, train_dl: Any,
        valid_dl: Any) -> None:
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
        print(epoch, val_loss)


def get_data(torch: Any, train_ds: Any, valid_ds: Any, bs: int) -> tuple[Any, Any]:
    DataLoader = torch.utils.data.DataLoader  # noqa: N806
    return (DataLoader(train_ds, batch_size=bs, shuffle=True),
            DataLoader(valid_ds, batch_size=bs * 2))


def cnn_module(torch: Any) -> type:
    nn = torch.nn
    F = torch.nn.functional  # noqa: N806

    class Mnist_CNN(nn.Module):
        """Three convolutions, each followed by ReLU, then an average over the last map."""

        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=1, padding=1)

        def forward(self, xb: Any) -> Any:
            xb = xb.view(-1, 1, 8, 8)
            xb = F.relu(self.conv1(xb))
            xb = F.relu(self.conv2(xb))
            xb = F.relu(self.conv3(xb))
            xb = F.avg_pool2d(xb, 2)
            return xb.view(-1, xb.size(1))

    return Mnist_CNN


def lambda_layer(torch: Any) -> type:
    class Lambda(torch.nn.Module):
        """A layer that applies a function: lets Sequential hold a reshape."""

        def __init__(self, func: Any) -> None:
            super().__init__()
            self.func = func

        def forward(self, x: Any) -> Any:
            return self.func(x)

    return Lambda


class WrappedDataLoader:
    """A DataLoader whose batches pass through `func` (reshaping, moving to a device)."""

    def __init__(self, dl: Any, func: Any) -> None:
        self.dl = dl
        self.func = func

    def __len__(self) -> int:
        return len(self.dl)

    def __iter__(self) -> Any:
        for b in self.dl:
            yield self.func(*b)


def fit_and_cnn(torch: Any) -> None:
    """fit/get_data/loss_batch, then a CNN, a Sequential with Lambda, a wrapped loader."""
    nn, optim = torch.nn, torch.optim
    x_train, y_train, x_valid, y_valid = load(torch)
    train_ds = torch.utils.data.TensorDataset(x_train, y_train)
    valid_ds = torch.utils.data.TensorDataset(x_valid, y_valid)
    loss_func = torch.nn.functional.cross_entropy

    train_dl, valid_dl = get_data(torch, train_ds, valid_ds, bs)
    model = linear_module(torch)()
    fit(torch, epochs, model, loss_func, optim.SGD(model.parameters(), lr=lr), train_dl,
        valid_dl)

    model = cnn_module(torch)()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    fit(torch, cnn_epochs, model, loss_func, opt, train_dl, valid_dl)

    Lambda = lambda_layer(torch)  # noqa: N806

    def preprocess(x: Any) -> Any:
        return x.view(-1, 1, 8, 8)

    model = nn.Sequential(
        Lambda(preprocess),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.AvgPool2d(2),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    fit(torch, cnn_epochs, model, loss_func, opt, train_dl, valid_dl)

    dev = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")

    def preprocess_batch(x: Any, y: Any) -> tuple[Any, Any]:
        return x.view(-1, 1, 8, 8).to(dev), y.to(dev)

    train_dl, valid_dl = get_data(torch, train_ds, valid_ds, bs)
    train_dl = WrappedDataLoader(train_dl, preprocess_batch)
    valid_dl = WrappedDataLoader(valid_dl, preprocess_batch)
    model = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    model.to(dev)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    fit(torch, cnn_epochs, model, loss_func, opt, train_dl, valid_dl)
    print(model)


SCRIPTS = [from_scratch, refactor_with_modules, datasets_and_validation, fit_and_cnn]
