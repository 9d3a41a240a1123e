"""Write examples/flat/model.pt and data.json: a torch model trained with nn.MSELoss + SGD, as a user would.

Run from the repository root: python examples/flat/make_example.py
Data: numerics.experiments.data.make_task(d=2, n=32, sigma=1, seed=0) (x uniform in the unit ball,
y = w.x + N(0, 1), w = (1, 1)/sqrt(2)).  Model: nn.Sequential(Linear(2, 64), ReLU(), Linear(64, 1)) in
float64, torch.manual_seed(0), full-batch SGD(lr=0.05) on nn.MSELoss for 3000 steps.
"""

import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from numerics.experiments.data import make_task  # noqa: E402

here = Path(__file__).resolve().parent
task = make_task(2, 32, 1.0, seed=0)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1)).double()
X, y = torch.from_numpy(task.X), torch.from_numpy(task.y)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
for _ in range(3000):
    opt.zero_grad()
    loss = torch.nn.MSELoss()(model(X).squeeze(-1), y)
    loss.backward()
    opt.step()
torch.save(model.state_dict(), here / "model.pt")
(here / "data.json").write_text(json.dumps({"X": task.X.tolist(), "y": task.y.tolist()}))
print(f"final nn.MSELoss {float(loss.detach()):.6g}; wrote {here / 'model.pt'} and {here / 'data.json'}")
