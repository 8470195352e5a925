//! The lexical pre-pass (`src/prepass/`) leaves out the files no finding
//! can depend on. That must change no finding but ML001 for a syntax error
//! in a file left out: these tests check every fixture crate and
//! memolint's own source with and without it (`--parse-all`), and that
//! the files a finding needs across the crate are kept. The benchmark
//! (`bench/run.py`) compares the two on the whole corpus.

mod common;

use std::path::{Path, PathBuf};

use memolint::catalog::Memoizers;
use memolint::diagnostic::Finding;
use memolint::index::CrateTarget;
use memolint::pipeline::{self, Options, Outcome};

fn check(path: &Path, parse_all: bool) -> Outcome {
    pipeline::run(&Options {
        paths: vec![path.to_path_buf()],
        jobs: 1,
        parse_all,
        ..Options::default()
    })
}

fn is_ml001(finding: &Finding) -> bool {
    finding.code == "ML001"
}

#[test]
fn the_prepass_changes_no_finding_but_syntax_errors_in_files_left_out() {
    let mut compared = 0;
    for input in common::fixtures_and_repo() {
        let prepassed = check(&input, false);
        let parsed = check(&input, true);
        assert_eq!(prepassed.errors, parsed.errors, "{}", input.display());
        let without_ml001 = |outcome: &Outcome| -> Vec<Finding> {
            outcome
                .findings
                .iter()
                .filter(|f| !is_ml001(f))
                .cloned()
                .collect()
        };
        assert!(
            without_ml001(&prepassed) == without_ml001(&parsed),
            "{}: findings differ with the pre-pass\n pre-pass: {:#?}\n --parse-all: {:#?}",
            input.display(),
            prepassed.findings,
            parsed.findings
        );
        for finding in prepassed.findings.iter().filter(|f| is_ml001(f)) {
            assert!(
                parsed.findings.contains(finding),
                "{}: ML001 only with the pre-pass: {finding:#?}",
                input.display()
            );
        }
        compared += parsed.findings.len();
    }
    assert!(compared > 0, "the inputs hold no finding to compare");
}

