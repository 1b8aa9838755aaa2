//! `cargo xtask grade` (being built; see the open issue).

/// The command line of `cargo xtask grade`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `cargo xtask grade`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("cargo xtask grade is not built yet")
}
