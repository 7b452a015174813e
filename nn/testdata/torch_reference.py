#!/usr/bin/python3
"""Reference numbers for package nn, computed with PyTorch (Debian's
python3-torch), in float64. Run from the repository root:

    /usr/bin/python3 nn/testdata/torch_reference.py > nn/testdata/torch.json

Inputs are fixed formulas (no random numbers), so the Go test rebuilds them;
for each layer and loss the file holds the output and the gradients of
sum(output * upstream) with upstream = cos(arange) of the output's shape."""
import json
import math
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def ramp(*shape, scale=0.37, shift=0.0):
    n = math.prod(shape)
    return torch.tensor([math.sin(scale * i + shift) * 1.5 for i in range(n)]).reshape(shape)


def upstream(y):
    return torch.cos(torch.arange(y.numel(), dtype=torch.float64)).reshape(y.shape)


def flat(t):
    return t.detach().flatten().tolist()


out = {}


def case(name, z, **grads):
    z.backward(upstream(z)) if z.dim() > 0 else z.backward()
    out[name] = {"out": flat(z), "shape": list(z.shape), **{k: flat(v.grad) for k, v in grads.items()}}


# Linear: x [4 3], W [5 3], b [5]
x, w, b = ramp(4, 3).requires_grad_(), ramp(5, 3, shift=1).requires_grad_(), ramp(5, shift=2).requires_grad_()
case("linear", F.linear(x, w, b), x=x, weight=w, bias=b)

# Conv2d: x [2 4 5 5], W [6 2 3 3] groups 2, stride 2, padding 1, dilation 1
x = ramp(2, 4, 5, 5).requires_grad_()
w, b = ramp(6, 2, 3, 3, shift=1).requires_grad_(), ramp(6, shift=2).requires_grad_()
case("conv2d", F.conv2d(x, w, b, stride=2, padding=1, groups=2), x=x, weight=w, bias=b)

# BatchNorm2d in training mode, two steps, then eval.
bn = torch.nn.BatchNorm2d(3, momentum=0.1, eps=1e-5)
with torch.no_grad():
    bn.weight.copy_(ramp(3, shift=3) + 1)
    bn.bias.copy_(ramp(3, shift=4))
x = ramp(4, 3, 2, 2).requires_grad_()
case("batchnorm_train", bn(x), x=x, weight=bn.weight, bias=bn.bias)
bn(ramp(4, 3, 2, 2, shift=5) * 2 + 1)
out["batchnorm_running"] = {"mean": flat(bn.running_mean), "var": flat(bn.running_var)}
bn.eval()
bn.weight.grad = None
x = ramp(4, 3, 2, 2, shift=6).requires_grad_()
case("batchnorm_eval", bn(x), x=x, weight=bn.weight)

bn1 = torch.nn.BatchNorm1d(3)
x = ramp(5, 3, shift=7).requires_grad_()
case("batchnorm1d_train", bn1(x), x=x)

ln = torch.nn.LayerNorm([2, 3])
with torch.no_grad():
    ln.weight.copy_(ramp(2, 3, shift=8) + 1)
    ln.bias.copy_(ramp(2, 3, shift=9))
x = ramp(4, 2, 3).requires_grad_()
case("layernorm", ln(x), x=x, weight=ln.weight, bias=ln.bias)

labels = [2, 0, 4, 1, 3, 2]
lab = torch.tensor(labels)
for red in ["mean", "sum", "none"]:
    x = (ramp(6, 5) * 2).requires_grad_()
    case("cross_entropy_" + red, F.cross_entropy(x, lab, reduction=red), x=x)
    x = (ramp(6, 5) * 2).requires_grad_()
    case("cross_entropy_smoothed_" + red, F.cross_entropy(x, lab, reduction=red, label_smoothing=0.1), x=x)
    x = F.log_softmax(ramp(6, 5, shift=1), 1).detach().requires_grad_()
    case("nll_" + red, F.nll_loss(x, lab, reduction=red), x=x)
    x, y = (ramp(3, 4) * 3).requires_grad_(), (ramp(3, 4, shift=2) * 0.3 + 0.5).requires_grad_()
    case("bce_with_logits_" + red, F.binary_cross_entropy_with_logits(x, y, reduction=red), x=x, y=y)
    x, y = ramp(3, 4).requires_grad_(), ramp(3, 4, shift=2).requires_grad_()
    case("mse_" + red, F.mse_loss(x, y, reduction=red), x=x, y=y)
    x, y = (ramp(3, 4) * 2).requires_grad_(), ramp(3, 4, shift=2).requires_grad_()
    case("huber_" + red, F.huber_loss(x, y, reduction=red, delta=0.7), x=x, y=y)
out["labels"] = labels
out["torch"] = torch.__version__
print(json.dumps(out, indent=1))
