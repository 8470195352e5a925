//! Fuzzing the whole check pipeline with generated Rust-like source.
//!
//! A grammar of Rust fragments (functions, recursion, memoizing attributes,
//! hand-rolled caches, nested blocks, closures, macros, modules) produces
//! small crates, sometimes broken on purpose (cut, spliced, sprinkled with
//! stray delimiters, NUL bytes, lone CRs, invalid UTF-8). Each crate goes
//! through `memolint::pipeline::run` and every output format; the run must
//! not panic, must report no error (an internal error is a bug), and every
//! finding must point inside its file. Then every fix is applied: the fixed
//! files must parse, and a second fix must change nothing.
//!
//! `cargo test` runs a short session (64 crates, a few seconds). For a long
//! one, set `PROPTEST_CASES` (crates per batch) and `MEMOLINT_FUZZ_SECONDS`
//! (keep running batches that long), preferably on a release build:
//! `MEMOLINT_FUZZ_SECONDS=600 PROPTEST_CASES=5000 cargo test --release --test fuzz -- --nocapture`.
//! Every crash found is minimised into `tests/fuzz_corpus/`, which
//! `corpus_replays_cleanly` checks on every run.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::ValueEnum;
use codespan_reporting::term::termcolor::NoColor;
use memolint::fix::{self, FixOptions};
use memolint::pipeline::{self, Options};
use memolint::report::{self, Format};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
static FINDINGS: AtomicUsize = AtomicUsize::new(0);
static FIXED: AtomicUsize = AtomicUsize::new(0);

/// Writes `files` under a temp dir, checks it and asserts the invariants.
fn check_tree(files: &[(String, Vec<u8>)]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| e.to_string())?;
    }
    check_dir(dir.path())
}

fn check_dir(dir: &Path) -> Result<(), String> {
    EXECUTIONS.fetch_add(1, Ordering::Relaxed);
    let outcome = pipeline::run(&Options {
        paths: vec![dir.to_path_buf()],
        jobs: 1,
        ..Options::default()
    });
    if !outcome.errors.is_empty() {
        return Err(format!("errors: {:?}", outcome.errors));
    }
    FINDINGS.fetch_add(outcome.findings.len(), Ordering::Relaxed);
    for finding in &outcome.findings {
        let Some(source) = outcome.sources.get(finding.primary.span.file) else {
            return Err(format!("finding without its source: {finding:?}"));
        };
        let span = finding.primary.span;
        if span.start > span.end || span.end > source.text.len() {
            return Err(format!(
                "span {span:?} outside {} ({} bytes): {finding:?}",
                source.display,
                source.text.len()
            ));
        }
    }
    for format in Format::value_variants() {
        let mut out = NoColor::new(Vec::new());
        report::render(*format, &outcome, &mut out)
            .map_err(|e| format!("rendering {format:?}: {e}"))?;
    }
    check_fix(dir, &outcome)
}

/// The fix pipeline on the same tree: every fix (unsafe ones included)
/// must produce code that parses (`apply` re-parses and reports an error
/// otherwise), and a second run must change nothing.
fn check_fix(dir: &Path, outcome: &pipeline::Outcome) -> Result<(), String> {
    let options = FixOptions {
        unsafe_fixes: true,
        diff_only: false,
    };
    let first = fix::apply(&outcome.findings, &outcome.sources, options);
    if !first.errors.is_empty() {
        return Err(format!("fix errors: {:?}", first.errors));
    }
    if first.changed.is_empty() {
        return Ok(());
    }
    FIXED.fetch_add(1, Ordering::Relaxed);
    let again = pipeline::run(&Options {
        paths: vec![dir.to_path_buf()],
        jobs: 1,
        ..Options::default()
    });
    if !again.errors.is_empty() {
        return Err(format!("errors after fixing: {:?}", again.errors));
    }
    let second = fix::apply(&again.findings, &again.sources, options);
    if !second.errors.is_empty() || !second.changed.is_empty() {
        return Err(format!(
            "a second fix is not a no-op: changed {:?}, errors {:?}",
            second.changed, second.errors
        ));
    }
    Ok(())
}

// ---- the grammar -------------------------------------------------------

fn ident() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "n", "x", "i", "memo", "fib", "go", "cache", "self", "r#type", "é",
    ])
    .prop_map(str::to_string)
}

