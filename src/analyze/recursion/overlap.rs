//! Do the recursive calls of one function overlap?
//!
//! Two calls overlap when they run in the same invocation and both move
//! their arguments by *shifts*: a parameter shrunk or grown by some amount,
//! divided, or cut to a sub-slice, the others passed unchanged or set to a
//! constant. Shifts commute (`n - 1` then `n - 2` reaches what `n - 2` then
//! `n - 1` reaches), so subproblems are reached along more than one path:
//! `fib(n - 1) + fib(n - 2)`, `lcs(i - 1, j)` with `lcs(i, j - 1)`,
//! `pow(x, n / 2) * pow(x, n / 2)`. One call inside a loop overlaps with
//! itself when its arguments shift by an amount that changes per iteration
//! (`climb(n - step)` for `step in 1..=3`).
//!
//! Nothing else overlaps: a field or element of a parameter (`node.left` and
//! `node.right` are disjoint), an argument the walker could not describe,
//! calls in different arms of an `if`/`match` or separated by an early
//! `return`, and the two halves `&v[..mid]` / `&v[mid..]` of a split.

use super::walk::CallContext;
use super::{Amount, RecursiveCall, Shape, SliceEnd};

/// The most calls compared pairwise in one function.
const MAX_CANDIDATES: usize = 64;

/// The calls that run together in one invocation and overlap (indexes into
/// `calls`, in source order), if there are any.
pub(super) fn overlapping_calls(calls: &[RecursiveCall]) -> Option<Vec<usize>> {
    let candidates: Vec<usize> = (0..calls.len())
        .filter(|&i| is_shift(&calls[i]))
        .take(MAX_CANDIDATES)
        .collect();
    let compatible = |a: usize, b: usize| {
        !exclusive(&calls[a].context, &calls[b].context) && !is_split(&calls[a], &calls[b])
    };
    let mut best: Option<Vec<usize>> = None;
    for &seed in &candidates {
        let mut set = vec![seed];
        for &other in &candidates {
            if other != seed && set.iter().all(|&s| compatible(s, other)) {
                set.push(other);
            }
        }
        let overlaps = set.len() >= 2 || overlaps_itself(&calls[seed]);
        if overlaps && best.as_ref().map_or(true, |b| set.len() > b.len()) {
            set.sort_unstable();
            best = Some(set);
        }
    }
    best
}

/// Whether every argument is a shift of its parameter and one of them
/// makes progress.
fn is_shift(call: &RecursiveCall) -> bool {
    !call.args.is_empty()
        && call.args.iter().all(|shape| {
            matches!(
                shape,
                Shape::Same
                    | Shape::Step { .. }
                    | Shape::Div(_)
                    | Shape::Slice { .. }
                    | Shape::Const(_)
                    | Shape::Returned
            )
        })
        && call.args.iter().any(Shape::progresses)
}

/// A call in a loop whose arguments shift by a different amount in each
/// iteration.
fn overlaps_itself(call: &RecursiveCall) -> bool {
    call.in_loop && call.varies
}

/// Whether two calls cannot both run in one invocation.
pub(super) fn exclusive(a: &CallContext, b: &CallContext) -> bool {
    let different_arms = a.arms.iter().any(|(point, arm)| {
        b.arms
            .iter()
            .any(|(other_point, other_arm)| point == other_point && arm != other_arm)
    });
    if different_arms {
        return true;
    }
    // Across iterations of a shared loop, an early `return` after one call
    // does not keep the other from running in an earlier iteration.
    if a.loops.iter().any(|l| b.loops.contains(l)) {
        return false;
    }
    let returns_before = |first: &CallContext, second: &CallContext| {
        first.end <= second.start && first.exit.is_some_and(|exit| second.start >= exit)
    };
    returns_before(a, b) || returns_before(b, a)
}

/// Whether the calls get the two sides of a cut of a slice at a fixed
/// point: `&v[..mid]` and `&v[mid..]` (or `&v[p + 1..]`). A cut that moves
/// with a loop variable is not a split: `&v[..i]` over all `i` overlap.
fn is_split(a: &RecursiveCall, b: &RecursiveCall) -> bool {
    let fixed = |amount: &Amount| !matches!(amount, Amount::Varying(_));
    let is_cut =
        |shape: &Shape| matches!(shape, Shape::Slice { end: SliceEnd::Cut(at), .. } if fixed(at));
    let starts_later = |shape: &Shape| matches!(shape, Shape::Slice { start, .. } if !start.is_zero() && fixed(start));
    a.args
        .iter()
        .zip(&b.args)
        .any(|(x, y)| (is_cut(x) && starts_later(y)) || (is_cut(y) && starts_later(x)))
}
