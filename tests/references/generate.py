"""The reference runs of the libraries, for `tests/tests/what_the_libraries_add.rs`.

Runs every library call that the chapter "What the libraries add" reproduces, in
float64, for STEPS steps on the ellipse 0.1·w₁² + 2·w₂² from (−5, −2) and on
Rosenbrock's function (1 − x)² + 100·(y − x²)² from (−1.5, 2), and writes every
iterate to `libraries.rs` (a Rust array the test includes). The test compares the
course's presets with these numbers, to 1e-12 relative, and never calls Python.

Run it (from the workspace root) in a virtual environment with the versions in
README.md:

    python3 -m venv /tmp/refs && /tmp/refs/bin/pip install "jax[cpu]" optax keras torch
    JAX_ENABLE_X64=1 KERAS_BACKEND=jax /tmp/refs/bin/python tests/references/generate.py

A library that cannot be imported is skipped, with a line saying so; its runs are
then missing from the file and the test reports them as not generated.
"""

import os
import sys

os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np

STEPS = 60
START = {"ellipse": [-5.0, -2.0], "rosenbrock": [-1.5, 2.0]}


def gradient(problem, w):
    x, y = float(w[0]), float(w[1])
    if problem == "ellipse":
        return np.array([0.2 * x, 4.0 * y])
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def optax_runs():
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)

    def run(make, problem):
        opt = make()
        params = jnp.array(START[problem], dtype=jnp.float64)
        state = opt.init(params)
        out = []
        for _ in range(STEPS):
            g = jnp.array(gradient(problem, params), dtype=jnp.float64)
            updates, state = opt.update(g, state, params)
            params = optax.apply_updates(params, updates)
            out.append([float(params[0]), float(params[1])])
        return out

    def in_float64(schedule):
        # optax counts steps in an int32, and JAX computes int32 / int in float32:
        # its schedules return float32 rates even with x64 enabled. Evaluated at a
        # float64 count, the same formulas run in float64, which is what the course
        # compares (the float32 rates of a real run differ by about 1e-7 relative).
        return lambda count: schedule(jnp.asarray(count, dtype=jnp.float64))

    lr = {"ellipse": 0.1, "rosenbrock": 0.001}
    cases = {
        "optax-adagrad": ("optax.adagrad(4η)", lambda p: lambda: optax.adagrad(lr[p] * 4)),
        "optax-rmsprop": ("optax.rmsprop(η)", lambda p: lambda: optax.rmsprop(lr[p])),
        "optax-rmsprop-momentum": ("optax.rmsprop(η/10, momentum=0.9)", lambda p: lambda: optax.rmsprop(lr[p] / 10, momentum=0.9)),
        "optax-rmsprop-centered": ("optax.rmsprop(η, centered=True)", lambda p: lambda: optax.rmsprop(lr[p], centered=True)),
        "optax-rmsprop-centered-momentum": ("optax.rmsprop(η/10, centered=True, momentum=0.9)", lambda p: lambda: optax.rmsprop(
            lr[p] / 10, centered=True, momentum=0.9
        )),
        "optax-rmsprop-centered-momentum-eps-outside": ("optax.rmsprop(η/10, centered=True, momentum=0.9, eps_in_sqrt=False)", lambda p: lambda: optax.rmsprop(
            lr[p] / 10, centered=True, momentum=0.9, eps_in_sqrt=False
        )),
        "optax-sgd-momentum": ("optax.sgd(η/2, momentum=0.9)", lambda p: lambda: optax.sgd(lr[p] / 2, momentum=0.9)),
        "optax-sgd-nesterov": ("optax.sgd(η/2, momentum=0.9, nesterov=True)", lambda p: lambda: optax.sgd(lr[p] / 2, momentum=0.9, nesterov=True)),
        "optax-adam": ("optax.adam(η)", lambda p: lambda: optax.adam(lr[p])),
        "optax-amsgrad": ("optax.amsgrad(η)", lambda p: lambda: optax.amsgrad(lr[p])),
        "optax-adamw": ("optax.adamw(η, weight_decay=0.1)", lambda p: lambda: optax.adamw(lr[p], weight_decay=0.1)),
        "optax-adam-cosine": ("optax.adam(optax.cosine_decay_schedule(η, decay_steps=40, alpha=0.1))", lambda p: lambda: optax.adam(
            in_float64(optax.cosine_decay_schedule(lr[p], decay_steps=40, alpha=0.1))
        )),
        "optax-adam-step-decay": ("optax.adam(optax.exponential_decay(η, transition_steps=10, decay_rate=0.5, staircase=True))", lambda p: lambda: optax.adam(
            in_float64(optax.exponential_decay(lr[p], transition_steps=10, decay_rate=0.5, staircase=True))
        )),
        "optax-adam-warmup-cosine": ("optax.adam(optax.warmup_cosine_decay_schedule(η/10, η, warmup_steps=10, decay_steps=50, end_value=η/10))", lambda p: lambda: optax.adam(
            in_float64(
                optax.warmup_cosine_decay_schedule(
                    init_value=lr[p] / 10, peak_value=lr[p], warmup_steps=10, decay_steps=50, end_value=lr[p] / 10
                )
            )
        )),
    }
    version = f"optax {optax.__version__} (jax {jax.__version__})"
    runs = {(name, p): run(make(p), p) for name, (_, make) in cases.items() for p in START}
    return version, runs, {name: call for name, (call, _) in cases.items()}


