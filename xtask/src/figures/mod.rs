//! `cargo xtask figures [--check]`: every figure of the book, drawn from the crates.
//!
//! Each figure runs the course's own code (`gd::minimize` with the real optimizers
//! on the `objectives` types) and plots its [`gd::Trace`], so a changed formula
//! changes the figure. The SVGs go to `book/src/figures/` and are committed; a
//! second run writes identical bytes.
//!
//! - `cargo xtask figures` draws them all and rewrites those that changed. Each file
//!   is written to a temporary file in the same folder and renamed over the old one,
//!   so a failure never leaves a half-written figure.
//! - `cargo xtask figures --check` draws them in memory and fails, naming every
//!   stale or missing file, when the committed files differ (CI runs it).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

// The figures and tables of each chapter, the numbers its prose quotes and the data
// of the explorable figures, then the pieces they share. The order is the stair of
// the imports: a module uses only its own descendants and the modules declared
// after it, never one above (`tests/imports_point_down.rs` checks it; the comment
// above each line keeps rustfmt from sorting them).
//
// The numbers the prose quotes, from the runs the chapters below draw.
pub mod numbers;
// Chapter "Vanilla gradient descent".
mod gradient_descent;
// Chapter "A learning rate per weight": ε as damping.
mod damping;
// Chapter "Adagrad".
mod adagrad;
// Chapter "RMSprop": the paths and the running average.
mod rmsprop;
// Chapter "RMSprop": the loss curves.
mod loss_curves;
// Chapter "Momentum and Adam".
mod momentum;
// Chapter "What the libraries add".
mod libraries_add;
// Chapter "Same name, different numbers": the presets and the parity tables.
mod presets;
// Chapter "From the bowl to a network".
pub mod network;
// Chapter "When adapting pays": the learning-rate windows.
mod windows;
// Chapter "When adapting pays": the runs on data.
mod data;
// Chapter "Making it fast".
mod speed;
// Making it fast and Beyond the diagonal: the matrix methods' steps and wall times.
pub mod matrix_speed;
// Chapter "For instructors": the mutation report.
mod mutation;
// The data of the explorable figures.
mod explore;
// Shared: the comparison figures (several methods on the same problems).
mod compare;
// Shared: the record of `cargo xtask sweeps`, as the figures read it.
mod swept;
// Shared: the benchmark's measurements.
mod measurements;
// Shared: the course's one rule for "reached", for traced runs.
mod arrival;
// Shared: the ellipse and the points a run becomes.
mod scene;
// Shared: how numbers are written.
mod format;
// Shared: the house style and the drawing helpers.
mod plot;
// Shared: lines cut at a frame.
mod clip;
// Shared: contour lines by marching squares.
mod contour;

/// The command line of `cargo xtask figures`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Draw the figures in memory and fail if a committed file differs.
    #[arg(long)]
    check: bool,
    /// The folder of the figures (default: book/src/figures in the workspace).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// A figure of the book: its file name and the function that draws it as SVG.
struct Figure {
    name: &'static str,
    draw: fn() -> Result<String>,
}

