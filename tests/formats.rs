//! The CI-facing output options: `--format sarif` and `github`,
//! `--statistics`, `--output`, `--exit-zero`.

mod common;

use common::{memolint, memolint_in, repo_root, temp_tree};
use serde_json::Value;

const UNBOUNDED: &str =
    "use cached::proc_macro::cached;\n\n#[cached]\npub fn slow(n: u64) -> u64 {\n    n * 2\n}\n";

/// The SARIF log of `args`, with what depends on the machine and the
/// release replaced.
fn sarif(args: &[&str]) -> Value {
    let run = memolint(args);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let mut log: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    let sarif_run = &mut log["runs"][0];
    let root = format!("file://{}/", repo_root().display());
    assert_eq!(
        sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        root.as_str()
    );
    sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "[ROOT]".into();
    assert_eq!(
        sarif_run["tool"]["driver"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    sarif_run["tool"]["driver"]["version"] = "[VERSION]".into();
    sarif_run["tool"]["driver"]["semanticVersion"] = "[VERSION]".into();
    // The rule documents are in rules/ and checked there.
    for rule in sarif_run["tool"]["driver"]["rules"].as_array_mut().unwrap() {
        let id = rule["id"].as_str().unwrap().to_string();
        let doc = memolint::rules::find(&id).unwrap().meta().doc;
        assert_eq!(rule["help"]["markdown"], doc);
        assert_eq!(rule["help"]["text"], doc);
        rule["help"] = format!("[rules/{id}-*.md]").into();
    }
    log
}

#[test]
fn demo_sarif_output() {
    let log = sarif(&["check", "fixtures/demo", "--format", "sarif"]);
    assert_eq!(log["version"], "2.1.0");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), memolint::rules::all().len());
    insta::assert_json_snapshot!(log);
}

#[test]
fn suppressions_fixture_sarif_output_carries_fixes() {
    let log = sarif(&["check", "fixtures/suppressions", "--format", "sarif"]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r.get("fixes").is_some()),
        "an unused suppression has a fix"
    );
    insta::assert_json_snapshot!(log);
}

#[test]
fn sarif_of_a_failed_run_says_so() {
    let run = memolint(&["check", "no/such/dir", "--format", "sarif"]);
    assert_eq!(run.code, 2);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(notification["message"]["text"]
        .as_str()
        .unwrap()
        .contains("no/such/dir"));
    assert!(
        run.stderr.contains("no/such/dir"),
        "and on stderr for the log"
    );
}

#[test]
fn demo_github_output() {
    let run = memolint(&["check", "fixtures/demo", "--format", "github"]);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn github_output_escapes_paths_and_messages() {
    let dir = temp_tree(&[("a,b:c%.rs", UNBOUNDED)]);
    let run = memolint_in(dir.path(), &["check", "a,b:c%.rs", "--format", "github"]);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("::warning file=a%2Cb%3Ac%25.rs,line=3,col=1,endLine=3,endColumn=10,title=ML103 unbounded-memo-cache::`slow` is memoized"),
        "{}",
        run.stdout
    );
    // The message part keeps `:` and `,` but not line breaks.
    assert!(
        run.stdout.contains(
            "argument forever%0Ahelp: bound the cache, e.g. `#[cached(size = 1024)]`, so"
        ),
        "{}",
        run.stdout
    );

    let run = memolint_in(dir.path(), &["check", "missing.rs", "--format", "github"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("::error title=memolint::missing.rs%3A ")
            || run
                .stdout
                .starts_with("::error title=memolint::missing.rs: "),
        "{}",
        run.stdout
    );
}

#[test]
fn deny_findings_are_github_errors() {
    let dir = temp_tree(&[
        ("src/lib.rs", UNBOUNDED),
        ("memolint.toml", "[rules]\nML103 = \"deny\"\n"),
    ]);
    let run = memolint_in(dir.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("::error file=src/lib.rs,line=3,"),
        "{}",
        run.stdout
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let run = memolint(&["check", "fixtures/suppressions", "--statistics"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);

    let run = memolint(&[
        "check",
        "fixtures/suppressions",
        "--statistics",
        "--format",
        "json",
    ]);
    let counts: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(counts[0]["code"], "ML002");
    assert_eq!(counts[0]["count"], 3);
    assert_eq!(counts[0]["fixable"], 2);

    let run = memolint(&[
        "check",
        "fixtures/demo",
        "--statistics",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--statistics"), "{}", run.stderr);
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    let run = memolint_in(
        dir.path(),
        &["check", "--format", "short", "--output", "report.txt"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert_eq!(
        report,
        "src/lib.rs:3:1: ML103 `slow` is memoized with no size bound: its cache keeps every distinct argument forever\n"
    );

    // Human output in a file has no colours unless asked for.
    let run = memolint_in(
        dir.path(),
        &["check", "-o", "report.txt", "--color", "auto"],
    );
    assert_eq!(run.code, 0);
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(report.starts_with("warning[ML103]"), "{report}");
    assert!(!report.contains('\u{1b}'));

    let run = memolint_in(dir.path(), &["check", "--output", "no/such/dir/report.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot write the report to no/such/dir/report.txt"),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_zero_passes_failing_findings_but_not_errors() {
    let dir = temp_tree(&[("src/lib.rs", UNBOUNDED)]);
    assert_eq!(
        memolint_in(dir.path(), &["check", "--deny-warnings"]).code,
        1
    );
    let run = memolint_in(dir.path(), &["check", "--deny-warnings", "--exit-zero"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("ML103"), "findings are still reported");
    let run = memolint_in(dir.path(), &["check", "missing", "--exit-zero"]);
    assert_eq!(run.code, 2);
}
