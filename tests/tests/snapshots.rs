//! Snapshot tests: the trajectories the book shows, pinned digit for digit.
//!
//! Each snapshot is a fixed-width table (`Trace::table`) of iterates and losses,
//! headed by the optimizer, the objective, the start and why the run stopped. A
//! change to an update rule, a default or the run loop changes a digit here, and
//! CI (which sets `CI=true`) then fails instead of accepting the new numbers:
//! review a `.snap.new` with `cargo insta review`, or rerun locally with
//! `INSTA_UPDATE=always`, and read every changed line before committing it.
//!
//! - The ellipse 0.1·w₁² + 2·w₂² from (−5, −2) with η = 0.4 (RMSprop with
//!   γ = 0.9): the first 20 steps of each method, the course's running example.
//! - Rosenbrock from (−1.5, 2), 10 000 steps shown every 500, with the learning
//!   rates that make each chapter's point: gradient descent at η = 0.001 crawls
//!   along the valley and at η = 0.0025 diverges within 8 steps (one rate for all
//!   weights); Adagrad at η = 0.4 fills its accumulator in the first steps, then
//!   its rates only fall and it crawls too; RMSprop at η = 0.001 lets its rates
//!   rise again and reaches the end of the valley sooner, then hovers there.
//! - The summary table: for each method and objective, the step from which the
//!   loss gap stays below 1e-6, or how the run failed (see [`Outcome`] for the
//!   exact meaning of "reached", "stalled", "diverged" and "budget spent").

use std::fmt::Write;

use adagrad::Adagrad;
use descent_tests::{Budget, Outcome};
use gd::{GradientDescent, Optimizer, Stop, Trace, minimize};
use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};
use rmsprop::RmsProp;

/// A run of `steps` steps and its table, every `every`-th iterate, under a header.
fn run_table(
    objective: &dyn Objective,
    optimizer: &mut dyn Optimizer,
    start: &[f64],
    steps: usize,
    every: usize,
) -> (Trace, String) {
    let trace = minimize(objective, optimizer, start, Stop::after(steps));
    let header =
        format!("{} on {} from {start:?}: {:?}\n", trace.optimizer, trace.objective, trace.stop);
    let table = header + &trace.table(every);
    (trace, table)
}

/// The per-weight effective learning rates after the given steps (1-based).
fn rates_table(trace: &Trace, steps: &[usize]) -> String {
    let mut out = format!("{:>5} {:>16} {:>16}\n", "step", "rate w1", "rate w2");
    for &t in steps {
        let rates = &trace.effective_learning_rates[t - 1];
        let _ = writeln!(out, "{t:>5} {:>+16.9e} {:>+16.9e}", rates[0], rates[1]);
    }
    out
}

const ELLIPSE_START: [f64; 2] = [-5.0, -2.0];
const ROSENBROCK_START: [f64; 2] = [-1.5, 2.0];

// ANCHOR: snapshot_ellipse
/// The first 20 steps of gradient descent on the ellipse with η = 0.4: w₂'s
/// factor 1 − 0.4·4 = −0.6 makes it zig-zag, w₁'s 1 − 0.4·0.2 = 0.92 crawls.
#[test]
fn ellipse_first_20_steps_of_gradient_descent() {
    let mut gd = GradientDescent::new(0.4).unwrap();
    let (_, table) = run_table(&DiagonalQuadratic::ellipse(), &mut gd, &ELLIPSE_START, 20, 1);
    insta::assert_snapshot!("ellipse_gd", table);
}
// ANCHOR_END: snapshot_ellipse

/// The first 20 steps of Adagrad on the ellipse with η = 0.4: the first step
/// moves both weights by about η, whatever their gradients.
#[test]
fn ellipse_first_20_steps_of_adagrad() {
    let mut adagrad = Adagrad::new(0.4, 2).unwrap();
    let (_, table) = run_table(&DiagonalQuadratic::ellipse(), &mut adagrad, &ELLIPSE_START, 20, 1);
    insta::assert_snapshot!("ellipse_adagrad", table);
}

/// The first 20 steps of RMSprop on the ellipse with η = 0.4 and γ = 0.9: the
/// first step moves both weights by η/√(1 − γ) ≈ 1.26.
#[test]
fn ellipse_first_20_steps_of_rmsprop() {
    let mut rmsprop = RmsProp::new(0.4, 2).unwrap();
    let (_, table) = run_table(&DiagonalQuadratic::ellipse(), &mut rmsprop, &ELLIPSE_START, 20, 1);
    insta::assert_snapshot!("ellipse_rmsprop", table);
}

