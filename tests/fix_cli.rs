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

/// Every file under `dir` with its content, to compare trees.
fn tree_contents(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(key, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

const RECURSIVE: &str = "pub fn paths(r: u32, c: u32) -> u64 {\n    if r == 0 || c == 0 {\n        1\n    } else {\n        paths(r - 1, c) + paths(r, c - 1)\n    }\n}\n";

#[test]
fn fix_writes_only_the_fixed_file_and_its_manifest() {
    let dir = temp_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("src/lib.rs", "pub mod grid;\npub mod other;\n"),
        ("src/grid.rs", RECURSIVE),
        ("src/other.rs", "pub fn untouched() {}\n"),
        ("notes.txt", "not Rust\n"),
    ]);
    let before = tree_contents(dir.path());

    // --diff never writes anything.
    let run = memolint_in(dir.path(), &["fix", "--diff"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("+pub fn paths_uncached"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+lru = \"0.16\""), "{}", run.stdout);
    assert_eq!(tree_contents(dir.path()), before);

    let run = memolint_in(dir.path(), &["fix"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let after = tree_contents(dir.path());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(path, content)| before.get(*path) != Some(content))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        changed,
        ["Cargo.toml", "src/grid.rs"],
        "no temporary or other file may change"
    );
    assert_eq!(after.len(), before.len(), "no file was added");
}