fn leaf_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        ident(),
        prop::sample::select(vec![
            "1",
            "0u64",
            "2.5",
            "\"text\"",
            "'c'",
            "b'x'",
            "r#\"raw\"#",
            "()",
            "std::time::Instant::now()",
            "SystemTime::now()",
            "rand::random::<u64>()",
            "std::env::var(\"HOME\").unwrap()",
            "std::fs::read_to_string(\"f\").unwrap().len()",
            "CACHE.with(|c| c.borrow().len())",
            "COUNTER.load(Ordering::SeqCst)",
            "GLOBAL.lock().unwrap().get(&n).copied()",
            "fib(n - 1) + fib(n - 2)",
            "go(i - 1, j) + go(i, j - 1)",
            "memo.entry(n).or_insert(1)",
            "Self::new()",
            "self.value",
            "crate::a::helper(n)",
            "super::go(1, 2)",
            "println!(\"{}\", n)",
            "vec![1, 2, 3]",
            "format!(\"{n}\")",
            "todo!()",
        ])
        .prop_map(str::to_string),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    leaf_expr().prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            inner.clone().prop_map(|a| format!("fib({a} - 1)")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}.max({b})")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("&{a}")),
            inner.clone().prop_map(|a| format!("{a}?")),
            inner.clone().prop_map(|a| format!("|x| {a}")),
            inner.clone().prop_map(|a| format!("move || {{ {a} }}")),
            inner.clone().prop_map(|a| format!("{{ let y = {a}; y }}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} < 2 {{ {a} }} else {{ {b} }}")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("match n {{ 0 | 1 => {a}, _ => {b} }}")),
            inner
                .clone()
                .prop_map(|a| format!("println!(\"{{}}\", {a})")),
            inner
                .clone()
                .prop_map(|a| format!("assert_eq!({a}, vec![{a}])")),
            inner.clone().prop_map(|a| format!("loop {{ break {a}; }}")),
            inner
                .clone()
                .prop_map(|a| format!("(0..n).map(|i| {a}).sum::<u64>()")),
            inner.clone().prop_map(|a| format!("[{a}, {a}][0]")),
            inner.clone().prop_map(|a| format!("unsafe {{ {a} }}")),
            inner.clone().prop_map(|a| format!("async {{ {a} }}.await")),
            inner.prop_map(|a| format!("CACHE.with(|c| {{ c.borrow_mut().insert(n, {a}); }})")),
        ]
    })
}

fn attr() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "#[cached]\n",
        "#[cached(size = 100)]\n",
        "#[cached(time = 60)]\n",
        "#[cached(max_size = 10, time = 1)]\n",
        "#[cached::proc_macro::cached]\n",
        "#[once]\n",
        "#[memoize]\n",
        "#[memoize(Capacity: 10)]\n",
        "#[comemo::memoize]\n",
        "#[salsa::tracked]\n",
        "#[io_cached(disk = true)]\n",
        "#[inline]\n",
        "#[cached(\n",
        "#[cfg(test)]\n",
        "/// doc\n",
        "// memolint: allow(ML103) -- reason\n",
    ])
    .prop_map(str::to_string)
}

fn signature() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "fn fib(n: u64) -> u64",
        "pub fn go(i: usize, j: usize) -> usize",
        "fn memo(n: u64, memo: &mut HashMap<u64, u64>) -> u64",
        "async fn fetch(url: &str) -> String",
        "const fn k() -> u64",
        "fn generic<T: Clone>(t: T) -> T",
        "pub(crate) unsafe extern \"C\" fn raw(x: *const u8) -> u8",
        "fn pattern((a, b): (u8, u8), [c, ..]: [u8; 2]) -> u8",
        "fn helper(n: u64) -> impl Fn() -> u64",
    ])
    .prop_map(str::to_string)
}

fn function() -> impl Strategy<Value = String> {
    (attr(), signature(), prop::collection::vec(expr(), 0..4)).prop_map(|(attr, sig, body)| {
        let mut text = format!("{attr}{sig} {{\n");
        for (i, e) in body.iter().enumerate() {
            if i + 1 == body.len() {
                text.push_str(&format!("    {e}\n"));
            } else {
                text.push_str(&format!("    let v{i} = {e};\n"));
            }
        }
        text.push_str("}\n");
        text
    })
}

