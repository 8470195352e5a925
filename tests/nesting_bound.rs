//! The nesting bound read off the text (`nesting::surely_within`) against
//! the token walk it lets files skip (`nesting::check`), on every `.rs`
//! file of this repository: sources, tests, fixtures and fuzz crashes. The
//! bound must never clear a file at a limit the walk would refuse it at.
//!
//! `MEMOLINT_NESTING_CORPUS=bench/corpus/vendor cargo test --release --test
//! nesting_bound -- --nocapture` runs the same on the benchmark's corpus
//! (after `python3 bench/run.py` has vendored it) and prints how many
//! files the bound clears at memolint's limits.

use std::path::{Path, PathBuf};

use memolint::nesting::{self, MAX_ITEM_NESTING, MAX_NESTING};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Checks the bound on each file that lexes; returns (files lexed, files
/// the bound clears at memolint's limits).
fn check_files(files: &[PathBuf]) -> (usize, usize) {
    let (mut lexed, mut cleared) = (0, 0);
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text = &text[memolint::parse::skipped_prefix(&text)..];
        let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() else {
            continue;
        };
        lexed += 1;
        let deepest = nesting::check(&tokens, usize::MAX, usize::MAX)
            .unwrap_or_else(|e| panic!("{}: unbounded walk refused: {e:?}", path.display()));
        assert!(
            deepest == 0 || !nesting::surely_within(text, deepest - 1, usize::MAX),
            "{}: the bound clears a limit of {} below the walk's {deepest}",
            path.display(),
            deepest - 1
        );
        for item_limit in [0, 1, 2, 3, 5, 8] {
            if nesting::surely_within(text, usize::MAX, item_limit) {
                assert!(
                    nesting::check(&tokens, usize::MAX, item_limit).is_ok(),
                    "{}: the bound clears an item limit of {item_limit} the walk refuses",
                    path.display()
                );
            }
        }
        if nesting::surely_within(text, MAX_NESTING, MAX_ITEM_NESTING) {
            cleared += 1;
        }
    }
    (lexed, cleared)
}

#[test]
fn the_bound_never_clears_what_the_walk_refuses_in_this_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "fixtures"] {
        rust_files(&root.join(dir), &mut files);
    }
    let (lexed, cleared) = check_files(&files);
    assert!(lexed > 100, "only {lexed} files lexed");
    // Real code is far below the limits: the bound clears all of it.
    assert!(cleared * 10 >= lexed * 9, "{cleared} of {lexed} cleared");
}

#[test]
fn the_bound_never_clears_what_the_walk_refuses_in_the_corpus() {
    let Some(corpus) = std::env::var_os("MEMOLINT_NESTING_CORPUS") else {
        return;
    };
    let mut files = Vec::new();
    rust_files(Path::new(&corpus), &mut files);
    let (lexed, cleared) = check_files(&files);
    println!(
        "{} files, {lexed} lexed, {cleared} cleared by the bound at the limits",
        files.len()
    );
    assert!(lexed > 0);
}
