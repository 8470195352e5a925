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

mod generated {
    use super::*;
    use proptest::prelude::*;

    /// Tokens and the lookalikes that trip a byte scan: brackets inside
    /// strings, characters and comments, lifetimes beside characters,
    /// doc comments, raw strings and identifiers, words that continue an
    /// expression after a brace, and non-ASCII text.
    const LEAVES: &[&str] = &[
        ";",
        ",",
        "<",
        ">",
        "->",
        "=>",
        "#",
        "!",
        "+",
        "-",
        ".",
        "=",
        "'a",
        "'a'",
        "'\\''",
        "'\\u{7b}'",
        "'('",
        "b'x'",
        "b')'",
        "\")\"",
        "\"\\\"(\"",
        "\"\\\\\"",
        "r#\"(\"#",
        "r\"\\\"",
        "br\"}\"",
        "c\"]\"",
        "cr#\"\"(\"#",
        "// )\n",
        "/* ( */",
        "/* /* ] */ */",
        "/**/",
        "/// doc (\n",
        "//! doc\n",
        "/** ) */",
        "/*! [ */",
        "else",
        "as",
        "fn",
        "mod",
        "impl",
        "x",
        "r#as",
        "r#else",
        "1.5",
        "1u8",
        "é",
        "\u{2028}",
        " ",
        "\n",
    ];

    fn tree() -> impl Strategy<Value = String> {
        // Long runs too: a scan that goes wrong after a lookalike must
        // fall below the walk by more than it overcounts elsewhere.
        let run = (1..80usize).prop_map(|n| "a + ".repeat(n) + "a");
        let leaf = prop_oneof![
            4 => prop::sample::select(LEAVES).prop_map(str::to_string),
            1 => run,
        ];
        leaf.prop_recursive(8, 400, 10, |inner| {
            (
                prop::sample::select(&[("(", ")"), ("[", "]"), ("{", "}")][..]),
                prop::collection::vec(inner, 0..10),
                any::<bool>(),
            )
                .prop_map(|((open, close), items, spaced)| {
                    format!("{open}{}{close}", items.join(if spaced { " " } else { "" }))
                })
        })
    }

    fn text() -> impl Strategy<Value = String> {
        (prop::collection::vec(tree(), 0..16), any::<bool>())
            .prop_map(|(trees, spaced)| trees.join(if spaced { " " } else { "" }))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn the_bound_never_clears_what_the_walk_refuses(text in text()) {
            let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() else {
                return Ok(());
            };
            let deepest = nesting::check(&tokens, usize::MAX, usize::MAX).unwrap();
            prop_assert!(
                deepest == 0 || !nesting::surely_within(&text, deepest - 1, usize::MAX),
                "the bound clears {} below the walk's {deepest}", deepest - 1
            );
            for item_limit in [0, 1, 2, 4] {
                if nesting::surely_within(&text, usize::MAX, item_limit) {
                    prop_assert!(nesting::check(&tokens, usize::MAX, item_limit).is_ok());
                }
            }
        }
    }
}
