//! A job list run on every core, results in the order of the jobs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `job(0)`, …, `job(count − 1)`, run on as many threads as the machine has cores,
/// each thread taking the next job when it finishes one; the results in order.
///
/// The results do not depend on which thread ran which job: each job computes
/// from its index alone.
pub fn map<T: Send>(count: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let threads =
        std::thread::available_parallelism().map_or(1, usize::from).clamp(1, count.max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        break;
                    }
                    let result = job(index);
                    if let Ok(mut slots) = results.lock() {
                        slots[index] = Some(result);
                    }
                }
            });
        }
    });
    // A job that panicked has taken its thread down and `scope` has re-raised the
    // panic by now, so every slot is filled.
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .map(|slot| slot.expect("every job ran: a panic in one would have stopped the scope"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_the_order_of_the_jobs() {
        let squares = super::map(100, |i| i * i);
        assert_eq!(squares, (0..100).map(|i| i * i).collect::<Vec<_>>());
        assert!(super::map(0, |i| i).is_empty());
    }
}
