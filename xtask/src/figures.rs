//! `cargo xtask figures` (being built; see the open issue).

/// The command line of `cargo xtask figures`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `cargo xtask figures`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("cargo xtask figures is not built yet")
}
