"""The 'Learn the Basics' series, without torchvision.

Tensors; Datasets & DataLoaders (a custom Dataset over in-memory images, with a
one-hot target transform); building a model (Flatten, Sequential, Softmax);
automatic differentiation; the optimization loop; saving and loading. The tutorial
trains on FashionMNIST (28x28) from torchvision: here the 8x8 digits (tutorials.digits)
stand in, with the network's widths scaled down to match.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import numpy as np

from tutorials import digits


def pick_device(torch: Any) -> str:
    if torch.accelerator.is_available():
        return torch.accelerator.current_accelerator().type
    return "cpu"


def tensors(torch: Any) -> None:
    """Initializing, attributes, indexing, joining, arithmetic, in-place ops, NumPy."""
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    print(x_np)
    x_ones = torch.ones_like(x_data)
    print(f"Ones Tensor: \n {x_ones} \n")
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    print(f"Random Tensor: \n {x_rand} \n")
    shape = (2, 3,)
    rand_tensor = torch.rand(shape)
    ones_tensor = torch.ones(shape)
    zeros_tensor = torch.zeros(shape)
    print(f"Random Tensor: \n {rand_tensor} \n")
    print(f"Ones Tensor: \n {ones_tensor} \n")
    print(f"Zeros Tensor: \n {zeros_tensor}")

    tensor = torch.rand(3, 4)
    print(f"Shape of tensor: {tensor.shape}")
    print(f"Datatype of tensor: {tensor.dtype}")
    print(f"Device tensor is stored on: {tensor.device}")
    if torch.accelerator.is_available():
        tensor = tensor.to(torch.accelerator.current_accelerator())

    tensor = torch.ones(4, 4)
    print(f"First row: {tensor[0]}")
    print(f"First column: {tensor[:, 0]}")
    print(f"Last column: {tensor[..., -1]}")
    tensor[:, 1] = 0
    print(tensor)
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    print(t1)

    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    print(y1, y2, y3)
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    print(z1, z2, z3)
    agg = tensor.sum()
    agg_item = agg.item()
    print(agg_item, type(agg_item))
    print(f"{tensor} \n")
    tensor.add_(5)
    print(tensor)

    t = torch.ones(5)
    print(f"t: {t}")
    n = t.numpy()
    print(f"n: {n}")
    t.add_(1)
    print(f"t: {t}")
    print(f"n: {n}")
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"t: {t}")
    print(f"n: {n}")


def image_dataset(torch: Any) -> type:
    class CustomImageDataset(torch.utils.data.Dataset):
        """Images and labels held in memory (the tutorial reads files named in a CSV)."""

        def __init__(self, images: np.ndarray, labels: np.ndarray, transform: Any = None,
                     target_transform: Any = None) -> None:
            self.images = images
            self.labels = labels
            self.transform = transform
            self.target_transform = target_transform

        def __len__(self) -> int:
            return len(self.labels)

        def __getitem__(self, idx: int) -> tuple[Any, Any]:
            image = self.images[idx].reshape(1, digits.SIDE, digits.SIDE)
            label = int(self.labels[idx])
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label

    return CustomImageDataset


def datasets_and_dataloaders(torch: Any) -> None:
    """A custom Dataset, a one-hot target transform, batches from a shuffling DataLoader."""
    x_train, y_train, _, _ = digits.arrays()
    labels_map = {k: str(k) for k in range(10)}
    training_data = image_dataset(torch)(x_train, y_train, transform=torch.from_numpy)
    print(len(training_data))
    for i in range(3):
        img, label = training_data[i * 100]
        print(labels_map[label], img.shape, img.squeeze().sum().item())

    train_dataloader = torch.utils.data.DataLoader(training_data, batch_size=64, shuffle=True)
    train_features, train_labels = next(iter(train_dataloader))
    print(f"Feature batch shape: {train_features.size()}")
    print(f"Labels batch shape: {train_labels.size()}")
    img = train_features[0].squeeze()
    label = train_labels[0]
    print(img.shape, f"Label: {label}")

    # ToTensor's part is from_numpy above; Lambda's is this one-hot encoding.
    def target_transform(y: int) -> Any:
        return torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)

    one_hot = image_dataset(torch)(x_train, y_train, transform=torch.from_numpy,
                                   target_transform=target_transform)
    print(one_hot[0][1], y_train[0])
    batch = next(iter(torch.utils.data.DataLoader(one_hot, batch_size=4)))
    print(batch[1])


def neural_network(torch: Any) -> type:
    nn = torch.nn

    class NeuralNetwork(nn.Module):
        """Flatten, then Linear-ReLU-Linear-ReLU-Linear (the tutorial's 512 wide; here 64)."""

        def __init__(self) -> None:
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(digits.SIDE * digits.SIDE, 64),
                nn.ReLU(),
                nn.Linear(64, 64),
                nn.ReLU(),
                nn.Linear(64, 10),
            )

        def forward(self, x: Any) -> Any:
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    return NeuralNetwork


