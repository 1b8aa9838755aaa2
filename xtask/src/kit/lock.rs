//! One build at a time in a kit target folder: an exclusive OS lock on a file
//! in it (`File::lock`), which the OS releases when its holder ends, even by a
//! crash, so that a lock is never left behind.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// How long a build waits for the lock before it says it is waiting.
const QUIET_WAIT: Duration = Duration::from_secs(5);

/// An exclusive hold on a kit target folder, released when dropped.
#[derive(Debug)]
pub struct TargetLock {
    /// The locked file; the lock goes with it.
    _file: File,
    /// The target folder it guards.
    pub dir: PathBuf,
}

impl TargetLock {
    /// Waits for, and takes, the lock on `dir`.
    pub fn acquire(dir: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join("kit.lock");
        let file = File::options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let quiet_until = Instant::now() + QUIET_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < quiet_until => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::WouldBlock) => {
                    eprintln!(
                        "waiting for another build in {} (lock {})",
                        dir.display(),
                        path.display()
                    );
                    file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
                    break;
                }
                Err(TryLockError::Error(error)) => {
                    return Err(error).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
        Ok(Self { _file: file, dir: dir.to_path_buf() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True if another open file of `path` can take the lock right now.
    fn free(path: &Path) -> bool {
        let file = File::options().write(true).open(path).unwrap();
        file.try_lock().is_ok()
    }

    #[test]
    fn a_held_lock_keeps_others_out_until_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kit.lock");
        let lock = TargetLock::acquire(dir.path()).unwrap();
        assert_eq!(lock.dir, dir.path());
        assert!(!free(&path));
        drop(lock);
        assert!(free(&path));
    }

    #[test]
    fn a_lock_file_left_behind_holds_nothing() {
        // What a crashed holder, or the pid file of the former lock, leaves.
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kit.lock"), "999999999").unwrap();
        let lock = TargetLock::acquire(dir.path()).unwrap();
        drop(lock);
        TargetLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn a_waiting_build_gets_the_lock_when_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let lock = TargetLock::acquire(dir.path()).unwrap();
        let started = Instant::now();
        let waiter = std::thread::spawn({
            let dir = dir.path().to_path_buf();
            move || TargetLock::acquire(&dir).map(|_| started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(lock);
        let waited = waiter.join().unwrap().unwrap();
        assert!(waited >= Duration::from_millis(300), "{waited:?}");
    }
}
