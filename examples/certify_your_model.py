"""Train a small torch model with SGD and nn.MSELoss, then certify its linear stability at its own lr.

Run from the repository root:  python examples/certify_your_model.py

GD with step lr on nn.MSELoss is linearly stable at a minimum iff lambda_max of the loss Hessian is at
most 2/lr (Prop. 2.1).  ``numerics.certify_model`` decides this in exact arithmetic for the very float
values the model holds, in torch's convention (nn.MSELoss has no 1/2; numerics.loss converts).  A model
after finitely many steps is near, not at, a critical point: the result also bounds the gradient norm.
"""

import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

import numerics  # noqa: E402


def train(lr: float = 0.05, steps: int = 2000, seed: int = 0):
    """Return (model, X, y) after full-batch SGD with nn.MSELoss on a 1-d regression task."""
    torch.manual_seed(seed)
    X = torch.linspace(-1, 1, 24).reshape(-1, 1)
    y = torch.sin(3 * X)
    model = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.MSELoss()(model(X), y)
        loss.backward()
        opt.step()
    return model, X, y


def main() -> int:
    lr = 0.05
    model, X, y = train(lr)
    res = numerics.certify_model(model, X, y, lr=lr)          # loss="mse": torch's nn.MSELoss
    print(res)
    est = numerics.estimate_model(model, X, y, lr=lr)
    print(est)
    big = 2.5 * 2 / res.lambda_max_lower                       # a step 2.5x beyond the edge
    print(numerics.certify_model(model, X, y, lr=big))
    return 0 if res.certified and res.stable else 1


if __name__ == "__main__":
    sys.exit(main())
