//! The explorable figures of the book, one per chapter: each is the static
//! comparison figure of its chapter on the ellipse 0.1·w₁² + 2·w₂², with its
//! methods, a log grid of η that reaches past each method's edge, a few values of
//! each other parameter, and a grid of starts.
//!
//! The grids are chosen so that every chapter page stays well under 2 MB as
//! served: the data file's size grows with methods × combinations × η × starts ×
//! steps, and the sizes are listed in the browser check's report.

use adagrad::Adagrad;
use anyhow::Result;
use gd::{GradientDescent, Optimizer};
use momentum::{AdamConfig, MomentumConfig};
use objectives::{DiagonalQuadratic, Objective};
use rmsprop::RmsPropConfig;

use super::spec::{Explorer, Method, Param, R5, R10, Sample, preferred_numbers};
use crate::figures::plot::{ADAGRAD, ADAM as ADAM_COLOR, GD, ORANGE, RMSPROP};
use crate::figures::scene::{ELLIPSE_START, ellipse_axes, ellipse_levels};

/// Gradient descent, w ← w − η·g.
const GD_METHOD: Method = Method {
    key: "gd",
    label: "gradient descent",
    color: GD,
    params: &[],
    build: |eta, _, _| Ok(Box::new(GradientDescent::new(eta)?) as Box<dyn Optimizer>),
};

/// Adagrad with the course's defaults.
const ADAGRAD_METHOD: Method = Method {
    key: "adagrad",
    label: "Adagrad",
    color: ADAGRAD,
    params: &[],
    build: |eta, _, n| Ok(Box::new(Adagrad::new(eta, n)?) as Box<dyn Optimizer>),
};

/// RMSprop with decay γ.
const RMSPROP_METHOD: Method = Method {
    key: "rmsprop",
    label: "RMSprop",
    color: RMSPROP,
    params: &["gamma"],
    build: |eta, values, n| {
        let decay = values.first().copied().unwrap_or(0.9);
        Ok(Box::new(RmsPropConfig::new(eta).decay(decay).build(n)?) as Box<dyn Optimizer>)
    },
};

/// Heavy-ball momentum with β.
const MOMENTUM_METHOD: Method = Method {
    key: "momentum",
    label: "momentum",
    color: ORANGE,
    params: &["beta"],
    build: |eta, values, n| {
        let beta = values.first().copied().unwrap_or(0.9);
        Ok(Box::new(MomentumConfig::new(eta).momentum(beta).build(n)?) as Box<dyn Optimizer>)
    },
};

/// Adam with β₁ and β₂.
const ADAM_METHOD: Method = Method {
    key: "adam",
    label: "Adam",
    color: ADAM_COLOR,
    params: &["beta1", "beta2"],
    build: |eta, values, n| {
        let (beta1, beta2) = match values {
            &[beta1, beta2] => (beta1, beta2),
            _ => (0.9, 0.999),
        };
        Ok(Box::new(AdamConfig::new(eta).beta1(beta1).beta2(beta2).build(n)?) as Box<dyn Optimizer>)
    },
};

/// The course's five methods with their defaults, built exactly as the sweeps
/// of the window figures build them ([`sweep::METHODS`]).
const DEFAULTS: [Method; 5] = [
    Method { build: |eta, _, n| Ok((sweep::GRADIENT_DESCENT.build)(eta, n)?), ..GD_METHOD },
    Method { build: |eta, _, n| Ok((sweep::ADAGRAD.build)(eta, n)?), ..ADAGRAD_METHOD },
    Method {
        label: "RMSprop, γ = 0.9",
        params: &[],
        build: |eta, _, n| Ok((sweep::RMSPROP.build)(eta, n)?),
        ..RMSPROP_METHOD
    },
    Method {
        label: "momentum, β = 0.9",
        params: &[],
        build: |eta, _, n| Ok((sweep::MOMENTUM.build)(eta, n)?),
        ..MOMENTUM_METHOD
    },
    Method {
        label: "Adam, β₁ = 0.9, β₂ = 0.999",
        params: &[],
        build: |eta, _, n| Ok((sweep::ADAM.build)(eta, n)?),
        ..ADAM_METHOD
    },
];

const GAMMA: Param = Param {
    key: "gamma",
    symbol: "γ",
    name: "RMSprop's decay",
    values: &[0.5, 0.9, 0.99],
    default: 0.9,
};
const BETA: Param =
    Param { key: "beta", symbol: "β", name: "momentum", values: &[0.0, 0.3, 0.9], default: 0.9 };
const BETA1: Param = Param {
    key: "beta1",
    symbol: "β₁",
    name: "Adam's first-moment decay",
    values: &[0.0, 0.9],
    default: 0.9,
};
const BETA2: Param = Param {
    key: "beta2",
    symbol: "β₂",
    name: "Adam's second-moment decay",
    values: &[0.9, 0.999],
    default: 0.999,
};

