//! `cargo bench -p bench`: GB/s of each optimizer's step beside the same-bytes
//! baseline, for n = 10³ … 10⁷ parameters.

use std::hint::black_box;
use std::time::Duration;

use adagrad::Adagrad;
use bench::{
    baseline_five_words, baseline_nine_words, baseline_seven_words, baseline_three_words, best_of,
    gigabytes_per_second,
};
use gd::{Decoupled, GradientDescent, HyperParameterError, L2, Optimizer, Schedule, Scheduled};
use momentum::{Adam, AdamConfig, Momentum, MomentumConfig, RmsPropMomentum};
use rmsprop::{CenteredRmsPropConfig, RmsProp};

fn main() -> Result<(), HyperParameterError> {
    println!(
        "{:>10}  {:<16} {:>9} {:>10} {:>13} {:>7}",
        "n", "optimizer", "ns/elem", "GB/s", "baseline GB/s", "ratio"
    );
    for exponent in 3..=7 {
        let n = 10usize.pow(exponent);
        // About 7·10⁷ element updates per measurement, at least 4 runs.
        let runs = (70_000_000 / n).clamp(4, 7_000);
        let grads: Vec<f64> = (0..n).map(|i| 1e-3 * ((i % 17) as f64 - 8.0)).collect();
        let mut params = vec![0.5; n];
        let mut state = vec![0.0; n];
        let mut second_state = vec![0.0; n];
        let mut third_state = vec![0.0; n];
        // Past T steps the rate stays at α·η, so α > 0 keeps η > 0 for every run.
        let cosine = Schedule::Cosine { steps: 1_000, floor: 0.1 };
        let optimizers: [(&str, usize, Box<dyn Optimizer>); 13] = [
            ("GD", 3, Box::new(GradientDescent::new(1e-3)?)),
            ("Adagrad", 5, Box::new(Adagrad::new(1e-3, n)?)),
            ("RMSprop", 5, Box::new(RmsProp::new(1e-3, n)?)),
            ("Momentum", 5, Box::new(Momentum::new(1e-3, n)?)),
            ("Nesterov", 5, Box::new(MomentumConfig::new(1e-3).nesterov(true).build(n)?)),
            ("RMSprop+momentum", 7, Box::new(RmsPropMomentum::new(1e-3, n)?)),
            ("Adam", 7, Box::new(Adam::new(1e-3, n)?)),
            // What the libraries add: the wrappers against the words of the
            // method they wrap.
            ("RMSprop centered", 7, Box::new(CenteredRmsPropConfig::new(1e-3).build(n)?)),
            ("centered+moment.", 9, Box::new(CenteredRmsPropConfig::pytorch(1e-3, 0.9).build(n)?)),
            ("AMSGrad", 9, Box::new(AdamConfig::pytorch_amsgrad(1e-3).build(n)?)),
            ("RMSprop+L2", 5, Box::new(L2::new(RmsProp::new(1e-3, n)?, 1e-2, n)?)),
            ("AdamW", 7, Box::new(Decoupled::new(Adam::new(1e-3, n)?, 1e-2)?)),
            ("RMSprop cosine", 5, Box::new(Scheduled::new(RmsProp::new(1e-3, n)?, cosine)?)),
        ];
        for (name, words, mut optimizer) in optimizers {
            let (mut time, mut base) = (Duration::MAX, Duration::MAX);
            // Interleave the two so that both see the same machine.
            for _ in 0..3 {
                time = time.min(best_of(runs, || {
                    optimizer.step(black_box(&mut params), black_box(&grads));
                }));
                base = base.min(best_of(runs, || match words {
                    3 => baseline_three_words(black_box(&mut params), black_box(&grads)),
                    5 => baseline_five_words(black_box(&mut params), black_box(&grads), &mut state),
                    7 => baseline_seven_words(
                        black_box(&mut params),
                        black_box(&grads),
                        &mut state,
                        &mut second_state,
                    ),
                    _ => baseline_nine_words(
                        black_box(&mut params),
                        black_box(&grads),
                        [&mut state, &mut second_state, &mut third_state],
                    ),
                }));
            }
            let (speed, base_speed) =
                (gigabytes_per_second(n, words, time), gigabytes_per_second(n, words, base));
            println!(
                "{n:>10}  {name:<16} {:>9.3} {speed:>10.2} {base_speed:>13.2} {:>6.0}%",
                time.as_secs_f64() * 1e9 / n as f64,
                100.0 * speed / base_speed
            );
        }
        black_box(&params);
    }
    Ok(())
}
