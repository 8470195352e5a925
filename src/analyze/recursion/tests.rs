//! The recursion analysis on small snippets: argument shapes, exclusivity,
//! loops, cycles, exclusions and the estimate's wording.

use std::path::{Path, PathBuf};

use super::*;
use crate::analyze::{Analysis, Needs};
use crate::config::Config;
use crate::index::{CrateTarget, ParsedFile};
use crate::source::{FileId, SourceFile};

/// The recursive functions of `text` as a crate's `lib.rs`, by name.
fn analyze(text: &str) -> Vec<(String, RecursiveFn)> {
    let mut file = ParsedFile::new(
        SourceFile::new(
            FileId(0),
            PathBuf::from("/pkg/src/lib.rs"),
            "lib.rs".to_string(),
            text.to_string(),
        ),
        syn::parse_file(text).expect("test source parses"),
        0,
    );
    file.prepare_for_index();
    let files = vec![file];
    let targets = vec![CrateTarget {
        name: "demo".to_string(),
        root: PathBuf::from("/pkg/src/lib.rs"),
        is_lib: true,
        package_dir: Some(PathBuf::from("/pkg")),
        dependencies: Vec::new(),
    }];
    let index = Index::build(&files, &targets);
    let analysis = Analysis::run(
        &index,
        &Config::default_for(Path::new("/pkg")),
        Needs::Recursion,
    );
    analysis
        .recursion
        .into_iter()
        .map(|r| (index.function(r.function).name.clone(), r))
        .collect()
}

fn find<'a>(found: &'a [(String, RecursiveFn)], name: &str) -> &'a RecursiveFn {
    &found
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("`{name}` is not recursive"))
        .1
}

/// The calls text and the distinct text of the one flagged function.
fn cost(text: &str) -> (String, Option<String>) {
    let found = analyze(text);
    let (_, r) = found
        .iter()
        .find(|(_, r)| r.overlap().is_some())
        .expect("a flagged function");
    let e = &r.overlap().unwrap().estimate;
    let names = r.param_names();
    (e.calls_text(&names), e.distinct_text(&names))
}

#[test]
fn shapes_of_arguments() {
    let found = analyze(
        "pub fn f(n: u64, s: &str, v: &[u8], k: u64) -> u64 {
            if n == 0 { return 0; }
            f(n - 1, &s[2..], &v[..v.len() - 1], 3) + f(n / 2, s, &v[1..], k + 1)
        }",
    );
    let f = find(&found, "f");
    let shapes: Vec<&[Shape]> = f.calls.iter().map(|c| c.args.as_slice()).collect();
    assert_eq!(
        shapes[0],
        [
            Shape::Step {
                amount: Amount::Const(1),
                grows: false
            },
            Shape::Slice {
                start: Amount::Const(2),
                end: SliceEnd::Full
            },
            Shape::Slice {
                start: Amount::Const(0),
                end: SliceEnd::FromEnd(Amount::Const(1))
            },
            Shape::Const("3".to_string()),
        ]
    );
    assert_eq!(
        shapes[1],
        [
            Shape::Div(2),
            Shape::Same,
            Shape::Slice {
                start: Amount::Const(1),
                end: SliceEnd::Full
            },
            Shape::Step {
                amount: Amount::Const(1),
                grows: true
            },
        ]
    );
    assert!(f.overlap().is_some());
}

#[test]
fn locals_fields_and_unknowns() {
    let found = analyze(
        "pub struct T { l: Box<T>, r: Box<T>, v: u64 }
        pub fn g(t: &T, n: u64) -> u64 {
            let m = n - 2;
            let w = 2 * n;
            g(&t.l, m) + g(&t.r, w)
        }",
    );
    let g = find(&found, "g");
    assert_eq!(g.calls[0].args[0], Shape::Part);
    assert_eq!(
        g.calls[0].args[1],
        Shape::Step {
            amount: Amount::Const(2),
            grows: false
        }
    );
    assert_eq!(g.calls[1].args[1], Shape::Unknown);
    assert!(matches!(g.verdict, Verdict::NoOverlap));
}

