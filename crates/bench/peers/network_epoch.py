#!/usr/bin/env python3
"""Times one training epoch of the digit network in PyTorch, as the course trains it.

Called by `cargo bench -p bench --bench network`, which first times the Rust
epoch and writes the training images it used to a CSV (64 pixels / 16, then the
class, per line); this script times the same epoch in PyTorch and prints one JSON
object. The same network (64 → 32 tanh → 10, softmax cross-entropy, mean over
the batch), the same batch size, float64, plain SGD: each step is zero_grad,
forward, loss, backward and `torch.optim.SGD.step()` on a batch cut from a fresh
permutation of the images, the way a PyTorch user writes it (indexing a tensor
held in memory, no DataLoader, whose workers would only add overhead).

    python network_epoch.py --data FILE [--batch 32] [--epochs 40] [--threads 1]

Timings: seconds per epoch, the best and the median of `--epochs` epochs after
three epochs of warm-up.
"""

import argparse
import json
import platform
import statistics
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.1)
    args = parser.parse_args()

    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    table = np.loadtxt(args.data, delimiter=",", dtype=np.float64, ndmin=2)
    x = torch.from_numpy(np.ascontiguousarray(table[:, :-1]))
    y = torch.from_numpy(table[:, -1].astype(np.int64))
    n = x.shape[0]

    model = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], 32), torch.nn.Tanh(), torch.nn.Linear(32, 10)
    ).double()
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, args.batch):
            idx = order[start : start + args.batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        return loss.item()

    for _ in range(3):
        epoch()
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        last = epoch()
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "samples": n,
                "batch": args.batch,
                "threads": torch.get_num_threads(),
                "best": min(times),
                "median": statistics.median(times),
                "last_loss": last,
                "torch": torch.__version__,
                "numpy": np.__version__,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
