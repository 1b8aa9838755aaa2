//! The problems the book sweeps, and how one run on each is made.
//!
//! Three kinds: the course's small problems, raced to a target
//! ([`windows`]); real data and rare features, run for a fixed number of
//! full-batch steps ([`budgeted`]); and minibatch runs for a fixed number of
//! epochs ([`minibatch_run`]).

use anyhow::{Context, Result, anyhow};
use datasets::{BatchSampler, Dataset, RareFeatures, Sampling};
use gd::Optimizer;
use objectives::{
    DiagonalQuadratic, FiniteSum, LinearRegression, LogisticRegression, Objective, Quadratic,
    Rosenbrock,
};
use sweep::{BLOW_UP, Budget, METHODS, Method, log_grid};

use super::record::Final;

/// An objective shared by the threads of a sweep.
pub type Shared = Box<dyn Objective + Send + Sync>;

/// A problem of the window sweeps: raced to J − J* < target within a budget.
pub struct WindowProblem {
    /// A short key for file names and numbers ("ellipse").
    pub key: &'static str,
    /// How the figures name it.
    pub title: &'static str,
    /// The objective.
    pub objective: Shared,
    /// Where every run starts.
    pub start: Vec<f64>,
    /// J(w*).
    pub minimum: f64,
    /// The learning rates tried.
    pub grid: Vec<f64>,
    /// What counts as arrived.
    pub budget: Budget,
    /// 2/L for a quadratic whose largest curvature L is known.
    pub two_over_l: Option<f64>,
}

/// The least value of `objective`, from its minimizer.
pub fn least(objective: &dyn Objective) -> Result<f64> {
    let w = objective
        .minimizer()
        .with_context(|| format!("the {} has no minimizer", objective.name()))?;
    Ok(objective.value(&w))
}

/// The larger eigenvalue of the symmetric 2×2 matrix [[a, b], [b, c]].
fn largest_eigenvalue(a: f64, b: f64, c: f64) -> f64 {
    (a + c) / 2.0 + (((a - c) / 2.0).powi(2) + b * b).sqrt()
}

/// The course's small problems, each swept over ten learning rates a decade.
pub fn windows() -> Result<Vec<WindowProblem>> {
    let budget = Budget::SUMMARY;
    let grid = log_grid(-4, 2, 10);
    let regression = LinearRegression::course_data();
    // J = (1/2m)·Σ (w₁ + w₂·x − y)²: the Hessian is [[1, x̄], [x̄, mean x²]].
    let m = regression.points().count() as f64;
    let (sum_x, sum_xx) = regression.points().fold((0.0, 0.0), |(s, q), (x, _)| (s + x, q + x * x));
    let regression_l = largest_eigenvalue(1.0, sum_x / m, sum_xx / m);
    let valley = Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]);
    let problem = |key, title, objective: Shared, start: Vec<f64>, grid, two_over_l| {
        let minimum = least(objective.as_ref())?;
        anyhow::Ok(WindowProblem {
            key,
            title,
            objective,
            start,
            minimum,
            grid,
            budget,
            two_over_l,
        })
    };
    Ok(vec![
        problem(
            "bowl",
            "the bowl ½(w₁² + w₂²)",
            Box::new(DiagonalQuadratic::bowl()),
            vec![-4.0, 3.0],
            grid.clone(),
            Some(2.0),
        )?,
        problem(
            "ellipse",
            "the ellipse 0.1·w₁² + 2·w₂²",
            Box::new(DiagonalQuadratic::ellipse()),
            vec![-5.0, -2.0],
            grid.clone(),
            Some(0.5),
        )?,
        problem(
            "valley",
            "the rotated valley (curvatures 0.2 and 4, turned 30°)",
            Box::new(valley),
            vec![-4.0, -2.0],
            grid.clone(),
            Some(0.5),
        )?,
        problem(
            "rosenbrock",
            "Rosenbrock's valley",
            Box::<Rosenbrock>::default(),
            vec![-1.5, 2.0],
            log_grid(-5, 1, 10),
            None,
        )?,
        problem(
            "regression",
            "the linear regression",
            Box::new(regression),
            vec![0.0, 0.0],
            grid,
            Some(2.0 / regression_l),
        )?,
    ])
}

/// The ridge λ of the breast-cancer logistic regressions: the data are linearly
/// separable, so without one the loss has no minimum (it falls towards 0 as |w|
/// grows without bound).
pub const RIDGE: f64 = 1e-3;

/// The breast-cancer logistic regression on raw features, or on standardized ones.
pub fn breast_cancer(standardized: bool) -> Result<LogisticRegression> {
    let data: Dataset = datasets::breast_cancer()?;
    let data = if standardized { data.standardized() } else { data };
    let name = if standardized { "standardized features" } else { "raw features" };
    Ok(data.logistic_regression(RIDGE)?.named(name))
}

/// A problem run for a fixed number of full-batch steps at each η.
pub struct BudgetedProblem {
    /// A short key ("breast-cancer-raw").
    pub key: &'static str,
    /// The objective.
    pub objective: Shared,
    /// J(w*).
    pub minimum: f64,
    /// The learning rates tried.
    pub grid: Vec<f64>,
    /// The steps of every run.
    pub steps: usize,
    /// The methods run.
    pub methods: Vec<Method>,
}