/// Every figure, in the order the book shows them, then the numbers the prose
/// takes from code, then the data of the explorable figures (see [`explore`]).
const FIGURES: [Figure; 54] = [
    Figure { name: "gd-bowl.svg", draw: gradient_descent::bowl },
    Figure { name: "learning-rates.svg", draw: gradient_descent::learning_rates },
    Figure { name: "gd-ellipse.svg", draw: gradient_descent::ellipse },
    Figure { name: "epsilon-damping.svg", draw: damping::damping_figure },
    Figure { name: "adagrad-rates.svg", draw: adagrad::rates },
    Figure { name: "adagrad-vs-gd.svg", draw: adagrad::versus_gd },
    Figure { name: "adagrad-stall.svg", draw: adagrad::stall },
    Figure { name: "rmsprop-paths.svg", draw: rmsprop::paths },
    Figure { name: "running-average.svg", draw: rmsprop::running_average },
    Figure { name: "loss-curves.svg", draw: loss_curves::loss_curves },
    Figure { name: "momentum-paths.svg", draw: momentum::paths },
    Figure { name: "momentum-adam.svg", draw: momentum::versus },
    Figure { name: "momentum-loss.svg", draw: momentum::loss_curves },
    Figure { name: "centered.svg", draw: libraries_add::centered },
    Figure { name: "amsgrad.svg", draw: libraries_add::amsgrad },
    Figure { name: "weight-decay.svg", draw: libraries_add::weight_decay },
    Figure { name: "schedules.svg", draw: libraries_add::schedules },
    Figure { name: "network-curves.svg", draw: network::curves },
    Figure { name: "network-budget.svg", draw: network::budget },
    Figure { name: "network-table.md", draw: network::table },
    Figure { name: "beyond-network-table.md", draw: network::matrix_methods_table },
    Figure { name: "beyond-time-table.md", draw: matrix_speed::wall_time_table },
    Figure { name: "presets.md", draw: presets::settings },
    Figure { name: "parity.md", draw: presets::parity },
    Figure { name: "window-bowl.svg", draw: || windows::figure("bowl") },
    Figure { name: "window-ellipse.svg", draw: || windows::figure("ellipse") },
    Figure { name: "window-valley.svg", draw: || windows::figure("valley") },
    Figure { name: "window-rosenbrock.svg", draw: || windows::figure("rosenbrock") },
    Figure { name: "window-regression.svg", draw: || windows::figure("regression") },
    Figure { name: "window-scaled.svg", draw: windows::scaled_figure },
    Figure { name: "windows-best.md", draw: windows::best_table },
    Figure { name: "loss-curves-best.svg", draw: windows::best_loss_curves },
    Figure { name: "cancer-window.svg", draw: data::cancer_window },
    Figure { name: "cancer-loss.svg", draw: data::cancer_loss },
    Figure { name: "cancer-table.md", draw: data::cancer_table },
    Figure { name: "rare-features.svg", draw: data::rare_features },
    Figure { name: "noise-epochs.svg", draw: data::noise_epochs },
    Figure { name: "noise-floor.svg", draw: data::noise_floor },
    Figure { name: "roofline.svg", draw: speed::roofline },
    Figure { name: "speed-table.md", draw: speed::speed_table },
    Figure { name: "peers-table.md", draw: speed::peers_table },
    Figure { name: "matrix-steps-table.md", draw: matrix_speed::steps_table },
    Figure { name: "mutants.md", draw: mutation::table },
    Figure { name: numbers::FILE, draw: || Ok(numbers::to_toml(&numbers::all()?)) },
    Figure { name: "explore/gd-ellipse.js", draw: || explore::data("gd-ellipse") },
    Figure { name: "explore/adagrad-vs-gd.js", draw: || explore::data("adagrad-vs-gd") },
    Figure { name: "explore/rmsprop-paths.js", draw: || explore::data("rmsprop-paths") },
    Figure { name: "explore/momentum-adam.js", draw: || explore::data("momentum-adam") },
    Figure { name: "explore/windows-ellipse.js", draw: || explore::data("windows-ellipse") },
    Figure { name: "explore/gd-ellipse.expected.json", draw: || explore::expected("gd-ellipse") },
    Figure {
        name: "explore/adagrad-vs-gd.expected.json",
        draw: || explore::expected("adagrad-vs-gd"),
    },
    Figure {
        name: "explore/rmsprop-paths.expected.json",
        draw: || explore::expected("rmsprop-paths"),
    },
    Figure {
        name: "explore/momentum-adam.expected.json",
        draw: || explore::expected("momentum-adam"),
    },
    Figure {
        name: "explore/windows-ellipse.expected.json",
        draw: || explore::expected("windows-ellipse"),
    },
];

/// A figure drawn in memory.
#[derive(Debug, Clone, PartialEq)]
struct Rendered {
    name: &'static str,
    svg: String,
}

/// Runs `cargo xtask figures`.
pub fn run(args: Args) -> Result<()> {
    let dir = args.out.unwrap_or_else(|| crate::workspace::root().join("book/src/figures"));
    let figures = render_all()?;
    if args.check {
        check(&dir, &figures)?;
        println!("all {} figures in {} are up to date", figures.len(), dir.display());
    } else {
        let written = write_all(&dir, &figures)?;
        warn_about_strangers(&dir, &figures);
        let unchanged = figures.len() - written.len();
        println!("wrote {} figures ({unchanged} unchanged) in {}", written.len(), dir.display());
        for name in written {
            println!("  {name}");
        }
    }
    Ok(())
}