/// An explorer on the ellipse, framed as the static ellipse figures.
#[allow(clippy::too_many_arguments)]
fn on_ellipse(
    id: &'static str,
    etas: Vec<f64>,
    eta_default: f64,
    params: &'static [Param],
    methods: &'static [Method],
    starts: [&'static [f64]; 2],
    steps: usize,
    t_default: usize,
    samples: &'static [Sample],
) -> Explorer {
    let axes = ellipse_axes();
    let ellipse = DiagonalQuadratic::ellipse();
    Explorer {
        id,
        title: "the ellipse 0.1·w₁² + 2·w₂²",
        objective: Box::new(ellipse) as Box<dyn Objective>,
        frame: [axes.x, axes.y],
        levels: ellipse_levels(),
        etas,
        eta_default,
        params,
        methods,
        starts,
        start_default: ELLIPSE_START,
        steps,
        t_default,
        samples,
    }
}

/// Every explorer of the book.
pub fn all() -> Result<Vec<Explorer>> {
    Ok(vec![
        // Gradient descent: the zig-zag, and its edge at η = 2/L = 0.5.
        on_ellipse(
            "gd-ellipse",
            preferred_numbers(&R10, 0.01, 0.8)?,
            0.4,
            &[],
            &[GD_METHOD],
            [&[-5.0, -4.0, -3.0, -2.0, -1.0, 1.0], &[-2.0, -1.0, 0.0, 1.0, 2.0]],
            60,
            50,
            &[
                Sample { eta: 0.4, params: &[], start: ELLIPSE_START, t: 50, methods: &["gd"] },
                Sample { eta: 0.0125, params: &[], start: [-1.0, 2.0], t: 37, methods: &["gd"] },
                Sample { eta: 0.5, params: &[], start: [-3.0, 1.0], t: 60, methods: &["gd"] },
                Sample { eta: 0.63, params: &[], start: [-4.0, -1.0], t: 12, methods: &["gd"] },
            ],
        ),
        // Adagrad beside gradient descent: Adagrad's window reaches far past 2/L.
        on_ellipse(
            "adagrad-vs-gd",
            preferred_numbers(&R5, 0.01, 6.3)?,
            0.4,
            &[],
            &[GD_METHOD, ADAGRAD_METHOD],
            [&[-5.0, -4.0, -3.0, -2.0, -1.0, 1.0], &[-2.0, -1.0, 1.0, 2.0]],
            60,
            60,
            &[
                Sample {
                    eta: 0.4,
                    params: &[],
                    start: ELLIPSE_START,
                    t: 60,
                    methods: &["gd", "adagrad"],
                },
                Sample {
                    eta: 2.5,
                    params: &[],
                    start: [-2.0, 2.0],
                    t: 25,
                    methods: &["gd", "adagrad"],
                },
                Sample {
                    eta: 0.016,
                    params: &[],
                    start: [1.0, -1.0],
                    t: 60,
                    methods: &["adagrad"],
                },
                Sample { eta: 0.63, params: &[], start: [-4.0, 1.0], t: 9, methods: &["gd"] },
            ],
        ),
        // RMSprop's decay γ beside gradient descent and Adagrad.
        on_ellipse(
            "rmsprop-paths",
            preferred_numbers(&R5, 0.01, 1.0)?,
            0.1,
            &[GAMMA],
            &[GD_METHOD, ADAGRAD_METHOD, RMSPROP_METHOD],
            [&[-5.0, -2.0, 1.0], &[-2.0, 0.0, 2.0]],
            80,
            80,
            &[
                Sample {
                    eta: 0.1,
                    params: &[],
                    start: ELLIPSE_START,
                    t: 80,
                    methods: &["gd", "adagrad", "rmsprop"],
                },
                Sample {
                    eta: 0.04,
                    params: &[("gamma", 0.99)],
                    start: [-2.0, 2.0],
                    t: 70,
                    methods: &["rmsprop", "adagrad"],
                },
                Sample {
                    eta: 0.63,
                    params: &[("gamma", 0.5)],
                    start: [1.0, 0.0],
                    t: 40,
                    methods: &["gd", "rmsprop"],
                },
            ],
        ),
        // Momentum and Adam, with β, β₁ and β₂ (RMSprop is explored in its chapter
        // and beside every method in "When adapting pays").
        on_ellipse(
            "momentum-adam",
            preferred_numbers(&R5, 0.016, 1.0)?,
            0.1,
            &[BETA, BETA1, BETA2],
            &[MOMENTUM_METHOD, ADAM_METHOD],
            [&[-5.0, -2.0, 1.0], &[-2.0, 2.0]],
            60,
            60,
            &[
                Sample {
                    eta: 0.1,
                    params: &[],
                    start: ELLIPSE_START,
                    t: 60,
                    methods: &["momentum", "adam"],
                },
                Sample {
                    eta: 0.4,
                    params: &[("beta", 0.3), ("beta1", 0.0), ("beta2", 0.9)],
                    start: [-2.0, 2.0],
                    t: 55,
                    methods: &["momentum", "adam"],
                },
                Sample {
                    eta: 1.0,
                    params: &[("beta", 0.0)],
                    start: [1.0, -2.0],
                    t: 20,
                    methods: &["momentum"],
                },
                Sample {
                    eta: 0.025,
                    params: &[("beta1", 0.0)],
                    start: [-5.0, 2.0],
                    t: 45,
                    methods: &["adam"],
                },
            ],
        ),
        // When adapting pays: the five methods with their defaults over the η of
        // the window figures.
        on_ellipse(
            "windows-ellipse",
            preferred_numbers(&R5, 0.01, 10.0)?,
            0.4,
            &[],
            &DEFAULTS,
            [&[-5.0, -2.0, 1.0], &[-2.0, 2.0]],
            60,
            60,
            &[
                Sample {
                    eta: 0.4,
                    params: &[],
                    start: ELLIPSE_START,
                    t: 60,
                    methods: &["gd", "adagrad", "rmsprop", "momentum", "adam"],
                },
                Sample {
                    eta: 6.3,
                    params: &[],
                    start: [1.0, 2.0],
                    t: 30,
                    methods: &["gd", "adagrad", "adam"],
                },
                Sample {
                    eta: 0.016,
                    params: &[],
                    start: [-2.0, -2.0],
                    t: 45,
                    methods: &["rmsprop", "momentum"],
                },
            ],
        ),
    ])
}