fn item() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => function(),
        1 => prop::sample::select(vec![
            "use cached::proc_macro::cached;\n",
            "use cached::proc_macro::*;\n",
            "use memoize::memoize;\n",
            "use std::collections::HashMap;\nuse std::time::{Instant, SystemTime};\n",
            "use super::*;\n",
            "pub use self::a::helper;\n",
            "static GLOBAL: Mutex<HashMap<u64, u64>> = Mutex::new(HashMap::new());\n",
            "static mut COUNTER: AtomicU64 = AtomicU64::new(0);\n",
            "thread_local! { static CACHE: RefCell<HashMap<u64, u64>> = RefCell::new(HashMap::new()); }\n",
            "lazy_static! { static ref TABLE: Mutex<HashMap<String, u64>> = Mutex::new(HashMap::new()); }\n",
            "static ONCE: OnceLock<u64> = OnceLock::new();\n",
            "struct S { value: u64 }\n",
            "enum E { A, B(u8) }\n",
            "type Alias = HashMap<u64, Vec<u64>>;\n",
            "macro_rules! m { ($x:expr) => { $x + 1 }; }\n",
            "mod a;\n",
            "#[path = \"b.rs\"] mod other;\n",
            "extern crate cached;\n",
        ])
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("mod inner {{\n{}}}\n", items.concat())),
            prop::collection::vec(function(), 0..3).prop_map(|fns| format!(
                "impl S {{\n{}}}\n",
                fns.concat().replace("(n:", "(&self, n:")
            )),
            prop::collection::vec(function(), 0..3)
                .prop_map(|fns| format!("trait T {{\n{}}}\n", fns.concat())),
            (signature(), prop::collection::vec(inner, 0..3)).prop_map(|(sig, items)| {
                format!("{sig} {{\n{}    todo!()\n}}\n", items.concat())
            }),
        ]
    })
}

fn source() -> impl Strategy<Value = String> {
    prop::collection::vec(item(), 0..6).prop_map(|items| items.concat())
}

/// One construct nested `k` times, around the nesting limit.
fn deep() -> impl Strategy<Value = String> {
    let construct = prop::sample::select(vec![
        ("(", ")"),
        ("{", "}"),
        ("[", "]"),
        ("- ", ""),
        ("|x| ", ""),
        ("Vec<", ">"),
        ("f(", ")"),
        ("println!(\"{}\", ", ")"),
        ("if a { 1 } else ", "{ 2 }"),
        ("a + ", "a"),
        ("x.m(", ")"),
    ]);
    (construct, 0..6000usize).prop_map(|((open, close), k)| {
        format!(
            "fn f() {{ let x = {}1{}; }}\n",
            open.repeat(k),
            close.repeat(k)
        )
    })
}

/// Tokens and fragments in any order: mostly not Rust at all.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "fn",
        "f",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "<",
        ">",
        "|",
        "||",
        "&",
        "-",
        "+",
        "*",
        ".",
        "..",
        "::",
        ":",
        ";",
        ",",
        "=",
        "=>",
        "->",
        "?",
        "!",
        "#",
        "#[cached]",
        "#![allow(x)]",
        "mod",
        "m",
        "impl",
        "trait",
        "for",
        "in",
        "if",
        "else",
        "match",
        "let",
        "move",
        "async",
        "await",
        "return",
        "static",
        "ref",
        "mut",
        "pub",
        "use",
        "crate",
        "self",
        "super",
        "Self",
        "where",
        "dyn",
        "'a",
        "1",
        "\"s\"",
        "b'c'",
        "fib(n - 1)",
        "println!",
        "vec!",
        "macro_rules!",
        "thread_local!",
        "$x",
        "\n",
        " ",
        "//",
        "/*",
        "*/",
        "\r\n",
    ]);
    prop::collection::vec(token, 0..120).prop_map(|tokens| tokens.join(" "))
}

