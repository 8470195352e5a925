//! The command line, end to end: formats, exit codes, errors.

mod common;

use common::{cargo_memolint_in, memolint, memolint_in, temp_tree};

const UNBOUNDED: &str =
    "use cached::proc_macro::cached;\n\n#[cached]\npub fn slow(n: u64) -> u64 {\n    n * 2\n}\n";

#[test]
fn demo_human_output() {
    let run = memolint(&["check", "fixtures/demo", "--color", "never"]);
    insta::assert_snapshot!(run.stdout);
    assert!(run.stderr.contains("checked 3 files"), "{}", run.stderr);
}

#[test]
fn overlapping_recursion_fixture_human_output() {
    let run = memolint(&[
        "check",
        "fixtures/ml201",
        "--select",
        "ML201",
        "--color",
        "never",
    ]);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(run.code, 0, "ML201 warns; it does not fail the run");
}

#[test]
fn demo_short_output() {
    let run = memolint(&["check", "fixtures/demo", "--format", "short"]);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(run.stderr, "", "machine-ish formats keep stderr quiet too");
}

#[test]
fn demo_json_output_follows_the_documented_schema() {
    let run = memolint(&["check", "fixtures/demo", "--format", "json"]);
    let document: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(document["version"], 1);
    assert_eq!(document["errors"], serde_json::json!([]));
    let findings = document["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        for key in [
            "code",
            "name",
            "level",
            "message",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "byte_start",
            "byte_end",
            "function",
            "labels",
            "notes",
            "help",
            "fix",
        ] {
            assert!(
                finding.get(key).is_some(),
                "finding lacks `{key}`: {finding}"
            );
        }
        // Byte offsets point at the text the line/column name.
        let path = common::repo_root().join(finding["path"].as_str().unwrap());
        let text = std::fs::read_to_string(path).unwrap();
        let start = finding["byte_start"].as_u64().unwrap() as usize;
        let line = finding["line"].as_u64().unwrap() as usize;
        assert_eq!(text[..start].matches('\n').count() + 1, line);
    }
    insta::assert_json_snapshot!(document);
}

#[test]
fn warnings_exit_zero_unless_denied() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("warning[ML103]"), "{}", run.stdout);

    let run = memolint_in(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!(run.code, 1);
}

#[test]
fn deny_level_from_config_exits_one() {
    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        (
            "memolint.toml",
            "[rules]\nunbounded-memo-cache = \"deny\"\n",
        ),
    ]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("error[ML103]"), "{}", run.stdout);
}

#[test]
fn allow_level_and_ignore_silence_a_rule() {
    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        ("memolint.toml", "[rules]\nML103 = \"allow\"\n"),
    ]);
    let run = memolint_in(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));

    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(
        dir.path(),
        &[
            "check",
            "--deny-warnings",
            "--ignore",
            "unbounded-memo-cache",
        ],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    let run = memolint_in(
        dir.path(),
        &["check", "--deny-warnings", "--select", "ML001"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    let run = memolint_in(
        dir.path(),
        &["check", "--deny-warnings", "--select", "ML001,ML103"],
    );
    assert_eq!(run.code, 1);
}

#[test]
fn unknown_rule_in_select_exits_two() {
    let run = memolint(&["check", "fixtures/demo", "--select", "ML999"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown rule `ML999`"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_path_exits_two_after_checking_the_rest() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["check", "src", "no/such/dir"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/dir"), "{}", run.stderr);
    assert!(
        run.stdout.contains("ML103"),
        "the readable path is still checked:\n{}",
        run.stdout
    );
}

#[test]
fn broken_config_exits_two_with_its_location() {
    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        (
            "memolint.toml",
            "exclude = []\n[rules]\nunbounded-memo-cache = \"loud\"\n",
        ),
    ]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run
        .stderr
        .replace(&dir.path().display().to_string(), "[DIR]"));

    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        ("memolint.toml", "exclude = [\n"),
    ]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("memolint.toml:"), "{}", run.stderr);

    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        ("memolint.toml", "colour = true\n"),
    ]);
    let run = memolint_in(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("memolint.toml:1:1"), "{}", run.stderr);
}

