//! Fixture crates under `fixtures/` mark every finding they must produce
//! with a trailing `//~ CODE` comment (several codes comma-separated) on the
//! line where the finding's primary span starts. Every other line must stay
//! silent. These tests run the real pipeline on each crate and compare.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use memolint::pipeline::{self, Options};

/// `(file relative to the fixture, line, code)`.
type Expectation = (String, usize, String);

/// The `//~` annotations of every `.rs` file under `dir`.
fn annotations(dir: &Path) -> BTreeSet<Expectation> {
    let mut expected = BTreeSet::new();
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let relative = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (number, line) in text.lines().enumerate() {
            let Some((_, codes)) = line.split_once("//~") else {
                continue;
            };
            for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                expected.insert((relative.clone(), number + 1, code.to_string()));
            }
        }
    }
    expected
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                files.extend(walk(&path));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// What memolint reports on the fixture, restricted to `codes`.
fn findings(dir: &Path, codes: &[&str]) -> BTreeSet<Expectation> {
    let outcome = pipeline::run(&Options {
        paths: vec![dir.to_path_buf()],
        jobs: 1,
        select: codes.iter().map(|c| c.to_string()).collect(),
        ..Options::default()
    });
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome
        .findings
        .iter()
        .map(|finding| {
            let file = outcome.sources.get(finding.primary.span.file).unwrap();
            let relative = file
                .path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let line = file.line_col(finding.primary.span.start).line;
            (relative, line, finding.code.to_string())
        })
        .collect()
}

/// Compares, printing what is missing and what is extra.
fn check_fixture(name: &str, codes: &[&str]) {
    let dir = common::repo_root().join("fixtures").join(name);
    let expected: BTreeSet<Expectation> = annotations(&dir)
        .into_iter()
        .filter(|(_, _, code)| codes.contains(&code.as_str()))
        .collect();
    assert!(!expected.is_empty(), "fixture {name} has no annotations");
    let actual = findings(&dir, codes);
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "fixture {name}:\n  missing (false negatives): {missing:#?}\n  extra (false positives): {extra:#?}"
    );
}

#[test]
fn stale_cache_fixture_reports_exactly_its_annotations() {
    check_fixture("ml101", &["ML101", "ML102", "ML103"]);
}

#[test]
fn rates_service_reports_exactly_its_annotations() {
    check_fixture("rates", &["ML101", "ML102", "ML103"]);
}

#[test]
fn overlapping_recursion_fixture_reports_exactly_its_annotations() {
    check_fixture("ml201", &["ML201"]);
}

#[test]
fn test_functions_fixture_reports_exactly_its_annotations() {
    check_fixture("deferred", &["ML101", "ML102", "ML103", "ML201"]);
}

/// Every finding here needs a file that names nothing memoized or
/// recursive itself, which the lexical pre-pass must keep.
#[test]
fn prepass_fixture_reports_exactly_its_annotations() {
    check_fixture("prepass", &["ML101", "ML102", "ML103", "ML201"]);
}
