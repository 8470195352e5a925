//! The recursion analysis behind ML201, on `fixtures/ml201`:
//!
//! - every near miss is silent for the reason its comment gives (not by
//!   luck: a `&mut` near miss must be excluded as such, a disjoint split
//!   must be walked and found not to overlap);
//! - the cost estimate matches reality: instrumented copies of fixture
//!   functions count their real calls and distinct arguments for small
//!   inputs, and the measured growth must match the estimate's class
//!   (`calls(n + 1) / calls(n)` near the predicted base, or doubling for
//!   `O(n)`), and the distinct count must match the predicted formula.

mod common;

use std::collections::{HashMap, HashSet};

use memolint::analyze::recursion::{Estimate, Exclusion, Growth, Verdict};
use memolint::analyze::{Analysis, Needs};
use memolint::discover;
use memolint::index::Index;
use memolint::parse;

type Verdicts = HashMap<String, (Verdict, Vec<String>)>;

/// What the analysis concluded about each recursive function of the
/// fixture, by path below the crate: the verdict and its parameter names.
fn verdicts() -> Verdicts {
    let dir = common::repo_root().join("fixtures/ml201");
    let discovery = discover::discover(&[dir], None);
    assert!(discovery.errors.is_empty(), "{:?}", discovery.errors);
    let mut out = HashMap::new();
    for unit in &discovery.units {
        let files = discovery.files_of(unit);
        let loaded = parse::load_and_parse(
            &files,
            unit.config.max_file_size,
            parse::every_file,
            |parsed| parsed.prepare_for_index(),
        );
        assert!(loaded.failures.is_empty());
        let index = Index::build(&loaded.parsed, &unit.targets);
        let analysis = Analysis::run(&index, &unit.config, Needs::Recursion);
        for recursive in &analysis.recursion {
            // `flagged::fib`, `silent::FibCounter::fib`: without the crate.
            let qualified = &index.function(recursive.function).qualified_name;
            let name = qualified
                .split_once("::")
                .map_or(qualified.as_str(), |(_, rest)| rest);
            let name = name.to_string();
            out.insert(name, (recursive.verdict.clone(), recursive.param_names()));
        }
    }
    out
}

/// A run whose rules do not read recursion (ML201 off) skips the recursion
/// analysis and still finds the memoized functions; asked for recursion,
/// the same unit has recursive functions.
#[test]
fn recursion_is_analysed_only_when_a_rule_needs_it() {
    let dir = common::repo_root().join("fixtures/ml201");
    let discovery = discover::discover(&[dir], None);
    let mut recursive = [0, 0];
    let mut memoized = [0, 0];
    for unit in &discovery.units {
        let files = discovery.files_of(unit);
        let loaded = parse::load_and_parse(
            &files,
            unit.config.max_file_size,
            parse::every_file,
            |parsed| parsed.prepare_for_index(),
        );
        let index = Index::build(&loaded.parsed, &unit.targets);
        for (i, needs) in [Needs::Memoized, Needs::Recursion].into_iter().enumerate() {
            let analysis = Analysis::run(&index, &unit.config, needs);
            recursive[i] += analysis.recursion.len();
            memoized[i] += analysis.memoized.len();
        }
    }
    assert_eq!(recursive[0], 0);
    assert!(recursive[1] > 10, "{recursive:?}");
    assert_eq!(memoized[0], memoized[1]);
    assert!(memoized[0] > 0, "the fixture's memoized near miss is found");
}

/// The entry for `name`: a path below the crate, or its last segments if
/// they are unique.
fn lookup<'v>(verdicts: &'v Verdicts, name: &str) -> &'v Verdict {
    if let Some((verdict, _)) = verdicts.get(name) {
        return verdict;
    }
    let suffix = format!("::{name}");
    let found: Vec<_> = verdicts
        .iter()
        .filter(|(k, _)| k.ends_with(&suffix))
        .collect();
    match found.as_slice() {
        [(_, (verdict, _))] => verdict,
        other => panic!("{} functions named `{name}`", other.len()),
    }
}