def build_model(torch: Any) -> None:
    """The model, its prediction, then each layer on its own, and its parameters."""
    nn = torch.nn
    device = pick_device(torch)
    print(f"Using {device} device")
    model = neural_network(torch)().to(device)
    print(model)
    X = torch.rand(1, 8, 8, device=device)  # noqa: N806 - the tutorial's name
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    print(f"Predicted class: {y_pred}")

    input_image = torch.rand(3, 8, 8)
    print(input_image.size())
    flatten = nn.Flatten()
    flat_image = flatten(input_image)
    print(flat_image.size())
    layer1 = nn.Linear(in_features=8 * 8, out_features=20)
    hidden1 = layer1(flat_image)
    print(hidden1.size())
    print(f"Before ReLU: {hidden1}\n\n")
    hidden1 = nn.ReLU()(hidden1)
    print(f"After ReLU: {hidden1}")
    seq_modules = nn.Sequential(flatten, layer1, nn.ReLU(), nn.Linear(20, 10))
    input_image = torch.rand(3, 8, 8)
    logits = seq_modules(input_image)
    softmax = nn.Softmax(dim=1)
    pred_probab = softmax(logits)
    print(pred_probab)
    print(f"Model structure: {model}\n\n")
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")


def automatic_differentiation(torch: Any) -> None:
    """A one-layer net's gradients, grad_fn, stopping tracking, and backward(v) on a Jacobian."""
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    print(f"Gradient function for z = {z.grad_fn}")
    print(f"Gradient function for loss = {loss.grad_fn}")
    loss.backward()
    print(w.grad)
    print(b.grad)

    z = torch.matmul(x, w) + b
    print(z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad)
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    print(z_det.requires_grad)

    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"First call\n{inp.grad}")
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nSecond call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"\nCall after zeroing gradients\n{inp.grad}")


def _loaders(torch: Any, batch_size: int) -> tuple[Any, Any]:
    x_train, y_train, x_test, y_test = digits.arrays()
    dataset = image_dataset(torch)
    training_data = dataset(x_train, y_train, transform=torch.from_numpy)
    test_data = dataset(x_test, y_test, transform=torch.from_numpy)
    return (torch.utils.data.DataLoader(training_data, batch_size=batch_size, shuffle=True),
            torch.utils.data.DataLoader(test_data, batch_size=batch_size))


def optimization(torch: Any) -> None:
    """train_loop and test_loop, epoch by epoch, with CrossEntropyLoss and SGD."""
    learning_rate = 1e-1
    batch_size = 64
    epochs = 3
    train_dataloader, test_dataloader = _loaders(torch, batch_size)
    model = neural_network(torch)()
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

    def train_loop(dataloader: Any, model: Any, loss_fn: Any, optimizer: Any) -> None:
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):  # noqa: N806
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if batch % 10 == 0:
                loss, current = loss.item(), batch * batch_size + len(X)
                print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

    def test_loop(dataloader: Any, model: Any, loss_fn: Any) -> None:
        model.eval()
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:  # noqa: N806
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")

    for t in range(epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train_loop(train_dataloader, model, loss_fn, optimizer)
        test_loop(test_dataloader, model, loss_fn)
    print("Done!")


def save_and_load(torch: Any) -> None:
    """state_dict to a file and back into a fresh model; then a whole model, pickled."""
    nn = torch.nn
    x = torch.rand(2, 8, 8)
    with tempfile.TemporaryDirectory() as folder:
        weights_path = os.path.join(folder, "model_weights.pth")
        model = neural_network(torch)()
        torch.save(model.state_dict(), weights_path)
        print(list(model.state_dict().keys()))
        fresh = neural_network(torch)()
        print(fresh.load_state_dict(torch.load(weights_path, weights_only=True)))
        fresh.eval()
        print(torch.equal(fresh(x), model(x)), fresh.training)

        # The tutorial pickles a whole torchvision model; a Sequential is the library's too.
        whole_path = os.path.join(folder, "model.pth")
        model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10), nn.LogSoftmax(dim=1))
        torch.save(model, whole_path)
        loaded = torch.load(whole_path, weights_only=False)
        print(loaded)
        print(type(loaded).__name__, torch.equal(loaded(x), model(x)))


SCRIPTS = [tensors, datasets_and_dataloaders, build_model, automatic_differentiation,
           optimization, save_and_load]