/// Every finding of `fixtures/prepass` needs a file that names nothing
/// memoized or recursive itself; only the file with nothing to check and
/// a syntax error is left out, so only `--parse-all` reports it.
#[test]
fn findings_across_files_survive_and_only_parse_all_sees_the_syntax_error() {
    let dir = common::repo_root().join("fixtures/prepass");
    let prepassed = common::memolint_in(&dir, &["check", ".", "--format", "short"]);
    insta::assert_snapshot!(prepassed.stdout, @r"
    src/cache/mod.rs:11:21: ML101 `square` is memoized but reads the clock (through `now_secs`): its cache keeps serving the first answer for each key
    src/graph.rs:3:8: ML201 `paths_to` recomputes overlapping subproblems: ~O(1.6^n) calls for n + 1 distinct arguments
    src/memo.rs:8:1: ML103 `greeting` is memoized with no size bound: its cache keeps every distinct argument forever
    src/memo.rs:10:31: ML101 `greeting` is memoized but reads the clock (through `render`): its cache keeps serving the first answer for each key
    src/walk.rs:4:8: ML201 `stairs` recomputes overlapping subproblems: ~O(1.6^n) calls for n + 1 distinct arguments
    ");
    let parsed = common::memolint_in(&dir, &["check", ".", "--format", "short", "--parse-all"]);
    let extra: Vec<&str> = parsed
        .stdout
        .lines()
        .filter(|line| !prepassed.stdout.contains(line))
        .collect();
    assert_eq!(
        extra,
        ["src/unrelated.rs:10:9: ML001 file not checked: cannot parse: expected one of: identifier, `::`, `<`, `_`, literal, `const`, `ref`, `mut`, `&`, parentheses, square brackets, `..`, `const`"]
    );
}

/// The files of `fixtures/prepass` the pre-pass keeps, by name.
fn kept(files: &[(&str, &str)]) -> Vec<String> {
    let root = Path::new("/crate/src");
    let paths: Vec<PathBuf> = files.iter().map(|(name, _)| root.join(name)).collect();
    let path_refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let texts: Vec<Option<&str>> = files.iter().map(|(_, text)| Some(*text)).collect();
    let targets = [CrateTarget {
        name: "krate".to_string(),
        root: root.join("lib.rs"),
        is_lib: true,
        package_dir: Some(PathBuf::from("/crate")),
        dependencies: Vec::new(),
    }];
    let needed =
        memolint::prepass::needed_files(&texts, &path_refs, &targets, &Memoizers::new(&[]));
    files
        .iter()
        .zip(needed)
        .filter(|(_, needed)| *needed)
        .map(|((name, _), _)| name.to_string())
        .collect()
}

#[test]
fn what_a_root_reaches_is_kept_and_nothing_else() {
    let lib = "mod a; mod b; mod c; mod d; mod e;";
    // `fib` recurses and calls `helper` in `b` through a renamed import;
    // `shape` names a type of `c`, but nothing reaches `shape`; `d` and
    // `e` are reached by nothing.
    let a = "use crate::b::helper as h;\nfn fib(n: u64) -> u64 { if n < 2 { n } else { fib(n - 1) + h(n - 2) } }\nfn shape(_: crate::c::Shape) {}";
    let b = "pub fn helper(n: u64) -> u64 { n }";
    let c = "pub struct Shape { pub side: u64 }";
    let d = "pub fn total(v: &[u64]) -> u64 { v.iter().sum() }";
    let e = "pub fn len(&self) -> u64 { self.inner.count() }";
    assert_eq!(
        kept(&[
            ("lib.rs", lib),
            ("a.rs", a),
            ("b.rs", b),
            ("c.rs", c),
            ("d.rs", d),
            ("e.rs", e)
        ]),
        ["lib.rs", "a.rs", "b.rs"]
    );
}

#[test]
fn roots_of_every_kind_are_kept() {
    let lib = "mod m; mod s; mod t; mod u; mod v; mod w; mod x;";
    let cases = [
        // A memoizer named by its crate.
        ("m.rs", "use cached::proc_macro::cached;\n#[cached]\nfn f(n: u64) -> u64 { n }"),
        // A static that may hold a cache, and a function using it.
        ("s.rs", "pub static CACHE: Mutex<HashMap<u64, u64>> = Mutex::new(HashMap::new());"),
        ("t.rs", "fn g(n: u64) -> u64 { *crate::s::CACHE.lock().unwrap().get(&n).unwrap() }"),
        // A `&mut` memo table.
        ("u.rs", "fn h(n: usize, memo: &mut Vec<Option<u64>>) -> u64 { memo[n].unwrap() }"),
        // Mutual recursion.
        ("v.rs", "fn even(n: u64) -> bool { n == 0 || odd(n - 1) }\nfn odd(n: u64) -> bool { n != 0 && even(n - 1) }"),
        // A suppression comment.
        ("w.rs", "// memolint: allow(ML101)\nfn w() {}"),
        // Delegation to another type's method of the same name looks like
        // recursion to words: kept, and the analysis decides.
        ("x.rs", "fn eq(&self, other: &Self) -> bool { self.0.eq(&other.0) }"),
    ];
    let mut files = vec![("lib.rs", lib)];
    files.extend(cases);
    assert_eq!(
        kept(&files),
        ["lib.rs", "m.rs", "s.rs", "t.rs", "u.rs", "v.rs", "w.rs", "x.rs"]
    );
}

#[test]
fn near_misses_are_left_out() {
    let lib = "mod a; mod b; mod c; mod d; mod e; mod f;";
    let cases = [
        // `cached` as a variable, with no memoizer crate in the unit.
        ("a.rs", "fn a(cached: bool) -> bool { cached }"),
        // Delegation that takes a `&mut`, which ML201 never flags.
        ("b.rs", "fn fmt(&self, f: &mut Formatter) -> Result { self.0.fmt(f) }\nfn next(&mut self) -> Option<u8> { self.inner.next() }"),
        // Recursion that returns nothing cannot be memoized.
        ("c.rs", "fn walk(n: u64) { if n > 0 { walk(n - 1) } }"),
        // A static that holds no cache; a pointer type is no `const` item.
        ("d.rs", "static COUNT: AtomicU64 = AtomicU64::new(0);\nfn p(x: *const u8) -> u64 { COUNT.load(Relaxed) }"),
        // A parameter named like its function is no call.
        ("f.rs", "fn tag(tag: &str) -> usize { tag.len() }"),
        // `'static` is a lifetime, and words in strings and comments are none.
        ("e.rs", "fn e() -> &'static str { \"fn e() -> u64 { e() } cached::x\" } // e()"),
    ];
    let mut files = vec![("lib.rs", lib)];
    files.extend(cases);
    assert_eq!(kept(&files), Vec::<String>::new());
}

#[test]
fn what_the_scan_cannot_be_sure_of_keeps_every_file() {
    let lib = "mod a; mod b;";
    // Brackets that do not match: the lexer, not the scan, must say why.
    let a = "fn a() { (] }";
    let b = "pub fn total(v: &[u64]) -> u64 { v.iter().sum() }";
    assert_eq!(
        kept(&[("lib.rs", lib), ("a.rs", a), ("b.rs", b)]),
        ["lib.rs", "a.rs", "b.rs"]
    );
}

#[test]
fn modules_placed_by_path_attributes_keep_their_declaration() {
    // `imp.rs` is module `sys` wherever the directories say; its child
    // `imp/inner.rs` is what the root needs.
    let lib = "#[path = \"imp.rs\"]\nmod sys;\nmod other;";
    let imp = "mod inner;";
    let inner = "pub fn fib(n: u64) -> u64 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }";
    let other = "pub fn total(v: &[u64]) -> u64 { v.iter().sum() }";
    assert_eq!(
        kept(&[
            ("lib.rs", lib),
            ("imp.rs", imp),
            ("imp/inner.rs", inner),
            ("other.rs", other)
        ]),
        ["lib.rs", "imp.rs", "imp/inner.rs"]
    );
}

#[test]
fn a_cycle_through_a_renamed_import_is_a_cycle() {
    let lib = "mod y; mod z;";
    let y = "use crate::z::g as h;\npub fn f(n: u64) -> u64 { if n < 2 { n } else { h(n - 1) + h(n - 2) } }";
    let z = "pub fn g(n: u64) -> u64 { crate::y::f(n) }";
    assert_eq!(
        kept(&[("lib.rs", lib), ("y.rs", y), ("z.rs", z)]),
        ["lib.rs", "y.rs", "z.rs"]
    );
}
