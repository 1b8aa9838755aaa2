//! A pool of worker threads: each item worked on once, by whichever worker is
//! free first, and the results in the items' order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work(worker, item)` for every item of `items`, at most `workers` at once
/// (`worker` is the number, from 0, of the thread that does it); the results in
/// the order of `items`.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    work: impl Fn(usize, &T) -> R + Sync,
) -> anyhow::Result<Vec<R>> {
    let next = AtomicUsize::new(0);
    let workers = workers.clamp(1, items.len().max(1));
    let done = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|worker| {
                let (next, work) = (&next, &work);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(index) else { break };
                        done.push((index, work(worker, item)));
                    }
                    done
                })
            })
            .collect();
        threads.into_iter().map(|thread| thread.join()).collect::<Result<Vec<_>, _>>()
    })
    .map_err(|_| anyhow::anyhow!("a grading thread panicked"))?;
    let mut done: Vec<(usize, R)> = done.into_iter().flatten().collect();
    done.sort_by_key(|(index, _)| *index);
    Ok(done.into_iter().map(|(_, result)| result).collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn every_item_is_worked_on_once_and_the_results_keep_their_order() {
        let items: Vec<u32> = (0..50).collect();
        let seen = Mutex::new(BTreeSet::new());
        let squares = map(&items, 4, |worker, &x| {
            assert!(worker < 4);
            assert!(seen.lock().unwrap().insert(x));
            x * x
        })
        .unwrap();
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_and_no_workers_are_fine() {
        assert!(map(&[] as &[u32], 3, |_, &x| x).unwrap().is_empty());
        assert_eq!(map(&[7], 0, |worker, &x| (worker, x)).unwrap(), [(0, 7)]);
    }

    #[test]
    fn a_panicking_worker_is_an_error() {
        let failed = map(&[1, 2, 3], 2, |_, &x| assert_ne!(x, 2));
        assert!(failed.is_err());
    }
}
