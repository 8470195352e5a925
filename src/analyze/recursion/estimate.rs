//! The cost of overlapping recursion, from the shapes of its arguments.
//!
//! *Calls.* Pick a potential that every call lowers: one parameter every
//! call shrinks by a known amount (`n` for `fib`, `i` for knapsack), or else
//! the sum of every parameter that moves (`i + j` for edit distance). A call
//! that lowers it by δ contributes `x^-δ`, a loop call one such term per
//! iteration (`Σ_{δ ≥ m} x^-δ` when the loop runs over every smaller
//! value), and the number of calls grows like `b^potential` where
//! `Σ b^-δ = 1`: the golden ratio for `n - 1`/`n - 2`, 3 for Catalan's sum
//! over splits. Calls that only divide give a polynomial instead
//! (`Σ c^-e = 1`, Akra–Bazzi), and an argument that is the result of a
//! recursive call (Ackermann, Hofstadter) a super-polynomial count. An
//! amount the source does not give (`cap - w`) is taken as 1, which makes
//! the estimate an upper bound, and says so.
//!
//! *Distinct arguments.* Each moving parameter takes at most `p + 1` values
//! when it shrinks, `log2(p) + 2` when it is only halved, `|s| + 1` when a
//! slice loses a prefix (or a suffix), `(|s|+1)(|s|+2)/2` when it loses
//! both; the tuples are at most the product.

use super::{Amount, Deltas, RecursiveCall, Shape, SliceEnd};

/// How the number of calls grows.
#[derive(Clone, Debug, PartialEq)]
pub enum Growth {
    /// `base^size` calls; `base` is `None` when the amounts are unknown.
    /// `upper_bound`: an unknown amount was taken as 1.
    Exponential {
        base: Option<f64>,
        size: Vec<SizeVar>,
        upper_bound: bool,
    },
    /// `size^degree` calls.
    Polynomial { degree: f64, size: Vec<SizeVar> },
    /// Nested recursion: more than any polynomial.
    SuperPolynomial,
}

/// A parameter in the size of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeVar {
    pub param: usize,
    pub kind: SizeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeKind {
    /// The parameter's value, `n`.
    Value,
    /// A slice's or string's length, `|s|`.
    Length,
    /// How far a growing parameter is from the bound that stops it, `Δr`.
    Distance,
}

/// One factor of the number of distinct argument tuples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainTerm {
    pub param: usize,
    pub kind: TermKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermKind {
    /// `0..=p`: `p + 1` values.
    UpTo,
    /// `p, p/2, p/4, ..., 0`: `log2(p) + 2` values.
    Log2,
    /// `Δp + 1` values.
    Distance,
    /// The suffixes (or prefixes) of a slice: `|s| + 1`.
    Suffixes,
    /// The windows of a slice: `(|s|+1)(|s|+2)/2`.
    Windows,
    /// A fixed number of values (a parameter set to constants).
    Values(u64),
}

impl DomainTerm {
    /// The number of values for a parameter of value (or length) `value`.
    pub fn count(&self, value: u64) -> f64 {
        let v = value as f64;
        match self.kind {
            TermKind::UpTo | TermKind::Distance | TermKind::Suffixes => v + 1.0,
            TermKind::Log2 if value == 0 => 1.0,
            TermKind::Log2 => v.log2().floor() + 2.0,
            TermKind::Windows => (v + 1.0) * (v + 2.0) / 2.0,
            TermKind::Values(n) => n as f64,
        }
    }

    fn text(&self, names: &[String]) -> String {
        let name = &names[self.param];
        match self.kind {
            TermKind::UpTo => format!("{name} + 1"),
            TermKind::Log2 => format!("log2({name}) + 2"),
            TermKind::Distance => format!("Δ{name} + 1"),
            TermKind::Suffixes => format!("|{name}| + 1"),
            TermKind::Windows => format!("(|{name}|+1)(|{name}|+2)/2"),
            TermKind::Values(n) => n.to_string(),
        }
    }
}

/// The estimate for one overlapping recursion.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub growth: Growth,
    /// Factors of the number of distinct argument tuples; `None` when the
    /// shapes do not bound it (nested recursion).
    pub distinct: Option<Vec<DomainTerm>>,
}

