#!/usr/bin/env python3
"""Times the course's optimizer steps in numpy, optax and (if installed) PyTorch.

The Rust side is `cargo bench -p bench --bench step`; this script times the same
seven updates, in f64, on the same sizes, with the same best-of-k method, so the
two tables can be read side by side. It writes a CSV whose `#` lines say where
the numbers come from (machine, versions, date, load), which `cargo xtask
figures` turns into the book's table.

    python3 -m venv /tmp/peers && /tmp/peers/bin/pip install numpy jax optax
    /tmp/peers/bin/python crates/bench/peers/peers.py --out crates/bench/results/peers.csv

What is timed, per call of one step on n parameters (ns per element):

- numpy: the update written as a numpy user writes it, in place where numpy
  allows (`G *= γ; G += (1 − γ)·g·g; w -= η·g/√(G + ε)`); numpy runs element-wise
  code on one thread.
- optax: `opt.update` and `optax.apply_updates` in one `jax.jit` function with
  the parameters and the state donated (updated in place), x64 enabled, timed
  until `block_until_ready`. XLA may use every core ("optax"); a second run in a
  child process pinned to one core (`sched_setaffinity`, and XLA's Eigen thread
  pool off) gives "optax 1T".
- torch: `torch.optim.*` with `p.grad` set, `opt.step()` (PyTorch's default
  foreach implementation), on its default threads; skipped if torch is missing.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

SIZES = [10**3, 10**4, 10**5, 10**6, 10**7]
OPTIMIZERS = ["GD", "Adagrad", "RMSprop", "Momentum", "Nesterov", "RMSprop+momentum", "Adam"]
ETA = 1e-3


def runs_for(n, budget):
    """About `budget` element updates per measurement, at least 4 calls."""
    return max(4, min(2000, budget // n))


def best_of(runs, call):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def gradients(np, n):
    return 1e-3 * (np.arange(n) % 17 - 8.5)


def numpy_step(np, name, n):
    """A step of `name` on n parameters, in place, as a numpy user writes it."""
    w, g = np.full(n, 0.5), gradients(np, n)
    a, b = np.zeros(n), np.zeros(n)
    gamma, beta, eps = 0.9, 0.9, 1e-10
    t = [0]

    def gd():
        w[:] -= ETA * g

    def adagrad():
        a[:] += g * g
        w[:] -= ETA * g / np.sqrt(a + eps)

    def rmsprop():
        a[:] *= gamma
        a[:] += (1 - gamma) * g * g
        w[:] -= ETA * g / np.sqrt(a + eps)

    def momentum():
        a[:] *= beta
        a[:] += g
        w[:] -= ETA * a

    def nesterov():
        a[:] *= beta
        a[:] += g
        w[:] -= ETA * (g + beta * a)

    def rmsprop_momentum():
        a[:] *= gamma
        a[:] += (1 - gamma) * g * g
        b[:] *= beta
        b[:] += g / np.sqrt(a + eps)
        w[:] -= ETA * b

    def adam():
        t[0] += 1
        b1, b2 = 0.9, 0.999
        a[:] *= b1
        a[:] += (1 - b1) * g
        b[:] *= b2
        b[:] += (1 - b2) * g * g
        m_hat = a / (1 - b1 ** t[0])
        v_hat = b / (1 - b2 ** t[0])
        w[:] -= ETA * m_hat / (np.sqrt(v_hat) + 1e-8)

    return {
        "GD": gd,
        "Adagrad": adagrad,
        "RMSprop": rmsprop,
        "Momentum": momentum,
        "Nesterov": nesterov,
        "RMSprop+momentum": rmsprop_momentum,
        "Adam": adam,
    }[name]


def optax_step(name, n):
    """A jitted optax step of `name` on n parameters, donated buffers, x64."""
    import jax
    import jax.numpy as jnp
    import optax

    make = {
        "GD": lambda: optax.sgd(ETA),
        "Adagrad": lambda: optax.adagrad(ETA, initial_accumulator_value=0.0, eps=1e-10),
        "RMSprop": lambda: optax.rmsprop(ETA, decay=0.9, eps=1e-10),
        "Momentum": lambda: optax.sgd(ETA, momentum=0.9),
        "Nesterov": lambda: optax.sgd(ETA, momentum=0.9, nesterov=True),
        "RMSprop+momentum": lambda: optax.rmsprop(ETA, decay=0.9, eps=1e-10, momentum=0.9),
        "Adam": lambda: optax.adam(ETA),
    }
    opt = make[name]()

    def update(params, state, grads):
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    step = jax.jit(update, donate_argnums=(0, 1))
    g = jnp.asarray(1e-3 * (jnp.arange(n) % 17 - 8.5), dtype=jnp.float64)
    box = {"params": jnp.full(n, 0.5, dtype=jnp.float64)}
    box["state"] = opt.init(box["params"])
    for _ in range(3):  # compile and warm up
        box["params"], box["state"] = step(box["params"], box["state"], g)
    jax.block_until_ready(box["params"])

    def call():
        box["params"], box["state"] = step(box["params"], box["state"], g)
        jax.block_until_ready(box["params"])

    return call


def torch_step(name, n):
    import torch

    p = torch.full((n,), 0.5, dtype=torch.float64, requires_grad=True)
    p.grad = 1e-3 * (torch.arange(n, dtype=torch.float64) % 17 - 8.5)
    make = {
        "GD": lambda: torch.optim.SGD([p], lr=ETA),
        "Adagrad": lambda: torch.optim.Adagrad([p], lr=ETA),
        "RMSprop": lambda: torch.optim.RMSprop([p], lr=ETA, alpha=0.9, eps=1e-10),
        "Momentum": lambda: torch.optim.SGD([p], lr=ETA, momentum=0.9),
        "Nesterov": lambda: torch.optim.SGD([p], lr=ETA, momentum=0.9, nesterov=True),
        "RMSprop+momentum": lambda: torch.optim.RMSprop([p], lr=ETA, alpha=0.9, momentum=0.9),
        "Adam": lambda: torch.optim.Adam([p], lr=ETA),
    }
    opt = make[name]()
    opt.step()
    return lambda: opt.step()


def time_library(library, sizes, optimizers, budget):
    """Rows (library, threads, optimizer, n, ns per element) for one library."""
    rows = []
    if library == "numpy":
        import numpy as np
    for name in optimizers:
        for n in sizes:
            if library == "numpy":
                call = numpy_step(np, name, n)
            elif library.startswith("optax"):
                call = optax_step(name, n)
            else:
                call = torch_step(name, n)
            runs = runs_for(n, budget)
            seconds = min(best_of(runs, call) for _ in range(3))
            rows.append((library, name, n, seconds * 1e9 / n))
            print(f"{library:<9} {name:<16} {n:>9} {seconds * 1e9 / n:9.3f} ns/element", file=sys.stderr)
    return rows


def versions():
    found = {"python": platform.python_version()}
    for module in ["numpy", "jax", "jaxlib", "optax", "torch"]:
        try:
            found[module] = __import__(module).__version__
        except ImportError:
            pass
    return found


def machine():
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def child(library, sizes, optimizers, budget):
    """Runs one library in this process and prints its rows as JSON."""
    if library == "optax 1T":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if library.startswith("optax"):
        import jax

        jax.config.update("jax_enable_x64", True)
    json.dump(time_library(library, sizes, optimizers, budget), sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="the CSV to write (default: print it)")
    parser.add_argument("--sizes", default=",".join(str(n) for n in SIZES))
    parser.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    parser.add_argument("--quick", action="store_true", help="a tenth of the calls")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    optimizers = args.optimizers.split(",")
    budget = 7_000_000 if args.quick else 70_000_000
    if args.child:
        return child(args.child, sizes, optimizers, budget)

    libraries = ["numpy", "optax", "optax 1T"]
    try:
        import torch  # noqa: F401

        libraries.append("torch")
    except ImportError:
        print("torch is not installed: skipped", file=sys.stderr)
    start_load = " ".join(open("/proc/loadavg").read().split()[:3])
    rows = []
    for library in libraries:
        env = dict(os.environ)
        if library == "optax 1T":
            env["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        command = [sys.executable, __file__, "--child", library, "--sizes", args.sizes, "--optimizers", args.optimizers]
        if args.quick:
            command.append("--quick")
        out = subprocess.run(command, env=env, check=True, capture_output=False, stdout=subprocess.PIPE)
        rows.extend(json.loads(out.stdout))

    lines = [
        "# command: python3 crates/bench/peers/peers.py " + " ".join(sys.argv[1:]),
        f"# machine: {machine()}",
        "# versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
        f"# date: {datetime.datetime.now(datetime.timezone.utc).date().isoformat()}",
        f"# load average at the start: {start_load}",
        "# times: ns per element, best of 3 rounds of best-of-k calls of one step (f64)",
        "library,optimizer,n,ns",
    ]
    lines += [f"{lib},{name},{n},{ns:.4f}" for lib, name, n, ns in rows]
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
