//! `cargo xtask book` (being built; see the open issue).

/// The command line of `cargo xtask book`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `cargo xtask book`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("cargo xtask book is not built yet")
}
