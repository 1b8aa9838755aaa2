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

Every call is written once, as the Python a user writes (`optax.adam(η)`), and
that text is both what runs and what `libraries.rs` records. Before anything
runs, `check_plain_call` refuses a call that is anything but the library's own
functions and classes applied to numbers, η and the parameters: no lambda, no
helper of this script, no `dtype=`, no numpy or jax.numpy. A wrapper that
changed a library's dtype or arithmetic (as an earlier version's `in_float64`,
which evaluated optax's schedules at a float64 count, did) cannot be written.
"""

import ast
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


# η, the base rate of each problem; the calls write it as the name η.
LEARNING_RATE = {"ellipse": 0.1, "rosenbrock": 0.001}

# Keyword arguments that would change what a library computes in, rather than what.
FORBIDDEN_KEYWORDS = {"dtype", "device", "foreach", "fused", "capturable", "differentiable"}


def check_plain_call(call, library, names):
    """Refuses `call` unless it is the library's own API applied to plain values.

    Allowed: calls of attributes of `library` (`optax.adam`, `torch.optim.Adam`),
    numbers, the names in `names` (η, the parameters), arithmetic on them, and
    keyword arguments other than FORBIDDEN_KEYWORDS. Everything else (a lambda,
    a helper function, a conversion through numpy or jax.numpy, a `dtype=`) is an
    error naming the call, so that no reference is made by a wrapper that changes
    the library's arithmetic.
    """
    tree = ast.parse(call, mode="eval")

    def library_path(node):
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id == library

    def check(node):
        if isinstance(node, ast.Expression):
            return check(node.body)
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Attribute) and library_path(node.func)):
                raise ValueError(f"{call!r}: {ast.unparse(node.func)} is not {library}'s own")
            for keyword in node.keywords:
                if keyword.arg is None or keyword.arg in FORBIDDEN_KEYWORDS:
                    raise ValueError(f"{call!r}: keyword {keyword.arg!r} changes the arithmetic")
                check(keyword.value)
            for argument in node.args:
                check(argument)
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool)):
            return
        if isinstance(node, ast.Name) and node.id in names:
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            check(node.left)
            check(node.right)
            return
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return check(node.operand)
        raise ValueError(f"{call!r}: {ast.unparse(node)} is not a plain value or a call of {library}")

    check(tree)
    return compile(tree, f"<{library} call>", "eval")


def refuses(call, library, names):
    try:
        check_plain_call(call, library, names)
    except ValueError:
        return True
    return False


# The check refuses the wrappers it exists to refuse; it runs before any library.
assert refuses("optax.adam(in_float64(optax.exponential_decay(η, 10, 0.5)))", "optax", {"η"})
assert refuses("optax.adam(lambda count: optax.cosine_decay_schedule(η, 40)(count * 1.0))", "optax", {"η"})
assert refuses("optax.adam(optax.exponential_decay(jnp.float64(η), 10, 0.5))", "optax", {"η"})
assert refuses("torch.optim.Adam(p, η, foreach=True)", "torch", {"η", "p"})
assert refuses("keras.optimizers.Adam(η, dtype='float32')", "keras", {"η"})
assert not refuses("optax.adam(optax.exponential_decay(η, transition_steps=10, decay_rate=0.5))", "optax", {"η"})


def make(call, library, module, **values):
    """The object `call` makes, after `check_plain_call` has accepted it."""
    code = check_plain_call(call, library, set(values) | {"η"})
    return lambda problem: eval(code, {"__builtins__": {}, library: module, "η": LEARNING_RATE[problem], **values})


OPTAX_CALLS = {
    "optax-adagrad": "optax.adagrad(4 * η)",
    "optax-rmsprop": "optax.rmsprop(η)",
    "optax-rmsprop-momentum": "optax.rmsprop(η / 10, momentum=0.9)",
    "optax-rmsprop-centered": "optax.rmsprop(η, centered=True)",
    "optax-rmsprop-centered-momentum": "optax.rmsprop(η / 10, centered=True, momentum=0.9)",
    "optax-rmsprop-centered-momentum-eps-outside": "optax.rmsprop(η / 10, centered=True, momentum=0.9, eps_in_sqrt=False)",
    "optax-rmsprop-step-decay": "optax.rmsprop(optax.exponential_decay(η, transition_steps=10, decay_rate=0.5, staircase=True))",
    "optax-sgd-momentum": "optax.sgd(η / 2, momentum=0.9)",
    "optax-sgd-nesterov": "optax.sgd(η / 2, momentum=0.9, nesterov=True)",
    "optax-sgd-momentum-warmup-cosine": "optax.sgd(optax.warmup_cosine_decay_schedule(η / 20, η / 2, warmup_steps=10, decay_steps=50, end_value=η / 20), momentum=0.9)",
    "optax-adam": "optax.adam(η)",
    "optax-amsgrad": "optax.amsgrad(η)",
    "optax-adamw": "optax.adamw(η, weight_decay=0.1)",
    "optax-adam-cosine": "optax.adam(optax.cosine_decay_schedule(η, decay_steps=40, alpha=0.1))",
    "optax-adam-step-decay": "optax.adam(optax.exponential_decay(η, transition_steps=10, decay_rate=0.5, staircase=True))",
    "optax-adam-warmup-cosine": "optax.adam(optax.warmup_cosine_decay_schedule(η / 10, η, warmup_steps=10, decay_steps=50, end_value=η / 10))",
    "optax-adam-warmup-cosine-from-zero": "optax.adam(optax.warmup_cosine_decay_schedule(0.0, η, warmup_steps=10, decay_steps=50, end_value=η / 10))",
}

KERAS_CALLS = {
    "keras-adagrad": "keras.optimizers.Adagrad(4 * η)",
    "keras-rmsprop": "keras.optimizers.RMSprop(η)",
    "keras-rmsprop-momentum": "keras.optimizers.RMSprop(η / 10, momentum=0.9)",
    "keras-rmsprop-centered": "keras.optimizers.RMSprop(η, centered=True)",
    "keras-rmsprop-centered-momentum": "keras.optimizers.RMSprop(η / 10, centered=True, momentum=0.9)",
    "keras-rmsprop-weight-decay": "keras.optimizers.RMSprop(η, weight_decay=0.1)",
    "keras-sgd-momentum": "keras.optimizers.SGD(η / 2, momentum=0.9)",
    "keras-sgd-nesterov": "keras.optimizers.SGD(η / 2, momentum=0.9, nesterov=True)",
    "keras-adam": "keras.optimizers.Adam(η)",
    "keras-adam-amsgrad": "keras.optimizers.Adam(η, amsgrad=True)",
    "keras-adamw": "keras.optimizers.AdamW(η, weight_decay=0.1)",
}

# (the optimizer over the parameters p, the scheduler of that optimizer opt or None)
TORCH_CALLS = {
    "torch-adagrad": ("torch.optim.Adagrad(p, 4 * η)", None),
    "torch-adagrad-lr-decay": ("torch.optim.Adagrad(p, 4 * η, lr_decay=0.1)", None),
    "torch-adagrad-weight-decay": ("torch.optim.Adagrad(p, 4 * η, weight_decay=0.1)", None),
    "torch-rmsprop": ("torch.optim.RMSprop(p, η)", None),
    "torch-rmsprop-momentum": ("torch.optim.RMSprop(p, η / 10, momentum=0.9)", None),
    "torch-rmsprop-centered": ("torch.optim.RMSprop(p, η, centered=True)", None),
    "torch-rmsprop-centered-momentum": ("torch.optim.RMSprop(p, η / 10, centered=True, momentum=0.9)", None),
    "torch-rmsprop-weight-decay": ("torch.optim.RMSprop(p, η, weight_decay=0.1)", None),
    "torch-sgd-momentum": ("torch.optim.SGD(p, η / 2, momentum=0.9)", None),
    "torch-sgd-nesterov": ("torch.optim.SGD(p, η / 2, momentum=0.9, nesterov=True)", None),
    "torch-sgd-momentum-weight-decay": ("torch.optim.SGD(p, η / 2, momentum=0.9, weight_decay=0.1)", None),
    "torch-adam": ("torch.optim.Adam(p, η)", None),
    "torch-adam-amsgrad": ("torch.optim.Adam(p, η, amsgrad=True)", None),
    "torch-adam-weight-decay": ("torch.optim.Adam(p, η, weight_decay=0.1)", None),
    "torch-adamw": ("torch.optim.AdamW(p, η, weight_decay=0.1)", None),
    "torch-adamw-amsgrad": ("torch.optim.AdamW(p, η, weight_decay=0.1, amsgrad=True)", None),
    "torch-adam-step-lr": ("torch.optim.Adam(p, η)", "torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)"),
    "torch-adam-cosine": ("torch.optim.Adam(p, η)", "torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=60, eta_min=η / 10)"),
    "torch-adam-linear-warmup": ("torch.optim.Adam(p, η)", "torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=10)"),
    "torch-adam-linear-warmup-from-near-zero": ("torch.optim.Adam(p, η)", "torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.001, total_iters=10)"),
}


def optax_runs():
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)

    def run(opt, problem):
        params = jnp.array(START[problem], dtype=jnp.float64)
        state = opt.init(params)
        out = []
        for _ in range(STEPS):
            g = jnp.array(gradient(problem, params), dtype=jnp.float64)
            updates, state = opt.update(g, state, params)
            params = optax.apply_updates(params, updates)
            out.append([float(params[0]), float(params[1])])
        return out

    makers = {name: make(call, "optax", optax) for name, call in OPTAX_CALLS.items()}
    version = f"optax {optax.__version__} (jax {jax.__version__})"
    runs = {(name, p): run(maker(p), p) for name, maker in makers.items() for p in START}
    return version, runs, dict(OPTAX_CALLS)


def keras_runs():
    import keras

    keras.config.set_floatx("float64")

    def run(opt, problem):
        var = keras.Variable(np.array(START[problem], dtype=np.float64), dtype="float64")
        out = []
        for _ in range(STEPS):
            g = gradient(problem, np.array(var.numpy()))
            opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
            w = np.array(var.numpy())
            out.append([float(w[0]), float(w[1])])
        return out

    makers = {name: make(call, "keras", keras) for name, call in KERAS_CALLS.items()}
    version = f"keras {keras.__version__} (backend {keras.backend.backend()})"
    runs = {(name, p): run(maker(p), p) for name, maker in makers.items() for p in START}
    return version, runs, dict(KERAS_CALLS)


def torch_runs():
    import torch

    def run(call, scheduler, problem):
        param = torch.tensor(START[problem], dtype=torch.float64)
        opt = make(call, "torch", torch, p=[param])(problem)
        sched = make(scheduler, "torch", torch, opt=opt)(problem) if scheduler else None
        out = []
        for _ in range(STEPS):
            param.grad = torch.tensor(gradient(problem, param.detach().numpy()), dtype=torch.float64)
            opt.step()
            if sched:
                sched.step()
            out.append([float(param[0]), float(param[1])])
        return out

    runs = {
        (name, p): run(call, scheduler, p)
        for name, (call, scheduler) in TORCH_CALLS.items()
        for p in START
    }
    calls = {
        name: call if scheduler is None else f"{call}; {scheduler}"
        for name, (call, scheduler) in TORCH_CALLS.items()
    }
    return f"torch {torch.__version__}", runs, calls


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
        out.write("/// Every library call, as the Python that ran it (η is the base rate: 0.1 on the ellipse,\n")
        out.write("/// 0.001 on Rosenbrock; p the parameters, opt the optimizer a scheduler drives).\n")
        out.write("const LIBRARY_CALLS: &[(&str, &str)] = &[\n")
        for name, call in sorted(calls.items()):
            out.write(f'    ("{name}", "{call}"),\n')
        out.write("];\n")
    print(f"wrote {len(runs)} runs from {'; '.join(versions)}")


if __name__ == "__main__":
    main()
