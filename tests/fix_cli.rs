//! `memolint fix` end to end on small crates in temporary directories.

mod common;

use common::{memolint_in, temp_tree};

const UNBOUNDED: &str = "use cached::proc_macro::cached;\r\n\r\n// A comment that must survive.\r\n#[cached(time = 60)]\r\npub fn slow(n: u64) -> u64 {\r\n    n * 2\r\n}\r\n";

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["fix"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("--unsafe-fixes"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
        UNBOUNDED
    );
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["fix", "--unsafe-fixes", "--diff"]);
    assert_eq!(run.code, 1, "changes would be made: {}", run.stderr);
    insta::assert_snapshot!(run.stdout.replace('\r', "␍"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
        UNBOUNDED
    );
}

#[test]
fn fix_changes_only_the_edit_and_a_second_run_changes_nothing() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["fix", "--unsafe-fixes"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("fixed: src/lib.rs (1 fix)"),
        "{}",
        run.stderr
    );
    let fixed = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert_eq!(
        fixed,
        UNBOUNDED.replace("#[cached(time = 60)]", "#[cached(time = 60, size = 1024)]")
    );
    // Nothing remains, and a second run is a no-op.
    assert_eq!(run.stdout, "");
    let again = memolint_in(dir.path(), &["fix", "--unsafe-fixes", "--diff"]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
}

#[test]
fn capacity_comes_from_the_configuration() {
    let dir = temp_tree(&[
        (
            "src/lib.rs",
            "use memoize::memoize;\n#[memoize]\nfn f(n: u64) -> u64 { n }\n",
        ),
        ("memolint.toml", "[fix]\ncapacity = 64\n"),
    ]);
    let run = memolint_in(dir.path(), &["fix", "--unsafe-fixes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fixed = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
    assert!(fixed.contains("#[memoize(Capacity: 64)]"), "{fixed}");
}

#[test]
fn remaining_findings_are_reported_after_fixing() {
    let dir = temp_tree(&[(
        "src/lib.rs",
        "use cached::proc_macro::cached;\n#[cached]\nfn f(n: u64) -> u64 { n + std::env::var(\"X\").map_or(0, |v| v.len() as u64) }\n",
    )]);
    let run = memolint_in(dir.path(), &["fix", "--unsafe-fixes", "--format", "short"]);
    assert_eq!(run.code, 1, "ML101 remains and is deny: {}", run.stderr);
    assert!(run.stdout.contains("ML101"), "{}", run.stdout);
    assert!(!run.stdout.contains("ML103"), "{}", run.stdout);
}