def keras_runs():
    import keras

    keras.config.set_floatx("float64")

    def run(make, problem):
        opt = make()
        var = keras.Variable(np.array(START[problem], dtype=np.float64), dtype="float64")
        out = []
        for _ in range(STEPS):
            g = gradient(problem, np.array(var.numpy()))
            opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
            w = np.array(var.numpy())
            out.append([float(w[0]), float(w[1])])
        return out

    lr = {"ellipse": 0.1, "rosenbrock": 0.001}
    o = keras.optimizers
    cases = {
        "keras-adagrad": ("keras.optimizers.Adagrad(4η)", lambda p: lambda: o.Adagrad(learning_rate=lr[p] * 4)),
        "keras-rmsprop": ("keras.optimizers.RMSprop(η)", lambda p: lambda: o.RMSprop(learning_rate=lr[p])),
        "keras-rmsprop-momentum": ("keras.optimizers.RMSprop(η/10, momentum=0.9)", lambda p: lambda: o.RMSprop(learning_rate=lr[p] / 10, momentum=0.9)),
        "keras-rmsprop-centered": ("keras.optimizers.RMSprop(η, centered=True)", lambda p: lambda: o.RMSprop(learning_rate=lr[p], centered=True)),
        "keras-rmsprop-centered-momentum": ("keras.optimizers.RMSprop(η/10, centered=True, momentum=0.9)", lambda p: lambda: o.RMSprop(
            learning_rate=lr[p] / 10, centered=True, momentum=0.9
        )),
        "keras-rmsprop-weight-decay": ("keras.optimizers.RMSprop(η, weight_decay=0.1)", lambda p: lambda: o.RMSprop(learning_rate=lr[p], weight_decay=0.1)),
        "keras-sgd-momentum": ("keras.optimizers.SGD(η/2, momentum=0.9)", lambda p: lambda: o.SGD(learning_rate=lr[p] / 2, momentum=0.9)),
        "keras-sgd-nesterov": ("keras.optimizers.SGD(η/2, momentum=0.9, nesterov=True)", lambda p: lambda: o.SGD(learning_rate=lr[p] / 2, momentum=0.9, nesterov=True)),
    }
    version = f"keras {keras.__version__} (backend {keras.backend.backend()})"
    runs = {(name, p): run(make(p), p) for name, (_, make) in cases.items() for p in START}
    return version, runs, {name: call for name, (call, _) in cases.items()}


