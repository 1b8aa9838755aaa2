"""The libraries' runs on the digits network, for `tests/tests/beyond_the_diagonal_network_libraries.rs`.

Runs every library preset that the chapter "Beyond the diagonal" races on the
network (Muon, Adafactor, Lion) for STEPS steps of training the course's digits
network 64 → 32 tanh → 10 softmax, and writes the results to
`beyond_network.rs` (a Rust file the test includes), with the start W₀ itself.
The test runs the course's presets from the same W₀ on the same batches and
never calls Python.

The network is written in each library (torch autograd for PyTorch, `jax.grad`
for optax) with the course's layout and shapes: W1 (64, 32), one row per input,
b1 (32,), W2 (32, 10), b2 (10,); h = tanh(b1 + x @ W1), z = b2 + h @ W2, the mean
softmax cross-entropy over the batch, no ridge. PyTorch's `Linear` would store
W1 as (32, 64); it is kept as (64, 32) here so that the shape-dependent scale of
Muon (√max(1, rows/cols) in PyTorch, √max(1, cols/rows) in optax) is compared on
the same shapes as the course's.

The data: batch k (k = 0, 1, …, STEPS − 1) is rows 32·k to 32·k + 31 of
`crates/datasets/data/digits.csv`, in file order, the pixels divided by 16, so
the test needs none of the course's random generators. W₀: numpy's
`default_rng(0)`, W1 then W2 uniform in ±√(6/(fan_in + fan_out)) (Glorot),
biases 0.

Each call is the Python a user writes, recorded as text in the file, and that
text is what runs (`eval`, with the parameters W1, b1, W2, b2 as its only
names): PyTorch's Muon on the two matrices with PyTorch's AdamW on the biases
(PyTorch's Muon refuses 1-D parameters), PyTorch's Adafactor on all four;
`optax.contrib.muon` (which sends the 1-D biases to an AdamW of its own),
`optax.adafactor` and `optax.lion` on the whole tree. Library defaults apart
from the learning rates, which are the race's best η
(`book/src/figures/beyond-network.json`): Muon and Adafactor 0.1, Lion 0.01,
PyTorch's AdamW on the biases 10^−1.5 (the race's η of the biases).

Parameters and data in float64. PyTorch's Muon runs its Newton–Schulz
iteration in bfloat16 whatever the parameters' type: its W after every step is
kept, for a step-by-step comparison. Every other run computes in float64 (optax's
Adafactor computes its decay rate in float32, as on the matrix problem): only
its W after the last step is kept.

Run it (from the workspace root) in the virtual environment of README.md:

    JAX_ENABLE_X64=1 /tmp/refs/bin/python tests/references/generate_beyond_network.py

A library that cannot be imported is skipped, with a line saying so; its runs
are then missing from the file and the test reports them as not generated.
"""

import os
import sys

os.environ.setdefault("JAX_ENABLE_X64", "1")

import numpy as np

# Four steps: the first from zero state, the second the first to read the state a
# step stored, and bias corrections (1 − 0.9⁴ = 0.34, 1 − 0.95⁴ = 0.19) still far
# from 1 at the fourth, so every term of every preset acts; each more step costs
# 2410 numbers in the file for PyTorch's Muon, and nothing new is exercised.
STEPS = 4
BATCH = 32
INPUTS, HIDDEN, CLASSES = 64, 32, 10
# The race's best η (book/src/figures/beyond-network.json).
MUON_LR = 0.1
ADAFACTOR_LR = 0.1
LION_LR = 0.01
BIAS_LR = 0.03162277660168379

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "..", "crates", "datasets", "data", "digits.csv")


def load_batches():
    """The first STEPS batches of BATCH rows of digits.csv: (pixels / 16, labels)."""
    rows = np.loadtxt(DIGITS, delimiter=",", max_rows=STEPS * BATCH)
    x, y = rows[:, :INPUTS] / 16.0, rows[:, INPUTS].astype(np.int64)
    return [(x[k * BATCH : (k + 1) * BATCH], y[k * BATCH : (k + 1) * BATCH]) for k in range(STEPS)]


def start():
    """W₀ as (W1, b1, W2, b2): Glorot-uniform matrices from default_rng(0), zero biases."""
    rng = np.random.default_rng(0)
    a1 = np.sqrt(6.0 / (INPUTS + HIDDEN))
    w1 = rng.uniform(-a1, a1, size=(INPUTS, HIDDEN))
    a2 = np.sqrt(6.0 / (HIDDEN + CLASSES))
    w2 = rng.uniform(-a2, a2, size=(HIDDEN, CLASSES))
    return w1, np.zeros(HIDDEN), w2, np.zeros(CLASSES)


def flat(parts):
    """[W1, b1, W2, b2], each row-major: the course's layout."""
    return [float(x) for p in parts for x in np.asarray(p, dtype=np.float64).reshape(-1)]