/// Gradient descent on Rosenbrock: η = 0.001 is stable on the steep walls and
/// crawls along the flat valley floor; η = 0.0025 is too big for the walls and
/// diverges within 8 steps. One learning rate cannot serve both directions.
#[test]
fn rosenbrock_gradient_descent_crawls_at_one_rate_and_diverges_at_a_slightly_larger_one() {
    let rosenbrock = Rosenbrock::default();
    let mut slow = GradientDescent::new(0.001).unwrap();
    let (_, crawl) = run_table(&rosenbrock, &mut slow, &ROSENBROCK_START, 10_000, 500);
    let mut fast = GradientDescent::new(0.0025).unwrap();
    let (_, blow_up) = run_table(&rosenbrock, &mut fast, &ROSENBROCK_START, 10_000, 1);
    insta::assert_snapshot!("rosenbrock_gd", format!("{crawl}\n{blow_up}"));
}

/// Adagrad on Rosenbrock with η = 0.4: the large gradients of its first steps
/// fill the accumulator, so that by step 10 its rates have fallen to about 7e-4
/// and 1.6e-3, and they only fall from there: it crawls along the valley.
#[test]
fn rosenbrock_adagrad_rates_only_fall() {
    let mut adagrad = Adagrad::new(0.4, 2).unwrap();
    let (trace, table) =
        run_table(&Rosenbrock::default(), &mut adagrad, &ROSENBROCK_START, 10_000, 500);
    let rates = rates_table(&trace, &[1, 10, 100, 1000, 10_000]);
    insta::assert_snapshot!("rosenbrock_adagrad", format!("{table}\n{rates}"));
}

/// RMSprop on Rosenbrock with η = 0.001 and γ = 0.9: its rates start tiny (the
/// first gradients are large) and rise a hundredfold as the gradients shrink,
/// which Adagrad's cannot do; it reaches the end of the valley sooner than
/// Adagrad, and then hovers there at a fixed η.
#[test]
fn rosenbrock_rmsprop_keeps_its_rates() {
    let mut rmsprop = RmsProp::new(0.001, 2).unwrap();
    let (trace, table) =
        run_table(&Rosenbrock::default(), &mut rmsprop, &ROSENBROCK_START, 10_000, 500);
    let rates = rates_table(&trace, &[1, 10, 100, 1000, 10_000]);
    insta::assert_snapshot!("rosenbrock_rmsprop", format!("{table}\n{rates}"));
}

/// The step budget of every run in the summary table.
const BUDGET: usize = 10_000;

// ANCHOR: summary_table
/// The summary table of the book: for each method (rows) and objective (columns),
/// the step from which the loss gap J(w) − J(w*) stays below 1e-6, or how the
/// run failed, within 10 000 steps. Starts: (−5, −2) for the quadratics, (−1.5, 2)
/// for Rosenbrock, (0, 0) for the regression.
#[test]
fn summary_steps_to_reach_the_target_or_how_each_run_failed() {
    let valley = Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]);
    let objectives: [(&dyn Objective, [f64; 2]); 5] = [
        (&DiagonalQuadratic::bowl(), ELLIPSE_START),
        (&DiagonalQuadratic::ellipse(), ELLIPSE_START),
        (&valley, ELLIPSE_START),
        (&Rosenbrock::default(), ROSENBROCK_START),
        (&LinearRegression::course_data(), [0.0, 0.0]),
    ];
    let methods: [fn() -> Box<dyn Optimizer>; 6] = [
        || Box::new(GradientDescent::new(0.4).unwrap()),
        || Box::new(GradientDescent::new(0.002).unwrap()),
        || Box::new(Adagrad::new(0.4, 2).unwrap()),
        || Box::new(Adagrad::new(1.0, 2).unwrap()),
        || Box::new(RmsProp::new(0.4, 2).unwrap()),
        || Box::new(RmsProp::new(0.001, 2).unwrap()),
    ];
    let mut table = format!("{:<22}", "method");
    for (objective, _) in &objectives {
        let _ = write!(table, " {:>25}", objective.name());
    }
    table.push('\n');
    for make in methods {
        let _ = write!(table, "{:<22}", make().name());
        for (objective, start) in &objectives {
            let minimum = objective.value(&objective.minimizer().unwrap());
            let trace = minimize(*objective, make().as_mut(), start, Stop::after(BUDGET));
            let _ = write!(
                table,
                " {:>25}",
                Outcome::of(&trace, minimum, Budget::SUMMARY.target).to_string()
            );
        }
        table.push('\n');
    }
    insta::assert_snapshot!("summary", table);
}
// ANCHOR_END: summary_table
