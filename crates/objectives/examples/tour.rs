//! Prints each objective's value and gradient at the course's starting points.
//!
//! Run with `cargo run -p objectives --example tour`.

use objectives::{DiagonalQuadratic, LinearRegression, Objective, Quadratic, Rosenbrock};

fn main() {
    let valley = Quadratic::rotated_valley(std::f64::consts::FRAC_PI_6, [0.2, 4.0], [1.0, 1.0]);
    let problems: [(&dyn Objective, &[f64]); 6] = [
        (&DiagonalQuadratic::parabola(), &[3.0]),
        (&DiagonalQuadratic::bowl(), &[-4.0, 3.0]),
        (&DiagonalQuadratic::ellipse(), &[-5.0, -2.0]),
        (&valley, &[-4.0, -2.0]),
        (&Rosenbrock::default(), &[-1.5, 2.0]),
        (&LinearRegression::course_data(), &[0.0, 0.0]),
    ];
    println!("{:<18} {:<14} {:>10}  gradient", "objective", "w", "J(w)");
    for (objective, w) in problems {
        let mut g = vec![0.0; objective.dimension()];
        objective.gradient(w, &mut g);
        let value = objective.value(w);
        println!("{:<18} {:<14} {value:>10.4}  {g:.4?}", objective.name(), format!("{w:?}"));
    }
}
