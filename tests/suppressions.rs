//! Suppression comments end to end: which findings they hide, what ML002
//! reports, and `--add-suppressions`.

mod common;

use common::{memolint, memolint_in, temp_tree};

const CARGO_TOML: &str = "[package]\nname = \"s\"\nversion = \"0.1.0\"\n";

/// `#[cached]` functions named `name`, one per entry, each preceded by
/// the given text.
fn caches(parts: &[(&str, &str)]) -> String {
    let mut text = String::from("use cached::proc_macro::cached;\n");
    for (before, name) in parts {
        text.push_str(&format!(
            "\n{before}#[cached]\npub fn {name}(n: u64) -> u64 {{\n    n * 2\n}}\n"
        ));
    }
    text
}

fn short(dir: &std::path::Path) -> String {
    let run = memolint_in(dir, &["check", "--format", "short"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn the_fixture_reports_exactly_what_its_comments_leave() {
    let run = memolint(&["check", "fixtures/suppressions", "--format", "short"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn above_an_item_with_and_without_reason() {
    let text = caches(&[
        ("// memolint: allow(ML103) -- ids are few\n", "with_reason"),
        ("// memolint: allow(ML103)\n", "without_reason"),
        ("", "reported"),
    ]);
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", &text)]);
    assert_eq!(
        short(dir.path()),
        "src/lib.rs:15:1: ML103 `reported` is memoized with no size bound: its cache keeps every distinct argument forever\n"
    );
}

#[test]
fn at_the_end_of_the_line_by_code_or_name() {
    let text = "use cached::proc_macro::cached;\n\n#[cached] // memolint: allow(unbounded-memo-cache) -- by name\npub fn a(n: u64) -> u64 {\n    n\n}\n\n#[cached] // memolint: allow(ml103)\npub fn b(n: u64) -> u64 {\n    n\n}\n\n#[cached]\npub fn c(n: u64) -> u64 { // memolint: allow(ML103) -- wrong line\n    n\n}\n";
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", text)]);
    // The finding is on the attribute: a comment on the `fn` line does not
    // cover it, and is itself unused.
    assert_eq!(
        short(dir.path()),
        "src/lib.rs:13:1: ML103 `c` is memoized with no size bound: its cache keeps every distinct argument forever\n\
         src/lib.rs:14:27: ML002 unused suppression: no `ML103` finding here\n"
    );
}

#[test]
fn file_level_covers_every_item_of_the_file_only() {
    let covered = format!(
        "//! memolint: allow(ML103) -- generated\n{}",
        caches(&[("", "a"), ("", "b")])
    );
    let dir = temp_tree(&[
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", "pub mod covered;\npub mod other;\n"),
        ("src/covered.rs", &covered),
        ("src/other.rs", &caches(&[("", "c")])),
    ]);
    let out = short(dir.path());
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("src/other.rs:3:1: ML103 `c`"), "{out}");
}

#[test]
fn unused_and_unknown_suppressions_are_ml002_warnings() {
    let text = caches(&[
        ("// memolint: allow(ML103, ML999)\n", "a"),
        ("// memolint: allow(ML001) -- nothing to hide\n", "b"),
    ]);
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", &text)]);
    let run = memolint_in(dir.path(), &["check", "--format", "short"]);
    assert_eq!(run.code, 0, "warnings do not fail the run");
    assert_eq!(
        run.stdout,
        "src/lib.rs:3:27: ML002 `ML999` in a suppression is not a memolint rule\n\
         src/lib.rs:9:1: ML002 unused suppression: no `ML001` finding here\n\
         src/lib.rs:10:1: ML103 `b` is memoized with no size bound: its cache keeps every distinct argument forever\n"
    );
    assert_eq!(
        memolint_in(
            dir.path(),
            &["check", "--deny-warnings", "--ignore", "ML103"]
        )
        .code,
        1
    );
    let run = memolint_in(
        dir.path(),
        &["check", "--format", "short", "--ignore", "ML002"],
    );
    assert!(!run.stdout.contains("ML002"), "{}", run.stdout);
    // With ML001 and ML103 not running, their suppressions cannot be
    // judged; an unknown rule still is.
    let run = memolint_in(
        dir.path(),
        &["check", "--format", "short", "--select", "ML002"],
    );
    assert_eq!(
        run.stdout,
        "src/lib.rs:3:27: ML002 `ML999` in a suppression is not a memolint rule\n"
    );
}

#[test]
fn add_suppressions_then_check_is_clean_and_a_second_run_adds_nothing() {
    let text = "use cached::proc_macro::cached;\n\nmod inner {\n    use cached::proc_macro::cached;\n\n    /// Documented.\n    #[cached]\n    pub fn a(n: u64) -> u64 {\n        n\n    }\n}\n\n// memolint: allow(ML001) -- kept\n#[cached]\npub fn b(n: u64) -> u64 {\n    n\n}\n";
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", text)]);
    let run = memolint_in(
        dir.path(),
        &["check", "--add-suppressions=legacy cache, bound it"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The unused `allow(ML001)` is an ML002 finding, which is not
    // suppressed but reported.
    assert_eq!(
        run.stderr,
        "warning: 1 ML002 finding was not suppressed: remove the stale suppressions instead\n\
         added 2 suppression comments to 1 file (1 existing comment extended)\n"
    );
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert_eq!(
        written,
        "use cached::proc_macro::cached;\n\nmod inner {\n    use cached::proc_macro::cached;\n\n    /// Documented.\n    // memolint: allow(ML103) -- legacy cache, bound it\n    #[cached]\n    pub fn a(n: u64) -> u64 {\n        n\n    }\n}\n\n// memolint: allow(ML001, ML103) -- kept\n#[cached]\npub fn b(n: u64) -> u64 {\n    n\n}\n"
    );
    let run = memolint_in(
        dir.path(),
        &["check", "--deny-warnings", "--ignore", "ML002"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));

    let run = memolint_in(dir.path(), &["check", "--add-suppressions"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("added 0 suppression comments to 0 files"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 ML002 finding was not suppressed"),
        "{}",
        run.stderr
    );
}

#[test]
fn add_suppressions_without_reason() {
    let dir = temp_tree(&[
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", &caches(&[("", "a")])),
    ]);
    let run = memolint_in(dir.path(), &["check", "--add-suppressions"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert!(
        written.contains("\n// memolint: allow(ML103)\n#[cached]\n"),
        "{written}"
    );
    assert_eq!(short(dir.path()), "");
}

#[test]
fn add_suppressions_skips_baselined_findings_and_refuses_after_errors() {
    let text = caches(&[("", "old"), ("", "new")]);
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", &text)]);
    // Baseline only `old`.
    let only_old = caches(&[("", "old")]);
    std::fs::write(dir.path().join("src/lib.rs"), &only_old).unwrap();
    let run = memolint_in(dir.path(), &["check", "--write-baseline", "b.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(dir.path().join("src/lib.rs"), &text).unwrap();

    let run = memolint_in(
        dir.path(),
        &["check", "--add-suppressions", "--baseline", "missing.json"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no suppressions were added because the run had errors"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
        text
    );

    let run = memolint_in(
        dir.path(),
        &["check", "--add-suppressions", "--baseline", "b.json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert_eq!(
        written.matches("memolint: allow(ML103)").count(),
        1,
        "{written}"
    );
    assert!(
        written.contains("// memolint: allow(ML103)\n#[cached]\npub fn new("),
        "{written}"
    );
}

#[cfg(unix)]
#[test]
fn add_suppressions_leaves_a_read_only_file_alone() {
    use std::os::unix::fs::PermissionsExt;
    let text = caches(&[("", "a")]);
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", &text)]);
    let path = dir.path().join("src/lib.rs");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = memolint_in(dir.path(), &["check", "--add-suppressions"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("src/lib.rs: not changed: the file is read-only"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("added 0 suppression comments to 0 files"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
