//! Recursion: which functions recurse, how their recursive calls move their
//! arguments, and whether those calls overlap (ML201).
//!
//! Recursion is a cycle of the call graph (`scc.rs`). For each function on
//! a cycle the cheap checks come first (`signature.rs`: memoized? returns
//! nothing? a `&mut` or interior-mutable parameter, a callback, an effect
//! from the catalog? an enumeration as large as its output?); only the
//! survivors have their body walked (`walk/`) to describe each recursive
//! call's arguments relative to the parameters (`values.rs`). Overlap is
//! decided from those shapes and from where the calls run (`overlap.rs`),
//! and the cost is estimated from them too (`estimate.rs`).
//!
//! The facts are kept for every recursive function, overlapping or not, so
//! that the fix can reuse the argument shapes, the parameters that pass
//! through unchanged, and the reasons a cache wrapper cannot be offered.

mod estimate;
mod overlap;
mod scc;
mod signature;
mod values;
mod walk;

use std::collections::{HashMap, HashSet};

pub use estimate::{DomainTerm, Estimate, Growth, SizeKind, SizeVar, TermKind};
pub use walk::CallContext;

use super::{Effects, Memoized};
use crate::index::{tokens_text, FnDef, FnId, Index, Target};
use crate::source::Span;

/// How far an argument moved from its parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Amount {
    /// A constant: `n - 2`.
    Const(u64),
    /// Changes with a loop variable: `n - step` for `step in 1..=3`.
    Varying(Deltas),
    /// Fixed in the call but not a literal: `cap - weights[i]`, `n - k`;
    /// the source text, without whitespace.
    Other(String),
}

impl Amount {
    pub fn is_zero(&self) -> bool {
        *self == Amount::Const(0)
    }
}

/// The values a varying amount takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deltas {
    /// These values (a loop over a constant range).
    Values(Vec<u64>),
    /// Every value from this one up (a loop bounded by the parameter).
    From(u64),
    Unknown,
}

/// Where a sub-slice ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SliceEnd {
    /// At the end of the original: `&s[i..]`.
    Full,
    /// This much before the end: `&s[..s.len() - 1]`.
    FromEnd(Amount),
    /// At an index that is not tied to the length: `&v[..mid]`.
    Cut(Amount),
}

/// An argument of a recursive call relative to the caller's parameter in
/// the same position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// The parameter, unchanged.
    Same,
    /// `p - amount`, or `p + amount` when `grows`.
    Step {
        amount: Amount,
        grows: bool,
    },
    /// `p / c` (`p >> k` is `p / 2^k`).
    Div(u64),
    /// A sub-slice or sub-string: `&p[start..]`, `&p[..p.len() - 1]`.
    Slice {
        start: Amount,
        end: SliceEnd,
    },
    /// A field, element or destructured piece of a parameter.
    Part,
    /// A literal or constant.
    Const(String),
    /// The value a recursive call returned (nested recursion).
    Returned,
    Unknown,
}

impl Shape {
    /// Whether the argument moves toward a base case.
    pub fn progresses(&self) -> bool {
        match self {
            Shape::Step { amount, .. } => !amount.is_zero(),
            Shape::Div(_) | Shape::Returned => true,
            Shape::Slice { start, end } => !start.is_zero() || *end != SliceEnd::Full,
            _ => false,
        }
    }
}

/// A call from a recursive function to a function of its cycle.
#[derive(Clone, Debug)]
pub struct RecursiveCall {
    pub span: Span,
    pub callee: FnId,
    /// One shape per parameter (the receiver first); all `Unknown` when the
    /// callee's parameters do not line up with the caller's.
    pub args: Vec<Shape>,
    pub arg_spans: Vec<Span>,
    /// Inside a loop or an iterator closure.
    pub in_loop: bool,
    /// An argument changes from one loop iteration to the next.
    pub varies: bool,
    pub context: CallContext,
}

/// A parameter of a recursive function.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its name; `self` for the receiver.
    pub name: String,
    /// Its type as written, without whitespace (`&[u8]`, `&self`).
    pub ty: String,
    /// Passed unchanged to every recursive call: a cache can leave it out
    /// of the key as long as it stays the same.
    pub passes_through: bool,
}

/// Why a recursive function is not a candidate for memoization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exclusion {
    /// A trait method without a body.
    NoBody,
    /// It, or a function of its cycle, is memoized already.
    Memoized,
    /// It returns nothing, so there is nothing to cache.
    ReturnsNothing,
    /// It has an effect from the source catalog, directly or through a
    /// callee.
    Impure,
    /// A `&mut` parameter (`&mut self` included), by name.
    MutableParameter(String),
    /// A parameter with interior mutability (`&Cell<_>`, `&RefCell<_>`).
    InteriorMutability(String),
    /// A callback or trait object, whose purity is unknown.
    Callback(String),
    /// It returns a collection of collections: enumerating them costs as
    /// much as the output, and a cache would only copy it.
    OutputBounded,
}

/// What the analysis concluded about a recursive function.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Its calls overlap.
    Overlapping(Overlap),
    /// Its calls do not overlap, or their arguments are not understood.
    NoOverlap,
    /// Not a candidate; the body was not examined.
    Excluded(Exclusion),
}

/// Overlapping calls and what they cost.
#[derive(Clone, Debug)]
pub struct Overlap {
    /// Indexes into [`RecursiveFn::calls`] of the calls that run in one
    /// invocation and overlap, in source order.
    pub calls: Vec<usize>,
    pub estimate: Estimate,
    /// Why a cache wrapper cannot be added automatically, if it cannot.
    pub no_fix: Vec<String>,
}