fn estimate(verdicts: &Verdicts, name: &str) -> Estimate {
    match lookup(verdicts, name) {
        Verdict::Overlapping(overlap) => overlap.estimate.clone(),
        other => panic!("`{name}` is not flagged: {other:?}"),
    }
}

fn base(estimate: &Estimate) -> f64 {
    match &estimate.growth {
        Growth::Exponential {
            base: Some(base), ..
        } => *base,
        other => panic!("not exponential with a known base: {other:?}"),
    }
}

#[test]
fn near_misses_are_silent_for_their_reason() {
    let verdicts = verdicts();
    let excluded = |name: &str, expected: Exclusion| match lookup(&verdicts, name) {
        Verdict::Excluded(why) => assert_eq!(*why, expected, "`{name}`"),
        other => panic!("`{name}` should be excluded as {expected:?}, is {other:?}"),
    };
    let no_overlap = |name: &str| {
        let verdict = lookup(&verdicts, name);
        assert!(
            matches!(verdict, Verdict::NoOverlap),
            "`{name}` should be walked and found not to overlap: {verdict:?}"
        );
    };
    for name in [
        // One call per invocation, or exclusive branches.
        "factorial",
        "gcd",
        "sum_acc",
        "c_n",
        "collatz_len",
        "steps_down",
        "binary_search",
        "fast_pow",
        "lcs_walk_back",
        "is_even",
        "is_odd",
        "countdown",
        "halve_or_step",
        // Disjoint parts.
        "tree_sum",
        "tree_height",
        "sum_halves",
        "poly_eval",
        "seg_query",
        "sum_around_pivot",
        "heap_depth",
        "max_in_range",
    ] {
        no_overlap(name);
    }
    for name in ["fib_traced", "fib_logged", "fib_global_count"] {
        excluded(name, Exclusion::Impure);
    }
    for (name, param) in [
        ("seg_build", "tree"),
        ("merge_sort", "v"),
        ("quicksort", "v"),
        ("stooge_sort", "v"),
        ("fib_recording", "visited"),
        ("fib_memo", "memo"),
    ] {
        match lookup(&verdicts, name) {
            Verdict::Excluded(Exclusion::MutableParameter(p)) => assert_eq!(p, param, "`{name}`"),
            // A `&mut` memo table is memoization first.
            Verdict::Excluded(Exclusion::Memoized) if name == "fib_memo" => {}
            other => panic!("`{name}`: {other:?}"),
        }
    }
    excluded(
        "fib_counting",
        Exclusion::InteriorMutability("calls".into()),
    );
    excluded(
        "grid_paths_logged",
        Exclusion::InteriorMutability("log".into()),
    );
    excluded("weighted_fib", Exclusion::Callback("weight".into()));
    excluded("fib_mapped", Exclusion::Callback("f".into()));
    for name in [
        "fib_memo",
        "binomial_memo",
        "fib_with",
        "fib_wrapped",
        "fib_wrapped_uncached",
        "fib_cached_attr",
        "grid_paths_memoize",
    ] {
        excluded(name, Exclusion::Memoized);
    }
    excluded("combinations", Exclusion::OutputBounded);
    excluded("subsets", Exclusion::OutputBounded);
    excluded("permutations", Exclusion::OutputBounded);
    excluded("value", Exclusion::InteriorMutability("self".into()));
    excluded("fib_tallied", Exclusion::InteriorMutability("tally".into()));
    excluded(
        "FibCounter::fib",
        Exclusion::MutableParameter("self".into()),
    );
    // Not cycles of the call graph at all: recursion through a closure, and
    // a method called on a loop variable whose type the index cannot read.
    for name in ["closure_fib", "total_size"] {
        assert!(!verdicts.keys().any(|k| k.ends_with(name)), "`{name}`");
    }
}

/// Calls and distinct argument tuples of a run of an instrumented copy.
#[derive(Default)]
struct Counter<K> {
    calls: u64,
    seen: HashSet<K>,
}

