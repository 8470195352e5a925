//! Baselines: `--write-baseline` then `--baseline`.

mod common;

use common::{memolint_in, temp_tree};

const CARGO_TOML: &str = "[package]\nname = \"b\"\nversion = \"0.1.0\"\n";

const TWO_CACHES: &str = "use cached::proc_macro::cached;\n\n#[cached]\npub fn fee(n: u64) -> u64 {\n    n / 100 + 30\n}\n\n#[cached]\npub fn tax(n: u64) -> u64 {\n    n / 5\n}\n";

fn write(dir: &std::path::Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).unwrap();
}

#[test]
fn a_baseline_hides_recorded_findings_even_after_lines_move() {
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", TWO_CACHES)]);
    let run = memolint_in(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "wrote 2 baseline entries to baseline.json\n");
    assert_eq!(run.stdout, "");
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    let entry = &baseline["findings"][0];
    assert_eq!(entry["code"], "ML103");
    assert_eq!(entry["path"], "src/lib.rs");
    assert_eq!(entry["function"], "b::fee");
    assert_eq!(entry["message_hash"].as_str().unwrap().len(), 16);

    let run = memolint_in(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--deny-warnings"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "baseline baseline.json: 2 findings hidden, 0 entries no longer match any finding"
        ),
        "{}",
        run.stderr
    );

    // Lines inserted above both findings: still baselined.
    let moved = TWO_CACHES.replace(
        "use cached::proc_macro::cached;\n",
        "//! Fees.\n\nuse cached::proc_macro::cached;\n\nconst UNUSED: u8 = 0;\n",
    );
    write(dir.path(), "src/lib.rs", &moved);
    let run = memolint_in(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--deny-warnings"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[test]
fn a_new_finding_in_a_baselined_function_is_reported() {
    // Two definitions of `fee` for different platforms: the same function
    // path, so the baseline's single entry hides only one of them.
    let one = "use cached::proc_macro::cached;\n\n#[cfg(unix)]\n#[cached]\npub fn fee(n: u64) -> u64 {\n    n\n}\n";
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", one)]);
    let run = memolint_in(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let two = format!(
        "{one}\n#[cfg(not(unix))]\n#[cached]\npub fn fee(n: u64) -> u64 {{\n    n + 1\n}}\n"
    );
    write(dir.path(), "src/lib.rs", &two);
    let run = memolint_in(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "short"],
    );
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.starts_with("src/lib.rs:"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("1 finding hidden, 0 entries no longer match"),
        "{}",
        run.stderr
    );
}

#[test]
fn fixed_findings_leave_stale_entries_that_are_counted() {
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", TWO_CACHES)]);
    memolint_in(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    write(
        dir.path(),
        "src/lib.rs",
        &TWO_CACHES.replacen("#[cached]", "#[cached(size = 64)]", 1),
    );
    let run = memolint_in(dir.path(), &["check", "--baseline", "baseline.json"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "1 finding hidden, 1 entry no longer matches any finding (write the baseline again to drop them)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn baseline_paths_are_relative_to_the_baseline_file() {
    let dir = temp_tree(&[
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", TWO_CACHES),
        ("ci/.keep", ""),
    ]);
    let run = memolint_in(
        dir.path(),
        &["check", "--write-baseline", "ci/baseline.json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("ci/baseline.json")).unwrap();
    assert!(text.contains("\"path\": \"../src/lib.rs\""), "{text}");
    // The same baseline works from another working directory.
    let run = memolint_in(
        &dir.path().join("src"),
        &[
            "check",
            ".",
            "--baseline",
            "../ci/baseline.json",
            "--deny-warnings",
        ],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    // Checking only part of the tree does not make the other entries stale.
    let run = memolint_in(
        dir.path(),
        &["check", "ci", "--baseline", "ci/baseline.json"],
    );
    assert!(
        run.stderr.contains("0 entries no longer match"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_baseline_is_an_error_and_findings_are_still_reported() {
    let dir = temp_tree(&[
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", TWO_CACHES),
        ("garbage.json", "{ not json"),
        ("old.json", "{\"version\": 99, \"findings\": []}"),
    ]);
    let run = memolint_in(
        dir.path(),
        &["check", "--baseline", "missing.json", "--format", "short"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read baseline missing.json: No such file or directory"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);

    let run = memolint_in(dir.path(), &["check", "--baseline", "garbage.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("invalid baseline garbage.json: key must be a string at line 1 column 3"),
        "{}",
        run.stderr
    );

    let run = memolint_in(dir.path(), &["check", "--baseline", "old.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("baseline old.json has version 99"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_baseline_is_written_from_a_failed_run() {
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", TWO_CACHES)]);
    let run = memolint_in(
        dir.path(),
        &["check", ".", "missing", "--write-baseline", "baseline.json"],
    );
    assert_eq!(run.code, 2);
    assert!(!dir.path().join("baseline.json").exists());
    assert!(
        run.stderr
            .contains("baseline.json was not written because the run had errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_new_problem_in_a_baselined_function_is_reported_while_the_old_one_stays_hidden() {
    let before = "use cached::proc_macro::cached;\n\n#[cached(size = 64)]\npub fn price(n: u64) -> u64 {\n    println!(\"pricing {n}\");\n    n * 2\n}\n";
    let dir = temp_tree(&[("Cargo.toml", CARGO_TOML), ("src/lib.rs", before)]);
    let run = memolint_in(dir.path(), &["check", "--format", "short"]);
    assert!(run.stdout.contains("ML102"), "{}", run.stdout);
    let run = memolint_in(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Two lines above, and a clock read in the same function.
    let after = format!(
        "//! Prices.\n\n{}",
        before.replace(
            "    n * 2\n",
            "    let now = std::time::SystemTime::now();\n    n * 2 + now.elapsed().map_or(0, |d| d.as_secs())\n"
        )
    );
    write(dir.path(), "src/lib.rs", &after);
    let run = memolint_in(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "short"],
    );
    assert_eq!(run.code, 1, "ML101 is deny: {}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains(": ML101 `price`"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("1 finding hidden, 0 entries no longer match"),
        "{}",
        run.stderr
    );
}
