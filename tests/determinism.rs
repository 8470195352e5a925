//! The findings do not depend on how the work is scheduled: every fixture
//! (and memolint's own source) gives byte-identical JSON at one, two and
//! eight worker threads, and again in a second run. The benchmark
//! (`bench/run.py`) checks the same on its two-and-a-half-million-line
//! corpus; this is the quick version that runs with `cargo test`.

use std::path::{Path, PathBuf};

use codespan_reporting::term::termcolor::NoColor;
use memolint::pipeline::{self, Options};
use memolint::report::{self, Format};

fn json(paths: &[PathBuf], jobs: usize) -> String {
    let outcome = pipeline::run(&Options {
        paths: paths.to_vec(),
        jobs,
        ..Options::default()
    });
    let mut out = NoColor::new(Vec::new());
    report::render(Format::Json, &outcome, &mut out).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

#[test]
fn findings_are_identical_at_every_thread_count_and_in_every_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    // Many units of different sizes, so that the schedule really varies.
    paths.push(root.join("src"));
    let first = json(&paths, 1);
    assert!(
        first.contains("\"ML101\"") && first.contains("\"ML103\""),
        "the fixtures should have findings: {first}"
    );
    for jobs in [2, 8, 1, 2] {
        assert_eq!(json(&paths, jobs), first, "-j{jobs} differs from -j1");
    }
}
