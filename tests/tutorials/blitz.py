"""'Deep Learning with PyTorch: A 60 Minute Blitz', without torchvision.

Tensors, autograd, a LeNet-style network on one random 32x32 image, and the
classifier's training loop on random 3x32x32 "images" in place of CIFAR-10 (the
tutorial loads CIFAR-10 with torchvision; the loop, the saving and the accuracy
counts are the same calls). Each function prints what the tutorial prints.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import numpy as np


def tensors(torch: Any) -> None:
    """Making tensors, their attributes, indexing, joining, arithmetic, the NumPy bridge."""
    x = torch.empty(5, 3)
    print(x.shape, x.dtype)  # its values are whatever the memory held: not printed
    x = torch.zeros(5, 3, dtype=torch.long)
    print(x)
    x = torch.tensor([5.5, 3])
    print(x)
    x = x.new_ones(5, 3, dtype=torch.double)
    print(x)
    x = torch.randn_like(x, dtype=torch.float)
    print(x)
    print(x.size())
    y = torch.rand(5, 3)
    print(x + y)
    print(torch.add(x, y))
    result = torch.empty(5, 3)
    torch.add(x, y, out=result)
    print(result)
    y.add_(x)
    print(y)
    print(x[:, 1])
    x = torch.randn(4, 4)
    y = x.view(16)
    z = x.view(-1, 8)
    print(x.size(), y.size(), z.size())
    x = torch.randn(1)
    print(x)
    print(x.item())

    a = torch.ones(5)
    b = a.numpy()
    a.add_(1)
    print(a, b)  # b shares a's memory
    a = np.ones(5)
    b = torch.from_numpy(a)
    np.add(a, 1, out=a)
    print(a, b)

    if torch.cuda.is_available():
        device = torch.device("cuda")
        y = torch.ones_like(x, device=device)
        x = x.to(device)
        z = x + y
        print(z.to("cpu", torch.double))
    print(torch.device("cpu"), x.device)


def autograd(torch: Any) -> None:
    """Gradients of a vector function, what requires gradients, and frozen parameters."""
    a = torch.tensor([2.0, 3.0], requires_grad=True)
    b = torch.tensor([6.0, 4.0], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2  # noqa: N806 - the tutorial's name
    external_grad = torch.tensor([1.0, 1.0])
    Q.backward(gradient=external_grad)
    print(9 * a ** 2 == a.grad)
    print(-2 * b == b.grad)

    x = torch.rand(5, 5)
    y = torch.rand(5, 5)
    z = torch.rand((5, 5), requires_grad=True)
    a = x + y
    print(f"Does `a` require gradients?: {a.requires_grad}")
    b = x + z
    print(f"Does `b` require gradients?: {b.requires_grad}")

    # The tutorial freezes a pretrained resnet18 and swaps its last layer: the same
    # calls on a small network (torchvision's models are outside PyTorch itself).
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(),
                                torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                                torch.nn.Linear(4, 8))
    data = torch.rand(1, 3, 16, 16)
    labels = torch.rand(1, 8)
    prediction = model(data)
    loss = (prediction - labels).sum()
    loss.backward()
    optim = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    optim.step()
    print(loss.item(), model[0].weight.grad.sum().item(), model[4].bias)

    for param in model.parameters():
        param.requires_grad = False
    model[4] = torch.nn.Linear(4, 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    loss = model(data).sum()
    loss.backward()
    optimizer.step()
    print([param.grad is None for param in model.parameters()])
    print(model[4].weight)

    # the earlier version of the page: grad_fn, requires_grad_, backward(v), detach
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    print(y)
    print(y.grad_fn)
    z = y * y * 3
    out = z.mean()
    print(z, out)
    a = torch.randn(2, 2)
    a = ((a * 3) / (a - 1))
    print(a.requires_grad)
    a.requires_grad_(True)
    print(a.requires_grad)
    b = (a * a).sum()
    print(b.grad_fn)
    out.backward()
    print(x.grad)
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    print(y)
    v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
    y.backward(v)
    print(x.grad)
    print(x.requires_grad)
    print((x ** 2).requires_grad)
    with torch.no_grad():
        print((x ** 2).requires_grad)
    y = x.detach()
    print(y.requires_grad)
    print(x.eq(y).all())


def lenet(torch: Any) -> Any:
    nn = torch.nn
    F = torch.nn.functional  # noqa: N806 - as the tutorial imports it

    class Net(nn.Module):
        """Two convolutions with max pooling, then three Linear layers."""

        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input: Any) -> Any:
            c1 = F.relu(self.conv1(input))
            s2 = F.max_pool2d(c1, (2, 2))
            c3 = F.relu(self.conv2(s2))
            s4 = F.max_pool2d(c3, 2)
            s4 = torch.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            return self.fc3(f6)

    return Net


def neural_networks(torch: Any) -> None:
    """Define the net, run it, a loss, its graph, backward, and updating the weights."""
    nn = torch.nn
    net = lenet(torch)()
    print(net)
    params = list(net.parameters())
    print(len(params))
    print(params[0].size())
    input = torch.randn(1, 1, 32, 32)
    out = net(input)
    print(out)
    net.zero_grad()
    out.backward(torch.randn(1, 10))

    output = net(input)
    target = torch.randn(10)
    target = target.view(1, -1)
    criterion = nn.MSELoss()
    loss = criterion(output, target)
    print(loss)
    print(loss.grad_fn)
    print(loss.grad_fn.next_functions[0][0])
    print(loss.grad_fn.next_functions[0][0].next_functions[0][0])

    net.zero_grad()
    print("conv1.bias.grad before backward")
    print(net.conv1.bias.grad)
    loss.backward()
    print("conv1.bias.grad after backward")
    print(net.conv1.bias.grad)

    learning_rate = 0.01
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    for _ in range(3):
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        print(loss.item())


def classifier_net(torch: Any) -> Any:
    nn = torch.nn
    F = torch.nn.functional  # noqa: N806

    class Net(nn.Module):
        """The classifier's net: 3-channel input, a shared MaxPool2d module."""

        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x: Any) -> Any:
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net