#[test]
fn loop_variables() {
    let found = analyze(
        "pub fn climb(n: u32) -> u64 {
            if n == 0 { return 1; }
            (1..=n.min(2)).map(|s| climb(n - s)).sum()
        }
        pub fn cat(n: u32) -> u64 {
            if n == 0 { return 1; }
            let mut t = 0;
            for i in 0..n { t += cat(i) * cat(n - 1 - i); }
            t
        }
        pub fn counter(n: u32) -> u64 {
            if n == 0 { return 1; }
            let mut t = 0;
            let mut i = 1;
            while i <= n { t += counter(n - i); i += 1; }
            t
        }",
    );
    let cat = find(&found, "cat");
    assert_eq!(
        cat.calls[0].args[0],
        Shape::Step {
            amount: Amount::Varying(Deltas::From(1)),
            grows: false
        }
    );
    assert_eq!(
        cat.calls[1].args[0],
        Shape::Step {
            amount: Amount::Varying(Deltas::From(1)),
            grows: false
        }
    );
    for name in ["climb", "cat", "counter"] {
        assert!(find(&found, name).overlap().is_some(), "{name}");
    }
}

#[test]
fn exclusive_calls_do_not_overlap() {
    let found = analyze(
        "pub fn a(n: u64) -> u64 {
            match n { 0 => 0, n if n % 2 == 0 => a(n / 2), n => a(n - 1) }
        }
        pub fn b(n: u64) -> u64 {
            if n < 2 { return n; }
            if n % 3 == 0 {
                let x = b(n / 3);
                return x + 1;
            }
            b(n - 1) + 1
        }
        pub fn c(n: u64) -> u64 {
            let x = if n > 5 { c(n - 1) } else if n > 1 { c(n - 2) } else { 0 };
            x + 1
        }
        pub fn e(n: u64) -> u64 {
            if n < 2 { return n; }
            (n % 2 == 0).then_some(n).map_or_else(|| e(n - 1), |m| e(m / 2))
        }
        pub fn d(n: u64) -> u64 {
            if n < 2 { return n; }
            let x = d(n - 1);
            if x > 10 { return x; }
            x + d(n - 2)
        }",
    );
    for name in ["a", "b", "c", "e"] {
        assert!(
            matches!(find(&found, name).verdict, Verdict::NoOverlap),
            "{name}"
        );
    }
    // An early return *after* the first call does not stop the second.
    assert!(find(&found, "d").overlap().is_some());
}

#[test]
fn splits_are_disjoint_but_moving_cuts_overlap() {
    let found = analyze(
        "pub fn halves(v: &[i64]) -> i64 {
            if v.len() < 2 { return v.iter().sum(); }
            let mid = v.len() / 2;
            halves(&v[..mid]) + halves(&v[mid..])
        }
        pub fn pivot(v: &[i64]) -> i64 {
            if v.is_empty() { return 0; }
            let p = v.len() / 3;
            pivot(&v[..p]) + pivot(&v[p + 1..])
        }
        pub fn chain(v: &[u64]) -> u64 {
            if v.len() < 2 { return 0; }
            let mut best = u64::MAX;
            for k in 1..v.len() {
                best = best.min(chain(&v[..k]) + chain(&v[k..]) + v[0] * v[k]);
            }
            best
        }",
    );
    assert!(matches!(find(&found, "halves").verdict, Verdict::NoOverlap));
    assert!(matches!(find(&found, "pivot").verdict, Verdict::NoOverlap));
    assert!(find(&found, "chain").overlap().is_some());
}

