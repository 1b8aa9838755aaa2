//! `cargo xtask student` (being built; see the open issue).

/// The command line of `cargo xtask student`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `cargo xtask student`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("cargo xtask student is not built yet")
}
