//! The numbers of invariants.md: the regression line it quotes.

use anyhow::{Context, Result, bail, ensure};
use gd::{GradientDescent, Stop, StopReason, minimize};
use objectives::DiagonalQuadratic;

use super::book::Book;
use crate::figures::format::fixed;

/// The line of `tests/tests/gradient_descent.proptest-regressions` that
/// invariants.md includes (`{{#include …:7}}`).
const QUOTED_LINE: usize = 7;

/// The regression line that the invariants chapter quotes, and what it does.
pub(super) fn numbers(book: &mut Book) -> Result<()> {
    let root = crate::workspace::root();
    let file = root.join("tests/tests/gradient_descent.proptest-regressions");
    let text =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let test_file = root.join("tests/tests/gradient_descent.rs");
    let test_source = std::fs::read_to_string(&test_file)
        .with_context(|| format!("reading {}", test_file.display()))?;
    // The quoted line is the one whose curvatures the named regression test uses.
    let line_regex = regex::Regex::new(
        r"curvatures, start\) = \(\[([0-9.e-]+), ([0-9.e-]+)\], \[1\.0, 1\.0\]\), theta = ([0-9.]+)",
    )?;
    let mut quoted = None;
    for (index, line) in text.lines().enumerate() {
        if let Some(c) = line_regex.captures(line)
            && test_source.contains(&format!("let curvatures = [{}, {}];", &c[1], &c[2]))
        {
            quoted =
                Some((index + 1, c[1].parse::<f64>()?, c[2].parse::<f64>()?, c[3].parse::<f64>()?));
        }
    }
    let Some((line, lambda1, lambda2, theta)) = quoted else {
        bail!("no line of {} has the curvatures of the named regression test", file.display());
    };
    ensure!(
        line == QUOTED_LINE,
        "invariants.md includes line {QUOTED_LINE} of {}, but the named test's case is on line \
         {line}: update the include and QUOTED_LINE",
        file.display()
    );
    let eta = theta * 2.0 / lambda2;
    let factor = 1.0 - eta * lambda1;
    let objective = DiagonalQuadratic::new("regression", vec![lambda1 / 2.0, lambda2 / 2.0]);
    let trace =
        minimize(&objective, &mut GradientDescent::new(eta)?, &[1.0, 1.0], Stop::after(100_000));
    let StopReason::Diverged { step, .. } = trace.stop else {
        bail!("the regression case should diverge, but {:?}", trace.stop);
    };
    ensure!(factor.abs() < 0.05, "the shrinking coordinate's factor {factor} is not small");
    book.add(
        "invariants",
        "regression-line",
        line.to_string(),
        "the line of gradient_descent.proptest-regressions that the chapter quotes",
    );
    book.add(
        "invariants",
        "regression-factor",
        fixed(factor, 2),
        "1 − η·λ₁ of the quoted regression case: the factor w₁ shrinks by a step",
    );
    book.add(
        "invariants",
        "regression-overflow-step",
        format!("{}", (step as f64 / 100.0).round() as usize * 100),
        "the step (to the hundred) at which w₂ of the quoted case overflows the loss",
    );
    Ok(())
}
