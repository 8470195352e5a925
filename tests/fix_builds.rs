//! The ML201 fix, judged the way a user would: apply `memolint fix` to a
//! copy of `fixtures/ml201`, then build and run both crates. The fixed crate
//! must compile, give byte-for-byte the same answers, pass the fixture's own
//! tests, and be faster (about 7x on the fixture's full run; the functions
//! no fix is offered for, generic ones or methods on `&self`, still run
//! unmemoized, so the bar is a conservative 2x to stay clear of machine
//! noise). A second `fix` must change nothing.
//!
//! This builds two small crates in release mode (and fetches `lru` from
//! crates.io the first time), so it takes a minute or two.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Copies `from` to `to`, leaving out `target/` directories.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&path, &dest);
            }
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs the fixture's binary; stdout and wall time.
fn run_fixture(dir: &Path, args: &[&str]) -> (String, Duration) {
    let binary: PathBuf = dir.join("target/release/ml201_fixture");
    let start = Instant::now();
    let output = Command::new(binary)
        .args(args)
        .output()
        .expect("the fixture runs");
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (String::from_utf8(output.stdout).unwrap(), elapsed)
}

#[test]
fn fixed_fixture_compiles_answers_the_same_and_is_faster() {
    let fixture = common::repo_root().join("fixtures/ml201");
    let work = tempfile::tempdir().unwrap();
    let original = work.path().join("original");
    let fixed = work.path().join("fixed");
    copy_tree(&fixture, &original);
    copy_tree(&fixture, &fixed);

    let run = common::memolint_in(&fixed, &["fix", "."]);
    assert!(
        run.code == 0 || run.code == 1,
        "fix failed:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("fixed: "),
        "nothing was fixed:\n{}",
        run.stderr
    );
    let manifest = std::fs::read_to_string(fixed.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("lru = "),
        "lru was not added:\n{manifest}"
    );

    // Idempotent: nothing left to change.
    let again = common::memolint_in(&fixed, &["fix", "--diff", "."]);
    assert_eq!(
        again.stdout, "",
        "a second fix would change:\n{}",
        again.stdout
    );

    cargo(&original, &["build", "--release", "--quiet"]);
    cargo(&fixed, &["build", "--release", "--quiet"]);
    cargo(&fixed, &["test", "--release", "--quiet"]);

    let (quick_original, _) = run_fixture(&original, &["quick"]);
    let (quick_fixed, _) = run_fixture(&fixed, &["quick"]);
    assert_eq!(quick_original, quick_fixed, "the answers changed");

    let (full_original, time_original) = run_fixture(&original, &[]);
    let (full_fixed, time_fixed) = run_fixture(&fixed, &[]);
    assert_eq!(
        full_original, full_fixed,
        "the answers changed at full size"
    );
    eprintln!("full run: original {time_original:?}, fixed {time_fixed:?}");
    assert!(
        time_fixed * 2 < time_original,
        "the fixed crate is not clearly faster: {time_fixed:?} vs {time_original:?}"
    );
}