/// Tells about SVG files that no figure draws: not an error (a chapter may keep a
/// drawing of its own there), but often a renamed figure's old file.
fn warn_about_strangers(dir: &Path, figures: &[Rendered]) {
    for name in strangers(dir, figures) {
        eprintln!("warning: {} is not drawn by `cargo xtask figures`", dir.join(name).display());
    }
}

/// Draws every figure in memory.
fn render_all() -> Result<Vec<Rendered>> {
    FIGURES
        .iter()
        .map(|figure| {
            let svg = (figure.draw)().with_context(|| format!("drawing {}", figure.name))?;
            Ok(Rendered { name: figure.name, svg })
        })
        .collect()
}

fn require_folder(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        bail!(
            "the figures folder {} does not exist or is not a folder \
             (run from a checkout of the workspace, or create it)",
            dir.display()
        );
    }
    Ok(())
}

/// Writes the figures whose bytes differ from the files in `dir`; returns their
/// names. Unchanged files are not touched.
fn write_all(dir: &Path, figures: &[Rendered]) -> Result<Vec<&'static str>> {
    require_folder(dir)?;
    let mut written = Vec::new();
    for figure in figures {
        let path = dir.join(figure.name);
        if fs::read(&path).is_ok_and(|bytes| bytes == figure.svg.as_bytes()) {
            continue;
        }
        // A figure in a subfolder (the explorers' data) creates it.
        if let Some(parent) = path.parent().filter(|p| !p.is_dir()) {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        crate::generated::write_atomically(&path, figure.svg.as_bytes())
            .with_context(|| format!("cannot write the figure {}", path.display()))?;
        written.push(figure.name);
    }
    Ok(written)
}

/// The files in `dir` that differ from the figures, each with what is wrong.
fn stale(dir: &Path, figures: &[Rendered]) -> Vec<String> {
    let mut stale = Vec::new();
    for figure in figures {
        let path = dir.join(figure.name);
        match fs::read(&path) {
            Ok(bytes) if bytes == figure.svg.as_bytes() => {}
            Ok(_) => stale.push(format!("{} (differs from what the code draws)", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                stale.push(format!("{} (missing)", path.display()));
            }
            Err(error) => stale.push(format!("{} (cannot be read: {error})", path.display())),
        }
    }
    stale
}

/// The SVG files in `dir` that no figure of this command draws (a renamed or
/// dropped figure leaves its old file behind), sorted by name.
fn strangers(dir: &Path, figures: &[Rendered]) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".svg") && !figures.iter().any(|figure| figure.name == name))
        .collect();
    names.sort();
    names
}

