//! `cargo xtask`: the chores of the Descent course.

fn main() {
    eprintln!("usage: cargo xtask <figures|book|student|grade>");
    std::process::exit(2);
}