/// The breast-cancer data, raw and standardized, and the rare features: each
/// method for 1000 full-batch steps from w = 0 at each η.
pub fn budgeted() -> Result<Vec<BudgetedProblem>> {
    let mut problems = Vec::new();
    for (key, standardized) in [("breast-cancer-raw", false), ("breast-cancer-standardized", true)]
    {
        let objective = breast_cancer(standardized)?;
        let minimum = least(&objective)?;
        problems.push(BudgetedProblem {
            key,
            objective: Box::new(objective),
            minimum,
            grid: log_grid(-8, 2, 3),
            steps: 1000,
            methods: METHODS.to_vec(),
        });
    }
    let rare = RareFeatures::course().problem().clone();
    let minimum = least(&rare)?;
    problems.push(BudgetedProblem {
        key: "rare-features",
        objective: Box::new(rare),
        minimum,
        grid: log_grid(-3, 3, 5),
        steps: 1000,
        methods: METHODS[..3].to_vec(),
    });
    Ok(problems)
}

/// Runs `method` at `eta` on `objective` from w = 0 for `steps` steps: the run's
/// trace, and where it ended. A gap that grows [`BLOW_UP`]-fold counts as
/// diverged, as in the races.
pub fn budgeted_run(
    objective: &dyn Objective,
    minimum: f64,
    method: Method,
    eta: f64,
    steps: usize,
) -> Result<(gd::Trace, Final)> {
    let mut optimizer = (method.build)(eta, objective.dimension())?;
    let start = vec![0.0; objective.dimension()];
    let stop = gd::Stop::after(steps).or_when_gradient_below(0.0);
    let trace = gd::minimize(objective, optimizer.as_mut(), &start, stop);
    let ceiling = BLOW_UP * (trace.losses.first().copied().unwrap_or(0.0) - minimum);
    if let Some(t) = trace.losses.iter().position(|loss| loss - minimum > ceiling) {
        return Ok((trace, Final::Diverged(t)));
    }
    let ended = match trace.stop {
        gd::StopReason::Diverged { step, .. } => Final::Diverged(step),
        _ => Final::Gap(trace.losses.last().copied().unwrap_or(f64::NAN) - minimum),
    };
    Ok((trace, ended))
}

/// A minibatch run: the gap J − J* at the end of each epoch (starting with epoch
/// 0), the steps taken, where it ended, and the optimizer as it ended.
pub struct MinibatchRun {
    /// J − J* after 0, 1, 2, … epochs.
    pub gaps: Vec<f64>,
    /// The steps taken.
    pub steps: usize,
    /// Where the run ended.
    pub ended: Final,
    /// The optimizer after its last step (for its per-weight rates).
    pub optimizer: Box<dyn Optimizer>,
}

/// The minibatch problem: standardized breast-cancer features.
pub fn minibatch_problem() -> Result<(LogisticRegression, f64)> {
    let objective = breast_cancer(true)?;
    let minimum = least(&objective)?;
    Ok((objective, minimum))
}

/// The batch sizes of the noise sweeps: one sample, 16, and the whole data set.
pub const BATCH_SIZES: [usize; 3] = [1, 16, 569];

/// The epochs of every minibatch run.
pub const EPOCHS: usize = 20;

/// The learning rates of the minibatch sweeps.
pub fn minibatch_grid() -> Vec<f64> {
    log_grid(-5, 1, 5)
}

/// `method` at `eta` on `problem` with batches of `batch_size` drawn without
/// replacement from the stream of seed 11, for [`EPOCHS`] epochs from w = 0: the
/// gap J − J* at the end of each epoch (starting with epoch 0), the steps taken,
/// and where the run ended. A non-finite number, or a gap grown [`BLOW_UP`]-fold,
/// ends it as diverged.
pub fn minibatch_run(
    problem: &LogisticRegression,
    minimum: f64,
    method: Method,
    eta: f64,
    batch_size: usize,
) -> Result<MinibatchRun> {
    minibatch_run_for(problem, minimum, method, eta, batch_size, EPOCHS)
}

/// [`minibatch_run`] for `epochs` epochs.
pub fn minibatch_run_for(
    problem: &LogisticRegression,
    minimum: f64,
    method: Method,
    eta: f64,
    batch_size: usize,
    epochs: usize,
) -> Result<MinibatchRun> {
    let optimizer = (method.build)(eta, problem.dimension())?;
    minibatch_run_with(problem, minimum, optimizer, batch_size, epochs)
}

/// [`minibatch_run_for`] with an optimizer built by the caller (a schedule, a
/// decay): the same batches, the same record of each epoch.
pub fn minibatch_run_with(
    problem: &LogisticRegression,
    minimum: f64,
    mut optimizer: Box<dyn Optimizer>,
    batch_size: usize,
    epochs: usize,
) -> Result<MinibatchRun> {
    let n = problem.dimension();
    let mut sampler =
        BatchSampler::new(problem.samples(), batch_size, Sampling::WithoutReplacement, 11)
            .map_err(|e| anyhow!("{e}"))?;
    let mut w = vec![0.0; n];
    let mut g = vec![0.0; n];
    let start = problem.value(&w) - minimum;
    let mut gaps = vec![start];
    let per_epoch = sampler.batches_per_epoch();
    let mut steps = 0;
    for _ in 0..epochs {
        for _ in 0..per_epoch {
            problem.batch_gradient(&w, sampler.next_batch(), &mut g);
            optimizer.step(&mut w, &g);
            steps += 1;
            if !w.iter().all(|x| x.is_finite()) {
                return Ok(MinibatchRun { gaps, steps, ended: Final::Diverged(steps), optimizer });
            }
        }
        let gap = problem.value(&w) - minimum;
        if !gap.is_finite() || gap > BLOW_UP * start {
            return Ok(MinibatchRun { gaps, steps, ended: Final::Diverged(steps), optimizer });
        }
        gaps.push(gap);
    }
    let last = *gaps.last().unwrap_or(&start);
    Ok(MinibatchRun { gaps, steps, ended: Final::Gap(last), optimizer })
}