impl Estimate {
    /// The number of distinct argument tuples for these parameter values
    /// (lengths for slices, distances for growing parameters).
    pub fn distinct_at(&self, values: &[u64]) -> Option<f64> {
        let terms = self.distinct.as_ref()?;
        Some(
            terms
                .iter()
                .map(|t| t.count(values.get(t.param).copied().unwrap_or(0)))
                .product(),
        )
    }

    /// `~O(1.6^n) calls`, `O(2^(i+j)) calls`, `O(n) calls`.
    pub fn calls_text(&self, names: &[String]) -> String {
        match &self.growth {
            Growth::Exponential {
                base: Some(base),
                size,
                upper_bound,
            } => {
                let (shown, exact) = number(*base);
                let tilde = if exact { "" } else { "~" };
                let up_to = if *upper_bound { "up to " } else { "" };
                format!("{up_to}{tilde}O({shown}^{}) calls", exponent(size, names))
            }
            Growth::Exponential {
                base: None, size, ..
            } => format!("exponentially many calls in {}", size_text(size, names)),
            Growth::Polynomial { degree, size } => {
                let (shown, exact) = number(*degree);
                let size = exponent(size, names);
                match (exact, shown.as_str()) {
                    (true, "1") => format!("O({size}) calls"),
                    (true, _) => format!("O({size}^{shown}) calls"),
                    (false, _) => format!("~O({size}^{shown}) calls"),
                }
            }
            Growth::SuperPolynomial => "a super-polynomial number of calls".to_string(),
        }
    }