/// Fails, naming every stale file and the command that fixes it, unless every
/// figure in `dir` is what the code draws.
fn check(dir: &Path, figures: &[Rendered]) -> Result<()> {
    require_folder(dir)?;
    warn_about_strangers(dir, figures);
    let stale = stale(dir, figures);
    if !stale.is_empty() {
        bail!(
            "{} of {} figures are out of date:\n  {}\nrun `cargo xtask figures` and commit",
            stale.len(),
            figures.len(),
            stale.join("\n  ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures, drawn once for all the tests that only read them.
    fn rendered() -> Vec<Rendered> {
        static RENDERED: std::sync::OnceLock<Vec<Rendered>> = std::sync::OnceLock::new();
        RENDERED.get_or_init(|| render_all().unwrap()).clone()
    }

    fn file_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Every file below `dir`, as a path relative to it with `/` between folders.
    fn file_paths(dir: &Path) -> Vec<String> {
        let mut paths = Vec::new();
        for name in file_names(dir) {
            if dir.join(&name).is_dir() {
                paths.extend(
                    file_paths(&dir.join(&name)).into_iter().map(|p| format!("{name}/{p}")),
                );
            } else {
                paths.push(name);
            }
        }
        paths.sort();
        paths
    }

    #[test]
    fn every_figure_is_drawn_identically_twice() {
        let again = render_all().unwrap();
        for (first, second) in rendered().iter().zip(&again) {
            assert!(first == second, "{} differs between two drawings", first.name);
        }
        assert_eq!(again.len(), FIGURES.len());
    }

    #[test]
    fn every_figure_is_an_svg_without_a_non_finite_number() {
        for figure in rendered().into_iter().filter(|f| f.name.ends_with(".svg")) {
            assert!(figure.svg.starts_with("<svg"), "{}", figure.name);
            assert!(figure.svg.trim_end().ends_with("</svg>"), "{}", figure.name);
            for bad in ["NaN", "inf"] {
                assert!(!figure.svg.contains(bad), "{} contains {bad}", figure.name);
            }
        }
    }

    #[test]
    fn written_figures_pass_the_check_and_a_second_write_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let figures = rendered();
        assert_eq!(write_all(dir.path(), &figures).unwrap().len(), FIGURES.len());
        check(dir.path(), &figures).unwrap();
        assert!(write_all(dir.path(), &figures).unwrap().is_empty());
        let expected: Vec<String> = FIGURES.iter().map(|f| f.name.to_owned()).collect::<Vec<_>>();
        let mut expected = expected;
        expected.sort();
        assert_eq!(file_paths(dir.path()), expected, "no temporary file is left behind");
    }

    #[test]
    fn the_check_names_each_stale_or_missing_file_and_the_command() {
        let dir = tempfile::tempdir().unwrap();
        let figures = rendered();
        write_all(dir.path(), &figures).unwrap();
        fs::write(dir.path().join("gd-bowl.svg"), "<svg>old</svg>").unwrap();
        fs::remove_file(dir.path().join("loss-curves.svg")).unwrap();
        let message = format!("{:#}", check(dir.path(), &figures).unwrap_err());
        assert!(message.contains("gd-bowl.svg (differs"), "{message}");
        assert!(message.contains("loss-curves.svg (missing)"), "{message}");
        assert!(message.contains("run `cargo xtask figures` and commit"), "{message}");
        assert!(!message.contains("gd-ellipse.svg"), "{message}");
    }

    #[test]
    fn an_svg_no_figure_draws_is_reported_but_not_stale() {
        let dir = tempfile::tempdir().unwrap();
        let figures = rendered();
        write_all(dir.path(), &figures).unwrap();
        fs::write(dir.path().join("old-name.svg"), "<svg/>").unwrap();
        fs::write(dir.path().join("notes.txt"), "").unwrap();
        assert_eq!(strangers(dir.path(), &figures), vec!["old-name.svg"]);
        check(dir.path(), &figures).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-folder");
        let figures = rendered();
        for error in
            [write_all(&missing, &figures).unwrap_err(), check(&missing, &figures).unwrap_err()]
        {
            let message = format!("{error:#}");
            assert!(message.contains(&missing.display().to_string()), "{message}");
            assert!(message.contains("does not exist"), "{message}");
        }
        assert!(!missing.exists());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        // A folder where the figure should go makes the final rename fail, even
        // for root (who ignores read-only permissions).
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("gd-bowl.svg");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("keep"), "untouched").unwrap();
        let message = format!("{:#}", write_all(dir.path(), &rendered()).unwrap_err());
        assert!(message.contains(&blocked.display().to_string()), "{message}");
        assert_eq!(file_names(dir.path()), vec!["gd-bowl.svg"], "no temporary file is left");
        assert_eq!(fs::read_to_string(blocked.join("keep")).unwrap(), "untouched");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_an_error_naming_the_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        let probe = dir.path().join("probe");
        if fs::write(&probe, "").is_ok() {
            // Running as root: permissions do not stop writes, so there is nothing
            // to observe here; the test above covers the failure path.
            fs::remove_file(probe).unwrap();
            return;
        }
        let message = format!("{:#}", write_all(dir.path(), &rendered()).unwrap_err());
        assert!(
            message.contains(&dir.path().join("gd-bowl.svg").display().to_string()),
            "{message}"
        );
        assert!(file_names(dir.path()).is_empty());
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    }
}