#[test]
fn exclusions() {
    let found = analyze(
        "use std::cell::Cell;
        pub fn out(n: u64) -> u64 { println!(\"{n}\"); if n < 2 { n } else { out(n - 1) + out(n - 2) } }
        pub fn nothing(n: u64) { if n > 1 { nothing(n - 1); nothing(n - 2); } }
        pub fn cell(n: u64, c: &Cell<u64>) -> u64 { if n < 2 { n } else { cell(n - 1, c) + cell(n - 2, c) } }
        pub fn cb<F: Fn(u64) -> u64>(n: u64, f: &F) -> u64 { if n < 2 { f(n) } else { cb(n - 1, f) + cb(n - 2, f) } }
        pub fn words(n: usize) -> Vec<String> {
            if n == 0 { return vec![String::new()]; }
            let mut v = words(n - 1);
            v.extend(words(n - 2));
            v
        }",
    );
    let excluded = |name: &str| match &find(&found, name).verdict {
        Verdict::Excluded(why) => why.clone(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(excluded("out"), Exclusion::Impure);
    assert_eq!(excluded("nothing"), Exclusion::ReturnsNothing);
    assert_eq!(excluded("cell"), Exclusion::InteriorMutability("c".into()));
    assert_eq!(excluded("cb"), Exclusion::Callback("f".into()));
    assert_eq!(excluded("words"), Exclusion::OutputBounded);
}

#[test]
fn state_behind_shared_references() {
    let found = analyze(
        "use std::cell::RefCell;
        use std::collections::HashMap;
        use other_crate::Log;
        pub struct Memo { table: RefCell<HashMap<u64, u64>> }
        impl Memo {
            pub fn fib(&self, n: u64) -> u64 {
                if n < 2 { return n; }
                let v = self.fib(n - 1) + self.fib(n - 2);
                self.table.borrow_mut().insert(n, v);
                v
            }
        }
        pub struct Plain { base: u64 }
        impl Plain {
            pub fn fib(&self, n: u64) -> u64 {
                if n < 2 { self.base } else { self.fib(n - 1) + self.fib(n - 2) }
            }
        }
        pub fn logged(n: u64, log: &Log) -> u64 {
            log.lock().unwrap().push(n);
            if n < 2 { n } else { logged(n - 1, log) + logged(n - 2, log) }
        }",
    );
    let verdicts: Vec<(&str, &Verdict)> = found
        .iter()
        .map(|(n, r)| (n.as_str(), &r.verdict))
        .collect();
    // Free functions come first in the index.
    assert!(matches!(
        verdicts[0],
        ("logged", Verdict::Excluded(Exclusion::InteriorMutability(p))) if p == "log"
    ));
    assert!(matches!(
        verdicts[1],
        ("fib", Verdict::Excluded(Exclusion::InteriorMutability(p))) if p == "self"
    ));
    assert!(matches!(verdicts[2], ("fib", Verdict::Overlapping(_))));
}

/// Fields are dropped from the tree after parsing and read from a re-parse
/// (`Index::with_type_fields`), here for types of the crate root, of an
/// inline module and of an enum's variants.
#[test]
fn state_in_the_fields_of_parameter_types() {
    let found = analyze(
        "use std::cell::Cell;
        pub struct Counter { base: Cell<u64> }
        impl Counter {
            pub fn fib(&self, n: u64) -> u64 {
                if n < 2 { self.base.get() } else { self.fib(n - 1) + self.fib(n - 2) }
            }
        }
        pub mod ops {
            pub struct Op { pub f: Box<dyn Fn(u64) -> u64> }
            pub fn run(op: &Op, n: u64) -> u64 {
                if n < 2 { (op.f)(n) } else { run(op, n - 1) + run(op, n - 2) }
            }
        }
        pub enum Source { Fixed(u64), Shared(std::rc::Rc<Cell<u64>>) }
        pub fn from(s: &Source, n: u64) -> u64 {
            if n < 2 { 1 } else { from(s, n - 1) + from(s, n - 2) }
        }
        pub struct Plain { base: u64 }
        pub fn plain(p: &Plain, n: u64) -> u64 {
            if n < 2 { p.base } else { plain(p, n - 1) + plain(p, n - 2) }
        }",
    );
    let verdict = |name: &str| &find(&found, name).verdict;
    assert!(matches!(
        verdict("fib"),
        Verdict::Excluded(Exclusion::InteriorMutability(p)) if p == "self"
    ));
    assert!(matches!(
        verdict("run"),
        Verdict::Excluded(Exclusion::Callback(p)) if p == "op"
    ));
    assert!(matches!(
        verdict("from"),
        Verdict::Excluded(Exclusion::InteriorMutability(p)) if p == "s"
    ));
    assert!(matches!(verdict("plain"), Verdict::Overlapping(_)));
}

#[test]
fn cycles_of_the_call_graph() {
    let found = analyze(
        "pub fn a(n: u64) -> u64 { if n < 3 { 1 } else { b(n - 1) } }
        pub fn b(n: u64) -> u64 { c(n) }
        pub fn c(n: u64) -> u64 { a(n - 1) + a(n - 2) }
        pub fn outside(n: u64) -> u64 { a(n) }
        pub fn two(n: u64, m: u64) -> u64 { if n < 2 { m } else { one(n - 1) + one(n - 2) } }
        pub fn one(n: u64) -> u64 { two(n, 1) }",
    );
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert!(!names.contains(&"outside"));
    assert_eq!(find(&found, "a").cycle.len(), 3);
    assert!(find(&found, "c").overlap().is_some());
    // Calls whose parameters do not line up are not understood.
    assert!(find(&found, "two").overlap().is_none());
}

#[test]
fn passes_through_and_no_fix_reasons() {
    let found = analyze(
        "pub struct S { k: u64 }
        impl S {
            pub fn paths(&self, i: u32, j: u32) -> u64 {
                if i == 0 || j == 0 { return self.k; }
                self.paths(i - 1, j) + self.paths(i, j - 1)
            }
        }
        pub fn gen<T: Copy>(xs: &[T], n: usize) -> usize {
            if n < 2 { n } else { gen(xs, n - 1) + gen(xs, n - 2) }
        }",
    );
    let paths = find(&found, "paths");
    assert!(paths.params[0].passes_through);
    assert!(!paths.params[1].passes_through);
    let overlap = paths.overlap().expect("flagged");
    assert!(overlap.no_fix[0].contains("takes `self`"));
    let gen = find(&found, "gen");
    assert!(gen.overlap().unwrap().no_fix[0].contains("generic"));
}

#[test]
fn estimate_wording() {
    let (calls, distinct) =
        cost("pub fn fib(n: u64) -> u64 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }");
    assert_eq!(calls, "~O(1.6^n) calls");
    assert_eq!(distinct.as_deref(), Some("n + 1 distinct arguments"));

    let (calls, distinct) = cost(
        "pub fn g(i: u32, j: u32) -> u64 { if i == 0 || j == 0 { 1 } else { g(i - 1, j) + g(i, j - 1) } }",
    );
    assert_eq!(calls, "O(2^(i+j)) calls");
    assert_eq!(
        distinct.as_deref(),
        Some("(i+1)·(j+1) distinct argument tuples")
    );

    let (calls, distinct) =
        cost("pub fn p(n: u64) -> u64 { if n == 0 { 1 } else { p(n / 2) * p(n / 2) % 7 } }");
    assert_eq!(calls, "O(n) calls");
    assert_eq!(distinct.as_deref(), Some("log2(n) + 2 distinct arguments"));

    let (calls, _) =
        cost("pub fn m(n: u64) -> u64 { if n < 2 { 1 } else { m(n - 1) + m(n / 2) } }");
    assert_eq!(calls, "up to O(2^n) calls");

    let (calls, distinct) = cost(
        "pub fn w(s: &[u8]) -> usize {
            if s.len() < 2 { return s.len(); }
            w(&s[1..]).max(w(&s[..s.len() - 1]))
        }",
    );
    assert_eq!(calls, "O(2^|s|) calls");
    assert_eq!(
        distinct.as_deref(),
        Some("(|s|+1)(|s|+2)/2 distinct arguments")
    );

    let (calls, distinct) = cost(
        "pub fn a(m: u64, n: u64) -> u64 {
            if m == 0 { n + 1 } else if n == 0 { a(m - 1, 1) } else { a(m - 1, a(m, n - 1)) }
        }",
    );
    assert_eq!(calls, "a super-polynomial number of calls");
    assert_eq!(distinct, None);
}

#[test]
fn many_calls_stay_cheap() {
    let calls: Vec<String> = (1..=300).map(|k| format!("f(n - {k})")).collect();
    let text = format!(
        "pub fn f(n: u64) -> u64 {{ if n < 300 {{ 1 }} else {{ {} }} }}",
        calls.join(" + ")
    );
    let found = analyze(&text);
    let f = find(&found, "f");
    assert_eq!(f.calls.len(), 300);
    assert!(f.overlap().is_some());
}

/// A body whose recursion the file's names do not show (a call through a
/// renaming import) is dropped after parsing and walked from a re-parse:
/// the walk must see what it sees in a body that was kept.
#[test]
fn a_body_walked_from_a_reparse_gives_the_same_calls() {
    let shapes = |text: &str| {
        let found = analyze(text);
        let fib = find(&found, "fib");
        assert!(fib.overlap().is_some(), "{text}");
        fib.calls
            .iter()
            .map(|c| (c.args.clone(), c.arg_spans.len()))
            .collect::<Vec<_>>()
    };
    let kept =
        shapes("pub fn fib(n: u64) -> u64 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }");
    let reparsed = shapes(
        "use self::fib as again;
        pub fn fib(n: u64) -> u64 { if n < 2 { n } else { again(n - 1) + again(n - 2) } }",
    );
    assert_eq!(kept.len(), 2);
    assert_eq!(kept, reparsed);
}