#[test]
fn unparsable_file_is_a_warning_and_the_rest_is_checked() {
    let dir = temp_tree(&[
        ("src/lib.rs", "mod broken;\nmod fine;\n"),
        ("src/broken.rs", "pub fn f( {\n"),
        ("src/fine.rs", UNBOUNDED),
    ]);
    let run = memolint_in(dir.path(), &["check", "--format", "short"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("src/broken.rs:1:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("ML001 file not checked: cannot parse"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("src/fine.rs:3:1: ML103"),
        "{}",
        run.stdout
    );
    let run = memolint_in(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!(run.code, 1);
}

#[test]
fn bad_arguments_exit_two() {
    assert_eq!(memolint(&["check", "--format", "xml"]).code, 2);
    assert_eq!(memolint(&["frobnicate"]).code, 2);
    assert_eq!(memolint(&["--help"]).code, 0);
}

#[test]
fn quiet_drops_the_summary() {
    let run = memolint(&["check", "fixtures/demo", "--quiet"]);
    assert_eq!(run.stderr, "");
    assert!(!run.stdout.is_empty());
}

#[test]
fn explain_prints_the_rule_document() {
    let by_code = memolint(&["explain", "ML103"]);
    let by_name = memolint(&["explain", "unbounded-memo-cache"]);
    assert_eq!(by_code.code, 0);
    assert!(by_code.stdout.starts_with("# ML103 unbounded-memo-cache"));
    assert_eq!(by_code.stdout, by_name.stdout);
    let unknown = memolint(&["explain", "ML999"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("unknown rule"));
}

#[test]
fn rules_lists_every_rule() {
    let run = memolint(&["rules"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = dir.path().join("memolint.toml");
    memolint::config::Config::load(&written).expect("the template is a valid configuration");
    assert_eq!(memolint_in(dir.path(), &["init"]).code, 2);
    assert_eq!(memolint_in(dir.path(), &["init", "--force"]).code, 0);
    // The written configuration is used by `check`.
    assert_eq!(memolint_in(dir.path(), &["check"]).code, 0);
}

#[test]
fn cargo_subcommand_checks_the_enclosing_workspace() {
    let dir = temp_tree(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
        (
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
        ),
        ("a/src/lib.rs", UNBOUNDED),
        (
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\n",
        ),
        ("b/src/lib.rs", UNBOUNDED),
    ]);
    // Run from inside member `a`: both members are checked.
    let run = cargo_memolint_in(
        &dir.path().join("a"),
        &["memolint", "check", "--format", "short"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("ML103").count(), 2, "{}", run.stdout);
}

#[test]
fn loose_files_without_cargo_toml_are_checked() {
    let dir = temp_tree(&[("scripts/one.rs", UNBOUNDED)]);
    let run = memolint_in(
        dir.path(),
        &["check", "scripts/one.rs", "--format", "short"],
    );
    assert_eq!(run.stdout, "scripts/one.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever\n");
}

#[test]
fn cargo_memolint_check_works_from_a_workspace_root_through_cargo() {
    let dir = temp_tree(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n"),
        (
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
        ),
        ("a/src/lib.rs", UNBOUNDED),
        (
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\n",
        ),
        ("b/src/lib.rs", UNBOUNDED),
    ]);
    // As cargo runs it: `cargo-memolint memolint check`.
    let run = cargo_memolint_in(dir.path(), &["memolint", "check", "--format", "short"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "a/src/lib.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever\n\
         b/src/lib.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever\n"
    );

    // Through cargo itself, which finds `cargo-memolint` on the PATH.
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_cargo-memolint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["memolint", "check", "--format", "short", "--deny-warnings"])
        .current_dir(dir.path())
        .env("PATH", path)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), run.stdout);
}

#[test]
fn stale_cache_fixture_human_output() {
    let run = memolint(&[
        "check",
        "fixtures/ml101",
        "--select",
        "ML101,ML102",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 1, "ML101 is deny by default");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn rates_fixture_human_and_json_output() {
    let run = memolint(&["check", "fixtures/rates", "--color", "never"]);
    insta::assert_snapshot!("rates_human", run.stdout);
    let run = memolint(&["check", "fixtures/rates", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("rates_json", document);
}