/// A function on a cycle of the call graph.
#[derive(Clone, Debug)]
pub struct RecursiveFn {
    pub function: FnId,
    /// The functions of its cycle, itself included, in index order.
    pub cycle: Vec<FnId>,
    pub params: Vec<Param>,
    /// Its calls to functions of the cycle, in source order (empty when
    /// excluded before the body was walked).
    pub calls: Vec<RecursiveCall>,
    pub verdict: Verdict,
}

impl RecursiveFn {
    pub fn overlap(&self) -> Option<&Overlap> {
        match &self.verdict {
            Verdict::Overlapping(overlap) => Some(overlap),
            _ => None,
        }
    }

    /// Parameter names, for estimates' texts.
    pub fn param_names(&self) -> Vec<String> {
        self.params.iter().map(|p| p.name.clone()).collect()
    }
}

/// Every recursive function of the unit, in index order.
pub fn find_recursion(
    index: &Index<'_>,
    memoized: &[Memoized],
    effects: &Effects,
) -> Vec<RecursiveFn> {
    let cycles = scc::Cycles::find(index);
    let memoized: HashSet<FnId> = memoized.iter().map(|m| m.function).collect();
    let mut type_defs = signature::TypeDefs::new(index);
    let mut out = Vec::new();
    for function in &index.fns {
        let cycle = cycles.cycle_of(function.id);
        if cycle.is_empty() {
            continue;
        }
        // Parsed again only if the file no longer has it, and then parses.
        let Some(sig) = index.signature(function) else {
            continue;
        };
        let mut found = RecursiveFn {
            function: function.id,
            cycle: cycle.clone(),
            params: params(sig),
            calls: Vec::new(),
            verdict: Verdict::NoOverlap,
        };
        let excluded = signature::exclusion(function, sig, &cycle, &memoized, effects)
            .or_else(|| signature::hidden_state(function, sig, &mut type_defs));
        if let Some(exclusion) = excluded {
            found.verdict = Verdict::Excluded(exclusion);
            out.push(found);
            continue;
        }
        let (calls, mutates) = recursive_calls(index, function, sig, &cycles);
        if let Some(param) = mutates {
            let name = found.params.get(param).map_or("?", |p| p.name.as_str());
            found.verdict = Verdict::Excluded(Exclusion::InteriorMutability(name.to_string()));
            out.push(found);
            continue;
        }
        found.calls = calls;
        for (position, param) in found.params.iter_mut().enumerate() {
            param.passes_through = !found.calls.is_empty()
                && found
                    .calls
                    .iter()
                    .all(|c| c.args.get(position) == Some(&Shape::Same));
        }
        if let Some(calls) = overlap::overlapping_calls(&found.calls) {
            let chosen: Vec<&RecursiveCall> = calls.iter().map(|&i| &found.calls[i]).collect();
            found.verdict = Verdict::Overlapping(Overlap {
                estimate: estimate::estimate(&chosen),
                calls,
                no_fix: signature::no_fix_reasons(function, sig),
            });
        }
        out.push(found);
    }
    out
}

fn params(sig: &syn::Signature) -> Vec<Param> {
    sig.inputs
        .iter()
        .enumerate()
        .map(|(i, input)| match input {
            syn::FnArg::Receiver(receiver) => Param {
                name: "self".to_string(),
                ty: tokens_text(receiver),
                passes_through: false,
            },
            syn::FnArg::Typed(pat_type) => Param {
                name: match &*pat_type.pat {
                    syn::Pat::Ident(ident) => ident.ident.to_string(),
                    _ => format!("#{}", i + 1),
                },
                ty: tokens_text(&*pat_type.ty),
                passes_through: false,
            },
        })
        .collect()
}

/// Walks `function`'s body and describes its calls to its cycle; also
/// says which parameter, if any, it changes through a shared reference.
fn recursive_calls(
    index: &Index<'_>,
    function: &FnDef<'_>,
    sig: &syn::Signature,
    cycles: &scc::Cycles,
) -> (Vec<RecursiveCall>, Option<usize>) {
    let targets: HashMap<(usize, usize), FnId> = function
        .calls
        .iter()
        .filter_map(|call| match call.target {
            Target::Fn(callee) if cycles.same_cycle(function.id, callee) => {
                Some(((call.span.start, call.span.end), callee))
            }
            _ => None,
        })
        .collect();
    if targets.is_empty() {
        return (Vec::new(), None);
    }
    let takes_self = |f: FnId| index.function(f).has_receiver();
    let mut walker = walk::Walker::new(index.file_of(function), &targets, &takes_self, sig);
    if index
        .with_block(function, |block| walker.walk(block))
        .is_none()
    {
        return (Vec::new(), None);
    }
    let arity = sig.inputs.len();
    let mut calls: Vec<RecursiveCall> = walker
        .calls
        .into_iter()
        .map(|raw| {
            let callee_arity = index.function(raw.callee).arity();
            let lines_up = raw.args.len() == arity && callee_arity == arity;
            RecursiveCall {
                span: raw.span,
                callee: raw.callee,
                args: raw
                    .args
                    .iter()
                    .enumerate()
                    .map(|(position, value)| {
                        if lines_up {
                            value.shape(position)
                        } else {
                            Shape::Unknown
                        }
                    })
                    .collect(),
                arg_spans: raw.arg_spans,
                in_loop: !raw.context.loops.is_empty(),
                varies: raw.args.iter().any(|a| a.varying),
                context: raw.context,
            }
        })
        .collect();
    calls.sort_by_key(|c| (c.span.start, c.span.end));
    (calls, walker.mutates)
}

#[cfg(test)]
mod tests;