def torch_runs(batches):
    import torch

    def loss(w1, b1, w2, b2, x, y):
        h = torch.tanh(b1 + x @ w1)
        z = b2 + h @ w2
        return torch.nn.functional.cross_entropy(z, y)

    def run(call):
        w1, b1, w2, b2 = (torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in start())
        optimizers = eval(call, {"torch": torch, "W1": w1, "b1": b1, "W2": w2, "b2": b2})
        out = []
        for x, y in batches:
            for opt in optimizers:
                opt.zero_grad()
            loss(w1, b1, w2, b2, torch.tensor(x), torch.tensor(y)).backward()
            for opt in optimizers:
                opt.step()
            out.append(flat(p.detach().numpy() for p in (w1, b1, w2, b2)))
        return out

    calls = {
        "torch-muon": f"(torch.optim.Muon([W1, W2], lr={MUON_LR}), torch.optim.AdamW([b1, b2], lr={BIAS_LR}))",
        "torch-adafactor": f"(torch.optim.Adafactor([W1, b1, W2, b2], lr={ADAFACTOR_LR}),)",
    }
    version = f"torch {torch.__version__}"
    return version, {name: run(call) for name, call in calls.items()}, calls


def optax_runs(batches):
    import jax
    import jax.numpy as jnp
    import optax
    import optax.contrib  # noqa: F401 (optax.contrib.muon)

    jax.config.update("jax_enable_x64", True)

    def loss(params, x, y):
        h = jnp.tanh(params["b1"] + x @ params["W1"])
        z = params["b2"] + h @ params["W2"]
        return jnp.mean(jax.nn.logsumexp(z, axis=1) - jnp.take_along_axis(z, y[:, None], axis=1)[:, 0])

    gradient = jax.jit(jax.grad(loss))

    def run(call):
        opt = eval(call, {"optax": optax})
        w1, b1, w2, b2 = start()
        params = {name: jnp.array(p, dtype=jnp.float64) for name, p in zip(("W1", "b1", "W2", "b2"), (w1, b1, w2, b2))}
        state = opt.init(params)
        out = []
        for x, y in batches:
            g = gradient(params, jnp.array(x, dtype=jnp.float64), jnp.array(y))
            updates, state = opt.update(g, state, params)
            params = optax.apply_updates(params, updates)
            out.append(flat(np.asarray(params[name]) for name in ("W1", "b1", "W2", "b2")))
        return out

    calls = {
        "optax-muon": f"optax.contrib.muon({MUON_LR})",
        "optax-muon-plain-momentum": f"optax.contrib.muon({MUON_LR}, nesterov=False)",
        "optax-adafactor": f"optax.adafactor({ADAFACTOR_LR})",
        "optax-adafactor-factored": f"optax.adafactor({ADAFACTOR_LR}, min_dim_size_to_factor=1)",
        "optax-lion": f"optax.lion({LION_LR})",
    }
    version = f"optax {optax.__version__} (jax {jax.__version__})"
    return version, {name: run(call) for name, call in calls.items()}, calls


# The run compared step by step (its arithmetic is not float64): every iterate kept.
STEP_BY_STEP = {"torch-muon"}


def rust_array(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def main():
    batches = load_batches()
    versions, runs, calls = [], {}, {}
    for source in (torch_runs, optax_runs):
        try:
            version, found, called = source(batches)
        except ImportError as error:
            print(f"skipped {source.__name__}: {error}", file=sys.stderr)
            continue
        versions.append(version)
        runs.update(found)
        calls.update(called)
    dimension = INPUTS * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES
    path = os.path.join(HERE, "beyond_network.rs")
    lines = [
        "// Written by tests/references/generate_beyond_network.py: do not edit.",
        f"// Libraries: {'; '.join(versions)}; parameters and data in float64, {STEPS} steps,",
        f"// batch k = rows {BATCH}·k to {BATCH}·k + {BATCH - 1} of digits.csv (pixels / 16).",
        f"/// The steps of every run (batches of {BATCH} rows of digits.csv, in file order).",
        f"const NETWORK_STEPS: usize = {STEPS};",
        "/// W₀: [W₁ (64 × 32), b₁ (32), W₂ (32 × 10), b₂ (10)], each row-major.",
        f"static NETWORK_START: [f64; {dimension}] = {rust_array(flat(start()))};",
        "/// Every reference run: (name, the library call, W after each step for the",
        "/// run compared step by step, after the last step only for the others).",
        f"static NETWORK_RUNS: &[(&str, &str, &[[f64; {dimension}]])] = &[",
    ]
    for name in sorted(runs):
        kept = runs[name] if name in STEP_BY_STEP else runs[name][-1:]
        lines.append(f"    ({name!r}, {calls[name]!r}, &[".replace("'", '"'))
        for w in kept:
            lines.append(f"        {rust_array(w)},")
        lines.append("    ]),")
    lines.append("];")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}: {len(runs)} runs of {STEPS} steps")


if __name__ == "__main__":
    main()