    /// `n + 1 distinct arguments`, `(i+1)·(j+1) distinct argument tuples`.
    pub fn distinct_text(&self, names: &[String]) -> Option<String> {
        let terms = self.distinct.as_ref()?;
        match terms.as_slice() {
            [] => None,
            [one] => Some(format!("{} distinct arguments", one.text(names))),
            many => Some(format!(
                "{} distinct argument tuples",
                many.iter()
                    .map(|t| {
                        let text = t.text(names).replace(' ', "");
                        if text.contains('+') {
                            format!("({text})")
                        } else {
                            text
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("·")
            )),
        }
    }

    /// Whether a size is a growing parameter's distance (worth a note).
    pub fn uses_distance(&self) -> bool {
        match &self.growth {
            Growth::Exponential { size, .. } | Growth::Polynomial { size, .. } => {
                size.iter().any(|s| s.kind == SizeKind::Distance)
            }
            Growth::SuperPolynomial => false,
        }
    }
}

fn symbol(var: &SizeVar, names: &[String]) -> String {
    let name = &names[var.param];
    match var.kind {
        SizeKind::Value => name.clone(),
        SizeKind::Length => format!("|{name}|"),
        SizeKind::Distance => format!("Δ{name}"),
    }
}

fn size_text(size: &[SizeVar], names: &[String]) -> String {
    size.iter()
        .map(|v| symbol(v, names))
        .collect::<Vec<_>>()
        .join("+")
}

fn exponent(size: &[SizeVar], names: &[String]) -> String {
    let text = size_text(size, names);
    if size.len() > 1 {
        format!("({text})")
    } else {
        text
    }
}

/// A number to one decimal, and whether it is (nearly) an integer.
fn number(x: f64) -> (String, bool) {
    if (x - x.round()).abs() < 0.005 {
        (format!("{}", x.round() as i64), true)
    } else {
        (format!("{x:.1}"), false)
    }
}

/// How far one call lowers one parameter's part of the potential.
#[derive(Clone, Debug, PartialEq)]
enum Delta {
    Zero,
    Known(Deltas),
    /// At least 1, amount unknown.
    Positive,
    Div(u64),
}

fn amount_delta(amount: &Amount) -> Delta {
    match amount {
        Amount::Const(0) => Delta::Zero,
        Amount::Const(c) => Delta::Known(Deltas::Values(vec![*c])),
        Amount::Varying(Deltas::Unknown) | Amount::Other(_) => Delta::Positive,
        Amount::Varying(d) => Delta::Known(d.clone()),
    }
}

fn delta(shape: &Shape) -> Delta {
    match shape {
        Shape::Step { amount, .. } => amount_delta(amount),
        Shape::Div(c) => Delta::Div(*c),
        Shape::Slice { start, end } => {
            let end = match end {
                SliceEnd::Full => Delta::Zero,
                SliceEnd::FromEnd(a) => amount_delta(a),
                SliceEnd::Cut(_) => Delta::Positive,
            };
            add(&amount_delta(start), &end).unwrap_or(Delta::Positive)
        }
        _ => Delta::Zero,
    }
}

/// The sum of two deltas, when it has a known distribution.
fn add(a: &Delta, b: &Delta) -> Option<Delta> {
    Some(match (a, b) {
        (Delta::Zero, x) | (x, Delta::Zero) => x.clone(),
        (Delta::Known(x), Delta::Known(y)) => Delta::Known(match (x, y) {
            (Deltas::Values(v), other) | (other, Deltas::Values(v)) if v.len() == 1 => {
                shift(other, v[0])
            }
            _ => return None,
        }),
        _ => return None,
    })
}

fn shift(deltas: &Deltas, by: u64) -> Deltas {
    match deltas {
        Deltas::Values(v) => Deltas::Values(v.iter().map(|x| x + by).collect()),
        Deltas::From(m) => Deltas::From(m + by),
        Deltas::Unknown => Deltas::Unknown,
    }
}

fn min_delta(deltas: &Deltas) -> Option<u64> {
    match deltas {
        Deltas::Values(v) => v.iter().copied().min(),
        Deltas::From(m) => Some(*m),
        Deltas::Unknown => None,
    }
}

/// `Σ x^-δ` over the values of `deltas`.
fn mass(deltas: &Deltas, x: f64) -> f64 {
    match deltas {
        Deltas::Values(v) => v.iter().map(|&d| x.powf(-(d as f64))).sum(),
        Deltas::From(m) => x.powf(1.0 - *m as f64) / (x - 1.0),
        Deltas::Unknown => f64::INFINITY,
    }
}

/// The `x > 1` with `Σ mass = 1`, if the calls branch at all.
fn solve_base(dists: &[Deltas]) -> Option<f64> {
    let f = |x: f64| dists.iter().map(|d| mass(d, x)).sum::<f64>();
    if dists.iter().any(|d| min_delta(d).map_or(true, |m| m == 0)) || f(1.0 + 1e-9) <= 1.0 {
        return None;
    }
    let (mut lo, mut hi) = (1.0 + 1e-12, 2.0);
    while f(hi) > 1.0 {
        lo = hi;
        hi *= 2.0;
        if hi > 1e9 {
            return None;
        }
    }
    Some(crossing_one(f, lo, hi))
}

/// The `e` with `Σ c^-e = 1` for calls that divide by `c`.
fn solve_degree(divisors: &[u64]) -> f64 {
    let f = |e: f64| divisors.iter().map(|&c| (c as f64).powf(-e)).sum::<f64>();
    crossing_one(f, 0.0, 64.0)
}

/// Where the decreasing `f` crosses 1 between `lo` (above) and `hi` (at or
/// below), by bisection.
fn crossing_one(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if f(mid) > 1.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

fn size_kind(calls: &[&RecursiveCall], param: usize) -> SizeKind {
    let shapes = || calls.iter().filter_map(|c| c.args.get(param));
    if shapes().any(|s| matches!(s, Shape::Slice { .. })) {
        SizeKind::Length
    } else if shapes().any(|s| matches!(s, Shape::Step { grows: true, .. })) {
        SizeKind::Distance
    } else {
        SizeKind::Value
    }
}

/// The estimate for `calls`, which run in one invocation and overlap.
pub(super) fn estimate(calls: &[&RecursiveCall]) -> Estimate {
    let arity = calls.iter().map(|c| c.args.len()).max().unwrap_or(0);
    if calls.iter().any(|c| c.args.contains(&Shape::Returned)) {
        return Estimate {
            growth: Growth::SuperPolynomial,
            distinct: None,
        };
    }
    Estimate {
        growth: growth(calls, arity),
        distinct: distinct(calls, arity),
    }
}

fn growth(calls: &[&RecursiveCall], arity: usize) -> Growth {
    let deltas: Vec<Vec<Delta>> = calls
        .iter()
        .map(|c| c.args.iter().map(delta).collect())
        .collect();
    let var = |param: usize| SizeVar {
        param,
        kind: size_kind(calls, param),
    };

    // Only divisions: polynomial.
    for param in 0..arity {
        let divisors: Option<Vec<u64>> = deltas
            .iter()
            .map(|d| match d.get(param) {
                Some(Delta::Div(c)) => Some(*c),
                _ => None,
            })
            .collect();
        let only_divisions = deltas
            .iter()
            .all(|d| d.iter().all(|x| matches!(x, Delta::Zero | Delta::Div(_))));
        if let (Some(divisors), true) = (divisors, only_divisions) {
            return Growth::Polynomial {
                degree: solve_degree(&divisors),
                size: vec![var(param)],
            };
        }
    }

    // One parameter that every call lowers by a known amount.
    for param in 0..arity {
        let dists: Option<Vec<Deltas>> = deltas
            .iter()
            .map(|d| match d.get(param) {
                Some(Delta::Known(k)) if min_delta(k).is_some_and(|m| m >= 1) => Some(k.clone()),
                _ => None,
            })
            .collect();
        if let Some(dists) = dists {
            return Growth::Exponential {
                base: solve_base(&dists),
                size: vec![var(param)],
                upper_bound: false,
            };
        }
    }

    // The sum of every parameter that moves.
    let moving: Vec<usize> = (0..arity)
        .filter(|&p| {
            deltas
                .iter()
                .any(|d| d.get(p).is_some_and(|x| *x != Delta::Zero))
        })
        .collect();
    let mut upper_bound = false;
    let mut dists = Vec::with_capacity(deltas.len());
    for d in &deltas {
        let mut total = Delta::Zero;
        for &p in &moving {
            let part = match &d[p] {
                Delta::Positive | Delta::Div(_) => {
                    upper_bound = true;
                    Delta::Known(Deltas::Values(vec![1]))
                }
                other => other.clone(),
            };
            match add(&total, &part) {
                Some(sum) => total = sum,
                None => {
                    return Growth::Exponential {
                        base: None,
                        size: moving.iter().map(|&p| var(p)).collect(),
                        upper_bound,
                    }
                }
            }
        }
        dists.push(match total {
            Delta::Known(k) => k,
            _ => Deltas::Values(vec![0]),
        });
    }
    Growth::Exponential {
        base: solve_base(&dists),
        size: moving.iter().map(|&p| var(p)).collect(),
        upper_bound,
    }
}

fn distinct(calls: &[&RecursiveCall], arity: usize) -> Option<Vec<DomainTerm>> {
    let mut terms = Vec::new();
    for param in 0..arity {
        let shapes: Vec<&Shape> = calls.iter().filter_map(|c| c.args.get(param)).collect();
        let is_slice = |s: &&&Shape| matches!(s, Shape::Slice { .. });
        let slices = shapes.iter().filter(is_slice).count();
        let kind = if slices > 0 {
            if shapes
                .iter()
                .any(|s| !matches!(s, Shape::Same | Shape::Slice { .. }))
            {
                return None;
            }
            let starts = shapes
                .iter()
                .any(|s| matches!(s, Shape::Slice { start, .. } if !start.is_zero()));
            let ends = shapes
                .iter()
                .any(|s| matches!(s, Shape::Slice { end, .. } if *end != SliceEnd::Full));
            match (starts, ends) {
                (true, true) => TermKind::Windows,
                (false, false) => continue,
                _ => TermKind::Suffixes,
            }
        } else {
            let shrinks = shapes
                .iter()
                .any(|s| matches!(s, Shape::Step { grows: false, .. }));
            let grows = shapes
                .iter()
                .any(|s| matches!(s, Shape::Step { grows: true, .. }));
            let divides = shapes.iter().any(|s| matches!(s, Shape::Div(_)));
            let mut constants: Vec<&str> = shapes
                .iter()
                .filter_map(|s| match s {
                    Shape::Const(c) => Some(c.as_str()),
                    _ => None,
                })
                .collect();
            constants.sort_unstable();
            constants.dedup();
            match (shrinks, grows, divides) {
                (_, true, false) if !shrinks => TermKind::Distance,
                (_, true, _) => return None,
                (false, false, true) if constants.is_empty() => TermKind::Log2,
                (true, false, _) | (false, false, true) => TermKind::UpTo,
                (false, false, false) if !constants.is_empty() => {
                    TermKind::Values(constants.len() as u64 + 1)
                }
                _ => continue,
            }
        };
        terms.push(DomainTerm { param, kind });
    }
    (!terms.is_empty()).then_some(terms)
}
