#!/usr/bin/python3
"""Reference numbers for package optim, computed with PyTorch (Debian's
python3-torch). Run from the repository root:

    /usr/bin/python3 optim/testdata/torch_reference.py > optim/testdata/torch.json

Each case minimises loss = sum((w - t)^2) + 0.1*sum(sin(w)) over two float64
parameters from fixed starting values, for 25 steps, and records the
parameters after every step; the Go test does the same with package optim
and the engine's gradients. Schedules record the learning rate of 12
epochs; clipping records gradients before and after."""
import json
import math
import torch

torch.set_default_dtype(torch.float64)

W0 = [[0.5, -1.5, 2.0], [0.25, 3.0, -0.75]]
B0 = [1.0, -2.0, 0.1]
TW = [[1.0, 0.0, -1.0], [2.0, 0.5, 0.0]]
TB = [0.0, 1.0, -0.5]
STEPS = 25

CASES = [
    ("sgd", "SGD", dict(lr=0.1)),
    ("sgd_momentum", "SGD", dict(lr=0.05, momentum=0.9)),
    ("sgd_dampening_decay", "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    ("sgd_nesterov", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.001)),
    ("adam", "Adam", dict(lr=0.1)),
    ("adam_decay", "Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("adam_amsgrad", "Adam", dict(lr=0.1, amsgrad=True)),
    ("adamw", "AdamW", dict(lr=0.1)),
    ("adamw_decay", "AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("rmsprop", "RMSprop", dict(lr=0.01)),
    ("rmsprop_momentum_centered", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("adagrad", "Adagrad", dict(lr=0.1)),
    ("adagrad_decay", "Adagrad", dict(lr=0.2, lr_decay=0.05, weight_decay=0.02, initial_accumulator_value=0.1, eps=1e-8)),
]


def run(cls, kw):
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    tw, tb = torch.tensor(TW), torch.tensor(TB)
    opt = getattr(torch.optim, cls)([w, b], **kw)
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((w - tw) ** 2).sum() + ((b - tb) ** 2).sum() + 0.1 * (torch.sin(w).sum() + torch.sin(b).sum())
        loss.backward()
        opt.step()
        out.append({"weight": w.detach().flatten().tolist(), "bias": b.detach().tolist()})
    return out


def schedule(make):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make(opt)
    lrs = []
    for _ in range(12):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


S = torch.optim.lr_scheduler
schedules = {
    "step": schedule(lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
    "exponential": schedule(lambda o: S.ExponentialLR(o, gamma=0.9)),
    "cosine": schedule(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    "warmup_cosine": schedule(lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.25, total_iters=4), S.CosineAnnealingLR(o, T_max=8)], milestones=[4])),
}

g1 = torch.tensor([[3.0, -4.0], [1.0, 2.0]])
g2 = torch.tensor([0.5, -7.0])
clip = {"grads": [g1.flatten().tolist(), g2.tolist()]}
a, b = torch.zeros(2, 2, requires_grad=True), torch.zeros(2, requires_grad=True)
a.grad, b.grad = g1.clone(), g2.clone()
clip["norm"] = float(torch.nn.utils.clip_grad_norm_([a, b], 2.5))
clip["by_norm"] = [a.grad.flatten().tolist(), b.grad.tolist()]
a.grad, b.grad = g1.clone(), g2.clone()
torch.nn.utils.clip_grad_value_([a, b], 1.5)
clip["by_value"] = [a.grad.flatten().tolist(), b.grad.tolist()]

print(json.dumps({
    "torch": torch.__version__,
    "start": {"weight": sum(W0, []), "bias": B0, "target_weight": sum(TW, []), "target_bias": TB},
    "cases": [{"name": n, "optimizer": c, "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()},
               "steps": run(c, kw)} for n, c, kw in CASES],
    "schedules": schedules,
    "clip": clip,
}, indent=1))
