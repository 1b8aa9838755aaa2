#!/usr/bin/env python3
"""Times one optimizer step on the digit network's parameters in PyTorch and optax.

Called by `cargo bench -p bench --bench matrix_steps`, which first times the
course's steps on the same shapes. The parameters are those of the chapter
"Beyond the diagonal": W1 (64, 32), b1 (32,), W2 (32, 10), b2 (10,), float64, in
the course's orientation (one row per input), with a fixed gradient. Each library
steps them as its users write it:

- PyTorch: `torch.optim.Adam`, `torch.optim.AdamW` and `torch.optim.Adafactor`
  on all four tensors; `torch.optim.Muon` on W1 and W2 with `torch.optim.AdamW`
  on the biases (Muon takes only matrices), both stepped each time;
  `opt.step()` with the gradients already in `param.grad`.
- optax: `optax.adam`, `optax.adamw`, `optax.contrib.muon` (which steps the
  biases with an Adam of its own), `optax.adafactor` and `optax.lion` on the
  tree of the four arrays, `opt.update` and `optax.apply_updates` jitted
  together, with the parameters and the state donated so that XLA may update
  them in place, and the result waited for.

    python matrix_steps.py [--steps 400] [--threads 1]

`--threads 1` runs PyTorch on one thread and XLA's CPU client without its
thread pool for array operations (the Rust step runs on one thread). Prints one
JSON object per line: library, optimizer, the call, and the best and median
step in seconds over `--steps` steps after 20 of warm-up.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

SHAPES = {"W1": (64, 32), "b1": (32,), "W2": (32, 10), "b2": (10,)}
LEARNING_RATE = 1e-3
WARM_UP = 20


def gradients(np):
    """A fixed gradient of each parameter's shape, the same on every call."""
    rng = np.random.default_rng(0)
    return {name: rng.standard_normal(shape) for name, shape in SHAPES.items()}


def starts(np):
    rng = np.random.default_rng(1)
    return {name: 0.1 * rng.standard_normal(shape) for name, shape in SHAPES.items()}


def summarize(times):
    return min(times), statistics.median(times)


def torch_rows(args, np):
    import torch

    torch.set_num_threads(args.threads)
    grads = gradients(np)

    def parameters():
        params = {}
        for name, value in starts(np).items():
            p = torch.tensor(value, dtype=torch.float64, requires_grad=True)
            p.grad = torch.tensor(grads[name], dtype=torch.float64)
            params[name] = p
        return params

    def adam(p):
        return [torch.optim.Adam(list(p.values()), lr=LEARNING_RATE)]

    def adamw(p):
        return [torch.optim.AdamW(list(p.values()), lr=LEARNING_RATE)]

    def muon(p):
        return [
            torch.optim.Muon([p["W1"], p["W2"]], lr=LEARNING_RATE),
            torch.optim.AdamW([p["b1"], p["b2"]], lr=LEARNING_RATE),
        ]

    def adafactor(p):
        return [torch.optim.Adafactor(list(p.values()), lr=LEARNING_RATE)]

    cases = [
        ("Adam", "torch.optim.Adam", adam),
        ("AdamW", "torch.optim.AdamW", adamw),
        ("Muon", "torch.optim.Muon (W1, W2) + torch.optim.AdamW (b1, b2)", muon),
        ("Adafactor", "torch.optim.Adafactor", adafactor),
    ]
    library = f"PyTorch {torch.__version__}"
    for optimizer, call, make in cases:
        optimizers = make(parameters())
        times = []
        for i in range(WARM_UP + args.steps):
            started = time.perf_counter()
            for opt in optimizers:
                opt.step()
            if i >= WARM_UP:
                times.append(time.perf_counter() - started)
        best, median = summarize(times)
        yield {"library": library, "optimizer": optimizer, "call": call, "best": best, "median": median}


def optax_rows(args, np):
    import jax
    import jax.numpy as jnp
    import optax
    from optax import contrib

    jax.config.update("jax_enable_x64", True)
    grads = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in gradients(np).items()}
    cases = [
        ("Adam", "optax.adam", lambda: optax.adam(LEARNING_RATE)),
        ("AdamW", "optax.adamw", lambda: optax.adamw(LEARNING_RATE)),
        ("Muon", "optax.contrib.muon", lambda: contrib.muon(LEARNING_RATE)),
        ("Adafactor", "optax.adafactor", lambda: optax.adafactor(LEARNING_RATE)),
        ("Lion", "optax.lion", lambda: optax.lion(LEARNING_RATE)),
    ]
    library = f"optax {optax.__version__}"
    for optimizer, call, make in cases:
        opt = make()

        def step(params, state, grads, opt=opt):
            updates, state = opt.update(grads, state, params)
            return optax.apply_updates(params, updates), state

        step = jax.jit(step, donate_argnums=(0, 1))
        params = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in starts(np).items()}
        state = opt.init(params)
        times = []
        for i in range(WARM_UP + args.steps):
            started = time.perf_counter()
            params, state = step(params, state, grads)
            jax.block_until_ready(params)
            if i >= WARM_UP:
                times.append(time.perf_counter() - started)
        best, median = summarize(times)
        yield {"library": library, "optimizer": optimizer, "call": call, "best": best, "median": median}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.threads == 1:
        # Before jax is imported: XLA reads its flags once.
        os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    os.environ.setdefault("JAX_PLATFORMS", "cpu")

    import numpy as np

    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for source in (torch_rows, optax_rows):
        try:
            for row in source(args, np):
                print(json.dumps(row), flush=True)
        except ImportError as error:
            print(f"skipped {source.__name__}: {error}", file=sys.stderr)
    print(json.dumps({"versions": versions}))


if __name__ == "__main__":
    main()
