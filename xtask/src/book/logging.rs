//! The log lines of mdBook and of the xtask's book commands: mdBook logs its
//! errors through `tracing`, and without a subscriber they vanish.

/// Prints mdBook's and our log lines (mdBook logs its errors; without a
/// subscriber they vanish). `RUST_LOG` overrides the level.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(tracing_subscriber::filter::LevelFilter::INFO.into())
        .from_env_lossy();
    // A second call (in tests) finds a subscriber already set: that is fine.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .with_target(false)
        .without_time()
        .try_init();
}
