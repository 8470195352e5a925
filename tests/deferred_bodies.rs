//! Test functions' bodies are summarised only once something refers to
//! them (`index/summary.rs`, `deferrable`). That must change no finding:
//! these tests check every fixture crate and memolint's own source with
//! and without deferral, through the library and through the binary's
//! hidden `--summarize-every-body`. The benchmark (`bench/run.py`) does
//! the same on the whole corpus.

mod common;

use std::path::Path;

use memolint::pipeline::{self, Options, Outcome};

fn check(path: &Path, summarize_every_body: bool) -> Outcome {
    pipeline::run(&Options {
        paths: vec![path.to_path_buf()],
        jobs: 1,
        summarize_every_body,
        ..Options::default()
    })
}

#[test]
fn deferral_changes_no_finding() {
    let mut findings = 0;
    for input in common::fixtures_and_repo() {
        let deferred = check(&input, false);
        let eager = check(&input, true);
        assert_eq!(deferred.errors, eager.errors, "{}", input.display());
        assert!(
            deferred.findings == eager.findings,
            "{}: findings differ with deferral\n deferred: {:#?}\n eager: {:#?}",
            input.display(),
            deferred.findings,
            eager.findings
        );
        findings += deferred.findings.len();
    }
    assert!(findings > 0, "the inputs hold no finding to compare");
}

#[test]
fn the_hidden_flag_gives_the_same_output() {
    let dir = common::repo_root().join("fixtures/deferred");
    let args = ["check", ".", "--format", "json"];
    let deferred = common::memolint_in(&dir, &args);
    let eager = common::memolint_in(&dir, &[&args[..], &["--summarize-every-body"]].concat());
    assert_eq!(deferred.code, 1, "{}", deferred.stderr);
    assert_eq!(deferred.stdout, eager.stdout);
    assert_eq!(deferred.code, eager.code);
}