CLASSES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def training_a_classifier(torch: Any) -> None:
    """Train on random images with random labels: the loop, saving, and the accuracies."""
    nn, optim = torch.nn, torch.optim
    data = torch.utils.data
    batch_size = 4
    trainset = data.TensorDataset(torch.rand(32, 3, 32, 32) * 2 - 1, torch.randint(0, 10, (32,)))
    trainloader = data.DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=0)
    testset = data.TensorDataset(torch.rand(16, 3, 32, 32) * 2 - 1, torch.randint(0, 10, (16,)))
    testloader = data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=0)

    net = classifier_net(torch)()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    for epoch in range(2):
        running_loss = 0.0
        for i, batch in enumerate(trainloader, 0):
            inputs, labels = batch
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 4 == 3:
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 4:.3f}")
                running_loss = 0.0
    print("Finished Training")

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "cifar_net.pth")
        torch.save(net.state_dict(), path)
        images, labels = next(iter(testloader))
        print("GroundTruth: ", " ".join(f"{CLASSES[labels[j]]:5s}" for j in range(4)))
        net = classifier_net(torch)()
        net.load_state_dict(torch.load(path, weights_only=True))
    outputs = net(images)
    _, predicted = torch.max(outputs, 1)
    print("Predicted: ", " ".join(f"{CLASSES[predicted[j]]:5s}" for j in range(4)))

    correct = 0
    total = 0
    with torch.no_grad():
        for images, labels in testloader:
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")

    correct_pred = {classname: 0 for classname in CLASSES}
    total_pred = {classname: 0 for classname in CLASSES}
    with torch.no_grad():
        for images, labels in testloader:
            outputs = net(images)
            _, predictions = torch.max(outputs, 1)
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[CLASSES[label]] += 1
                total_pred[CLASSES[label]] += 1
    for classname, correct_count in correct_pred.items():
        if total_pred[classname]:
            accuracy = 100 * float(correct_count) / total_pred[classname]
            print(f"Accuracy for class: {classname:5s} is {accuracy:.1f} %")

    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    print(device)
    net.to(device)
    inputs, labels = images.to(device), labels.to(device)
    print(net(inputs).argmax(1).tolist() == predictions.tolist())


SCRIPTS = [tensors, autograd, neural_networks, training_a_classifier]
