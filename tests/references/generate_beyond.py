"""The reference runs of the libraries, for `tests/tests/beyond_the_diagonal_libraries.rs`.

Runs every library preset that the chapter "Beyond the diagonal" reproduces (Muon,
Adafactor, Lion) for STEPS steps on the matrix problem J(W) = ½·‖A·W − B‖²_F, W a
3 × 2 matrix, whose gradient is Aᵀ·(A·W − B), from W₀, and writes every iterate
to `beyond.rs` (a Rust file the test includes), with A, B and W₀ themselves. The
test compares the course's presets with these numbers and never calls Python.

Each library runs as it is: plain calls, the parameters in float64, the
gradient computed in float64 by numpy (as `generate.py` does). Where a library
computes in another precision whatever its inputs (PyTorch's Muon runs its
Newton–Schulz iteration in bfloat16; optax's Adafactor computes its decay rate in
float32), that is what it computes, and the test states the tolerance it needs.

Run it (from the workspace root) in the virtual environment of README.md:

    JAX_ENABLE_X64=1 /tmp/refs/bin/python tests/references/generate_beyond.py

A library that cannot be imported is skipped, with a line saying so; its runs
are then missing from the file and the test reports them as not generated.
"""

import os
import sys

os.environ.setdefault("JAX_ENABLE_X64", "1")

import numpy as np

STEPS = 30
A = np.array(
    [
        [1.0, 0.5, -0.3],
        [0.2, -1.1, 0.7],
        [0.9, 0.4, 1.3],
        [-0.6, 0.8, 0.1],
        [0.3, -0.2, -0.9],
    ]
)
B = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5], [0.2, -0.7]])
START = np.array([[0.5, -0.4], [0.3, 0.8], [-0.6, 0.2]])


def gradient(w):
    w = np.asarray(w, dtype=np.float64)
    return A.T @ (A @ w - B)


def torch_runs():
    import torch

    def run(make):
        param = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        opt = make([param])
        out = []
        for _ in range(STEPS):
            param.grad = torch.tensor(gradient(param.detach().numpy()), dtype=torch.float64)
            opt.step()
            out.append([float(x) for x in param.detach().numpy().reshape(-1)])
        return out

    cases = {
        "torch-muon": ("torch.optim.Muon(params, lr=0.05)", lambda p: torch.optim.Muon(p, lr=0.05)),
        "torch-adafactor": ("torch.optim.Adafactor(params, lr=0.01)", lambda p: torch.optim.Adafactor(p, lr=0.01)),
    }
    version = f"torch {torch.__version__}"
    return version, {name: run(make) for name, (_, make) in cases.items()}, {n: c for n, (c, _) in cases.items()}


def optax_runs():
    import jax
    import jax.numpy as jnp
    import optax
    from optax import contrib

    jax.config.update("jax_enable_x64", True)

    def run(make):
        opt = make()
        params = jnp.array(START, dtype=jnp.float64)
        state = opt.init(params)
        out = []
        for _ in range(STEPS):
            g = jnp.array(gradient(np.asarray(params)), dtype=jnp.float64)
            updates, state = opt.update(g, state, params)
            params = optax.apply_updates(params, updates)
            out.append([float(x) for x in np.asarray(params).reshape(-1)])
        return out

    cases = {
        "optax-muon": ("optax.contrib.muon(0.05)", lambda: contrib.muon(0.05)),
        "optax-adafactor": ("optax.adafactor(0.01)", lambda: optax.adafactor(0.01)),
        "optax-adafactor-factored": (
            "optax.adafactor(0.01, min_dim_size_to_factor=1)",
            lambda: optax.adafactor(0.01, min_dim_size_to_factor=1),
        ),
        "optax-lion": ("optax.lion(0.01)", lambda: optax.lion(0.01)),
    }
    version = f"optax {optax.__version__} (jax {jax.__version__})"
    return version, {name: run(make) for name, (_, make) in cases.items()}, {n: c for n, (c, _) in cases.items()}


def rust_array(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def main():
    versions, runs, calls = [], {}, {}
    for source in (torch_runs, optax_runs):
        try:
            version, found, called = source()
        except ImportError as error:
            print(f"skipped {source.__name__}: {error}", file=sys.stderr)
            continue
        versions.append(version)
        runs.update(found)
        calls.update(called)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "beyond.rs")
    lines = [
        "// Written by tests/references/generate_beyond.py: do not edit.",
        f"// Libraries: {'; '.join(versions)}; parameters in float64, {STEPS} steps.",
        "/// A (5 × 3), row-major: J(W) = ½·‖A·W − B‖².",
        f"const BEYOND_A: [f64; 15] = {rust_array(A.reshape(-1))};",
        "/// B (5 × 2), row-major.",
        f"const BEYOND_B: [f64; 10] = {rust_array(B.reshape(-1))};",
        "/// W₀ (3 × 2), row-major.",
        f"const BEYOND_START: [f64; 6] = {rust_array(START.reshape(-1))};",
        "/// Every reference run: (name, the library call, W after steps 1, 2, …, row-major).",
        "const BEYOND_RUNS: &[(&str, &str, &[[f64; 6]])] = &[",
    ]
    for name in sorted(runs):
        lines.append(f"    ({name!r}, {calls[name]!r}, &[".replace("'", '"'))
        for w in runs[name]:
            lines.append(f"        {rust_array(w)},")
        lines.append("    ]),")
    lines.append("];")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}: {len(runs)} runs of {STEPS} steps")


if __name__ == "__main__":
    main()