impl<K: std::hash::Hash + Eq> Counter<K> {
    fn visit(&mut self, key: K) {
        self.calls += 1;
        self.seen.insert(key);
    }
}

fn fib(n: u64, c: &mut Counter<u64>) -> u64 {
    c.visit(n);
    if n < 2 {
        n
    } else {
        fib(n - 1, c) + fib(n - 2, c)
    }
}

fn climb_stairs(n: u32, c: &mut Counter<u32>) -> u64 {
    c.visit(n);
    if n == 0 {
        return 1;
    }
    let mut ways = 0;
    for step in 1..=3 {
        if step <= n {
            ways += climb_stairs(n - step, c);
        }
    }
    ways
}

fn catalan(n: u32, c: &mut Counter<u32>) -> u64 {
    c.visit(n);
    if n == 0 {
        return 1;
    }
    let mut total = 0;
    for i in 0..n {
        total += catalan(i, c) * catalan(n - 1 - i, c);
    }
    total
}

fn grid_paths(i: u32, j: u32, c: &mut Counter<(u32, u32)>) -> u64 {
    c.visit((i, j));
    match (i, j) {
        (0, _) | (_, 0) => 1,
        _ => grid_paths(i - 1, j, c) + grid_paths(i, j - 1, c),
    }
}

fn edit_distance(a: &str, b: &str, i: usize, j: usize, c: &mut Counter<(usize, usize)>) -> usize {
    c.visit((i, j));
    if i == 0 {
        return j;
    }
    if j == 0 {
        return i;
    }
    if a.as_bytes()[i - 1] == b.as_bytes()[j - 1] {
        return edit_distance(a, b, i - 1, j - 1, c);
    }
    1 + edit_distance(a, b, i - 1, j, c)
        .min(edit_distance(a, b, i, j - 1, c))
        .min(edit_distance(a, b, i - 1, j - 1, c))
}

fn pow_mod(x: u64, n: u64, m: u64, c: &mut Counter<u64>) -> u64 {
    c.visit(n);
    if n == 0 {
        return 1 % m;
    }
    let half = pow_mod(x, n / 2, m, c) * pow_mod(x, n / 2, m, c) % m;
    if n % 2 == 1 {
        half * (x % m) % m
    } else {
        half
    }
}

fn coin_change_count(coins: &[u32], amount: u32, c: &mut Counter<(usize, u32)>) -> u64 {
    c.visit((coins.len(), amount));
    if amount == 0 {
        return 1;
    }
    let mut ways = 0;
    for (i, &coin) in coins.iter().enumerate() {
        if coin > 0 && coin <= amount {
            ways += coin_change_count(&coins[i..], amount - coin, c);
        }
    }
    ways
}

fn assert_near(measured: f64, predicted: f64, tolerance: f64, what: &str) {
    assert!(
        (measured / predicted - 1.0).abs() <= tolerance,
        "{what}: measured {measured:.3}, predicted {predicted:.3}"
    );
}