def torch_runs():
    import torch

    def run(make, problem, scheduler=None):
        param = torch.tensor(START[problem], dtype=torch.float64)
        opt = make([param])
        sched = scheduler(opt) if scheduler else None
        out = []
        for _ in range(STEPS):
            param.grad = torch.tensor(gradient(problem, param.detach().numpy()), dtype=torch.float64)
            opt.step()
            if sched:
                sched.step()
            out.append([float(param[0]), float(param[1])])
        return out

    lr = {"ellipse": 0.1, "rosenbrock": 0.001}
    t = torch.optim
    cases = {
        "torch-adagrad": ("torch.optim.Adagrad(p, 4η)", lambda p: lambda ps: t.Adagrad(ps, lr=lr[p] * 4), None),
        "torch-adagrad-lr-decay": ("torch.optim.Adagrad(p, 4η, lr_decay=0.1)", lambda p: lambda ps: t.Adagrad(ps, lr=lr[p] * 4, lr_decay=0.1), None),
        "torch-adagrad-weight-decay": ("torch.optim.Adagrad(p, 4η, weight_decay=0.1)", lambda p: lambda ps: t.Adagrad(ps, lr=lr[p] * 4, weight_decay=0.1), None),
        "torch-rmsprop": ("torch.optim.RMSprop(p, η)", lambda p: lambda ps: t.RMSprop(ps, lr=lr[p]), None),
        "torch-rmsprop-momentum": ("torch.optim.RMSprop(p, η/10, momentum=0.9)", lambda p: lambda ps: t.RMSprop(ps, lr=lr[p] / 10, momentum=0.9), None),
        "torch-rmsprop-centered": ("torch.optim.RMSprop(p, η, centered=True)", lambda p: lambda ps: t.RMSprop(ps, lr=lr[p], centered=True), None),
        "torch-rmsprop-centered-momentum": ("torch.optim.RMSprop(p, η/10, centered=True, momentum=0.9)", 
            lambda p: lambda ps: t.RMSprop(ps, lr=lr[p] / 10, centered=True, momentum=0.9),
            None,
        ),
        "torch-rmsprop-weight-decay": ("torch.optim.RMSprop(p, η, weight_decay=0.1)", lambda p: lambda ps: t.RMSprop(ps, lr=lr[p], weight_decay=0.1), None),
        "torch-sgd-momentum": ("torch.optim.SGD(p, η/2, momentum=0.9)", lambda p: lambda ps: t.SGD(ps, lr=lr[p] / 2, momentum=0.9), None),
        "torch-sgd-nesterov": ("torch.optim.SGD(p, η/2, momentum=0.9, nesterov=True)", lambda p: lambda ps: t.SGD(ps, lr=lr[p] / 2, momentum=0.9, nesterov=True), None),
        "torch-sgd-momentum-weight-decay": ("torch.optim.SGD(p, η/2, momentum=0.9, weight_decay=0.1)", 
            lambda p: lambda ps: t.SGD(ps, lr=lr[p] / 2, momentum=0.9, weight_decay=0.1),
            None,
        ),
        "torch-adam": ("torch.optim.Adam(p, η)", lambda p: lambda ps: t.Adam(ps, lr=lr[p]), None),
        "torch-adam-amsgrad": ("torch.optim.Adam(p, η, amsgrad=True)", lambda p: lambda ps: t.Adam(ps, lr=lr[p], amsgrad=True), None),
        "torch-adam-weight-decay": ("torch.optim.Adam(p, η, weight_decay=0.1)", lambda p: lambda ps: t.Adam(ps, lr=lr[p], weight_decay=0.1), None),
        "torch-adamw": ("torch.optim.AdamW(p, η, weight_decay=0.1)", lambda p: lambda ps: t.AdamW(ps, lr=lr[p], weight_decay=0.1), None),
        "torch-adamw-amsgrad": ("torch.optim.AdamW(p, η, weight_decay=0.1, amsgrad=True)", lambda p: lambda ps: t.AdamW(ps, lr=lr[p], weight_decay=0.1, amsgrad=True), None),
        "torch-adam-step-lr": ("torch.optim.Adam(p, η) + lr_scheduler.StepLR(step_size=10, gamma=0.5)", 
            lambda p: lambda ps: t.Adam(ps, lr=lr[p]),
            lambda o: t.lr_scheduler.StepLR(o, step_size=10, gamma=0.5),
        ),
        "torch-adam-cosine": ("torch.optim.Adam(p, η) + lr_scheduler.CosineAnnealingLR(T_max=60, eta_min=η/10)", 
            lambda p: lambda ps: t.Adam(ps, lr=lr[p]),
            "cosine",
        ),
        "torch-adam-linear-warmup": ("torch.optim.Adam(p, η) + lr_scheduler.LinearLR(start_factor=0.1, total_iters=10)", 
            lambda p: lambda ps: t.Adam(ps, lr=lr[p]),
            lambda o: t.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
        ),
    }
    runs = {}
    for name, (_, make, sched) in cases.items():
        for p in START:
            if sched == "cosine":
                s = lambda o, p=p: t.lr_scheduler.CosineAnnealingLR(o, T_max=STEPS, eta_min=lr[p] / 10)
            else:
                s = sched
            runs[(name, p)] = run(make(p), p, s)
    return f"torch {torch.__version__}", runs, {name: call for name, (call, _, _) in cases.items()}


def main():
    versions, runs, calls = [], {}, {}
    for source in (optax_runs, keras_runs, torch_runs):
        try:
            version, found, called = source()
        except Exception as error:  # an import that fails: say so and go on
            print(f"skipped {source.__name__}: {error!r}", file=sys.stderr)
            continue
        versions.append(version)
        runs.update(found)
        calls.update(called)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "libraries.rs"), "w") as out:
        out.write("// Written by tests/references/generate.py: do not edit.\n")
        out.write(f"// Libraries: {'; '.join(versions)}; float64, {STEPS} steps.\n")
        out.write("/// Every reference run: (call, problem, the iterates after steps 1, 2, …).\n")
        out.write("const LIBRARY_RUNS: &[(&str, &str, &[[f64; 2]])] = &[\n")
        for (name, problem), iterates in sorted(runs.items()):
            out.write(f'    ("{name}", "{problem}", &[\n')
            for w in iterates:
                out.write(f"        [{w[0]!r}, {w[1]!r}],\n")
            out.write("    ]),\n")
        out.write("];\n")
        out.write("/// Every library call, as Python (η is the base rate: 0.1 on the ellipse, 0.001 on Rosenbrock).\n")
        out.write("const LIBRARY_CALLS: &[(&str, &str)] = &[\n")
        for name, call in sorted(calls.items()):
            out.write(f'    ("{name}", "{call}"),\n')
        out.write("];\n")
    print(f"wrote {len(runs)} runs from {'; '.join(versions)}")


if __name__ == "__main__":
    main()
