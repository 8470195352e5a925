//! Helpers for tests that drive the real binaries.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture crate, and the repository itself (its `memolint.toml`
/// leaves the fixtures out): the inputs of tests that compare two ways of
/// checking.
pub fn fixtures_and_repo() -> Vec<PathBuf> {
    let root = repo_root();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    inputs.sort();
    inputs.push(root);
    inputs
}

/// Runs `memolint args...` in the repository root.
pub fn memolint(args: &[&str]) -> Run {
    memolint_in(&repo_root(), args)
}

/// Runs `memolint args...` in `dir`.
pub fn memolint_in(dir: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_memolint"))
        .args(args)
        .current_dir(dir))
}

/// Runs `memolint args...` in `dir` with extra environment variables.
pub fn memolint_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_memolint"));
    command.args(args).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    run(&mut command)
}

/// Runs `cargo-memolint args...` in `dir`, as cargo would.
pub fn cargo_memolint_in(dir: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_cargo-memolint"))
        .args(args)
        .current_dir(dir))
}

fn run(command: &mut Command) -> Run {
    let output = command
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let run = Run {
        code: output
            .status
            .code()
            .expect("exited normally, not by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        run.stderr
    );
    run
}

/// Writes `files` (relative path, contents) under a new temporary directory.
pub fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}