#[test]
fn estimates_match_counted_calls() {
    let verdicts = verdicts();

    // fib: ~1.618^n calls for exactly n + 1 distinct arguments.
    let e = estimate(&verdicts, "flagged::fib");
    let run = |n| {
        let mut c = Counter::default();
        fib(n, &mut c);
        c
    };
    let (a, b) = (run(24), run(25));
    assert_near(
        b.calls as f64 / a.calls as f64,
        base(&e),
        0.01,
        "fib growth",
    );
    assert_eq!(e.distinct_at(&[25]), Some(b.seen.len() as f64));

    // Climbing 1, 2 or 3 steps: the tribonacci constant.
    let e = estimate(&verdicts, "climb_stairs");
    let run = |n| {
        let mut c = Counter::default();
        climb_stairs(n, &mut c);
        c
    };
    let (a, b) = (run(19), run(20));
    assert_near(
        b.calls as f64 / a.calls as f64,
        base(&e),
        0.01,
        "climb growth",
    );
    assert_eq!(e.distinct_at(&[20]), Some(b.seen.len() as f64));

    // Catalan by a sum over splits: exactly 3^n calls.
    let e = estimate(&verdicts, "catalan");
    let run = |n| {
        let mut c = Counter::default();
        catalan(n, &mut c);
        c
    };
    let (a, b) = (run(11), run(12));
    assert_near(
        b.calls as f64 / a.calls as f64,
        base(&e),
        0.001,
        "catalan growth",
    );
    assert_eq!(e.distinct_at(&[12]), Some(b.seen.len() as f64));

    // Grid paths: 2^(i+j) up to a polynomial factor; per unit of i + j the
    // ratio tends to 2 from below.
    let e = estimate(&verdicts, "grid_paths");
    let run = |i, j| {
        let mut c = Counter::default();
        grid_paths(i, j, &mut c);
        c
    };
    let (a, b) = (run(10, 10), run(11, 11));
    let per_unit = (b.calls as f64 / a.calls as f64).sqrt();
    assert_near(per_unit, base(&e), 0.05, "grid growth");
    let predicted = e.distinct_at(&[11, 11]).unwrap();
    assert!(b.seen.len() as f64 <= predicted && b.seen.len() as f64 >= predicted - 2.0);

    // Edit distance on strings with nothing in common: Delannoy numbers,
    // (1 + √2)^(i+j) up to a polynomial factor.
    let e = estimate(&verdicts, "edit_distance");
    assert_near(base(&e), 1.0 + 2f64.sqrt(), 1e-6, "edit distance base");
    let (x, y) = ("abcdefghijkl", "mnopqrstuvwx");
    let run = |k| {
        let mut c = Counter::default();
        edit_distance(x, y, k, k, &mut c);
        c
    };
    let (a, b) = (run(7), run(8));
    let per_unit = (b.calls as f64 / a.calls as f64).sqrt();
    assert_near(per_unit, base(&e), 0.1, "edit distance growth");
    // names: a, b, i, j; slices are passed through, so only i and j count.
    let predicted = e.distinct_at(&[0, 0, 8, 8]).unwrap();
    assert_eq!(b.seen.len() as f64, predicted);

    // pow_mod(x, n / 2) twice: O(n) calls for log2(n) + 2 distinct values.
    let e = estimate(&verdicts, "pow_mod");
    let Growth::Polynomial { degree, .. } = e.growth else {
        panic!("pow_mod should be polynomial: {:?}", e.growth);
    };
    assert_near(degree, 1.0, 1e-6, "pow_mod degree");
    let run = |n| {
        let mut c = Counter::default();
        pow_mod(3, n, 1_000_000_007, &mut c);
        c
    };
    let (a, b) = (run(1 << 12), run(1 << 13));
    assert_near(b.calls as f64 / a.calls as f64, 2.0, 0.01, "pow_mod growth");
    assert_eq!(e.distinct_at(&[0, 1 << 13, 0]), Some(b.seen.len() as f64));

    // Coin change: an upper bound (the coins' values are unknown), which the
    // real growth must respect while still being exponential.
    let e = estimate(&verdicts, "coin_change_count");
    assert!(matches!(
        e.growth,
        Growth::Exponential {
            upper_bound: true,
            ..
        }
    ));
    // Coins 1..=k for amount 2k: the calls stay under the bound, and grow
    // ever faster than the distinct arguments, which stay under theirs.
    let mut last_excess = 0.0;
    for k in 4..=9u32 {
        let coins: Vec<u32> = (1..=k).collect();
        let mut c = Counter::default();
        coin_change_count(&coins, 2 * k, &mut c);
        let size = f64::from(k + 2 * k);
        assert!(
            c.calls as f64 <= base(&e).powf(size),
            "coin change calls, k = {k}"
        );
        let distinct = c.seen.len() as f64;
        assert!(distinct <= e.distinct_at(&[u64::from(k), u64::from(2 * k)]).unwrap());
        let excess = c.calls as f64 / distinct;
        assert!(excess > last_excess, "coin change overlap grows, k = {k}");
        last_excess = excess;
    }
}