/// Ways to break a well-formed text, at a position given as a fraction.
#[derive(Clone, Debug)]
enum Damage {
    None,
    Truncate(f64),
    Insert(f64, &'static [u8]),
    Remove(f64, usize),
    Splice(f64, f64),
}

fn damage() -> impl Strategy<Value = Damage> {
    let inserted = prop::sample::select(vec![
        &b"{"[..],
        b"}",
        b"(",
        b")",
        b"]",
        b"\"",
        b"'",
        b"#",
        b"#!",
        b"/*",
        b"r#\"",
        b"\0",
        b"\r",
        b"\r\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xe9",
        b"\x1b[31m",
        b"fn",
        b"|",
        b"<",
        b"::",
        b"=>",
        b"..",
        b"'a",
        b"\\",
        b"1e",
        b"0x",
    ]);
    prop_oneof![
        3 => Just(Damage::None),
        1 => (0.0..1.0f64).prop_map(Damage::Truncate),
        3 => (0.0..1.0f64, inserted).prop_map(|(at, bytes)| Damage::Insert(at, bytes)),
        1 => (0.0..1.0f64, 1..20usize).prop_map(|(at, n)| Damage::Remove(at, n)),
        1 => (0.0..1.0f64, 0.0..1.0f64).prop_map(|(a, b)| Damage::Splice(a, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for damage in damages {
        damage_once(&mut bytes, damage);
    }
    bytes
}

fn damage_once(bytes: &mut Vec<u8>, damage: &Damage) {
    let at = |fraction: f64, len: usize| ((len as f64) * fraction) as usize;
    match damage {
        Damage::None => {}
        Damage::Truncate(f) => bytes.truncate(at(*f, bytes.len())),
        Damage::Insert(f, inserted) => {
            let i = at(*f, bytes.len());
            bytes.splice(i..i, inserted.iter().copied());
        }
        Damage::Remove(f, n) => {
            let i = at(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Damage::Splice(a, b) => {
            // Repeat a piece of the text somewhere else.
            let (i, j) = (at(*a, bytes.len()), at(*b, bytes.len()));
            let (lo, hi) = (i.min(j), i.max(j));
            let piece = bytes[lo..hi].to_vec();
            bytes.splice(lo..lo, piece);
        }
    }
}

/// A crate: `src/lib.rs`, `src/a.rs`, `src/b.rs`, and sometimes a
/// manifest, a configuration or a loose file.
fn crate_tree() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    (
        (source(), prop::collection::vec(damage(), 0..3)),
        (source(), prop::collection::vec(damage(), 0..3)),
        prop_oneof![6 => source(), 2 => token_soup(), 1 => deep()],
        prop::sample::select(vec![
            "",
            "[package]\nname = \"fuzzed\"\nversion = \"0.1.0\"\n",
            "[package]\nname = \"fuzzed\"\n[lib]\npath = \"src/a.rs\"\n",
            "[workspace]\n",
            "[package\nname = ",
        ]),
        prop::sample::select(vec![
            "",
            "[rules]\nML001 = \"deny\"\n",
            "exclude = [\"src/b.rs\"]\nmax-file-size = 300\n",
        ]),
    )
        .prop_map(|((lib, lib_damage), (a, a_damage), b, manifest, config)| {
            let mut files = vec![
                (
                    "src/lib.rs".to_string(),
                    apply(format!("mod a;\nmod b;\n{lib}").into_bytes(), &lib_damage),
                ),
                ("src/a.rs".to_string(), apply(a.into_bytes(), &a_damage)),
                ("src/b.rs".to_string(), b.into_bytes()),
            ];
            if !manifest.is_empty() {
                files.push(("Cargo.toml".to_string(), manifest.as_bytes().to_vec()));
            }
            if !config.is_empty() {
                files.push(("memolint.toml".to_string(), config.as_bytes().to_vec()));
            }
            files
        })
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        // Crashes are minimised by hand into tests/fuzz_corpus/.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

#[test]
fn generated_crates_never_crash_the_pipeline() {
    // `MEMOLINT_FUZZ_SECONDS`: keep running batches of `PROPTEST_CASES`
    // crates (each batch with fresh random seeds) for that long.
    let budget = std::env::var("MEMOLINT_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(std::time::Duration::from_secs);
    let started = std::time::Instant::now();
    loop {
        let mut runner = TestRunner::new(config());
        let result = runner.run(&crate_tree(), |tree| {
            check_tree(&tree).map_err(|problem| {
                let shown: Vec<(String, String)> = tree
                    .iter()
                    .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
                    .collect();
                TestCaseError::fail(format!("{problem}\nin {shown:#?}"))
            })
        });
        // Seen with `--nocapture`: what a long run did.
        eprintln!(
            "fuzz: {} executions, {} findings, {} trees fixed, in {:.1} s",
            EXECUTIONS.load(Ordering::Relaxed),
            FINDINGS.load(Ordering::Relaxed),
            FIXED.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64()
        );
        if let Err(error) = result {
            panic!("{error}");
        }
        if budget.map_or(true, |budget| started.elapsed() >= budget) {
            break;
        }
    }
}

/// Every file in `tests/fuzz_corpus/` (a crash found once) is checked as
/// the `src/lib.rs` of a crate, and as a loose file.
#[test]
fn corpus_replays_cleanly() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let mut entries: Vec<_> = std::fs::read_dir(&corpus)
        .expect("tests/fuzz_corpus exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty());
    for path in entries {
        let text = std::fs::read(&path).unwrap();
        let tree = [
            ("src/lib.rs".to_string(), text.clone()),
            (
                "Cargo.toml".to_string(),
                b"[package]\nname = \"replay\"\nversion = \"0.1.0\"\n".to_vec(),
            ),
        ];
        if let Err(problem) = check_tree(&tree) {
            panic!("{}: {problem}", path.display());
        }
        if let Err(problem) = check_tree(&[("loose.rs".to_string(), text)]) {
            panic!("{} (loose): {problem}", path.display());
        }
    }
}
