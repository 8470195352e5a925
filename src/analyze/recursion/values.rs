//! Abstract values of expressions in a recursive function's body, relative
//! to its parameters: `n - 1` is "parameter 0 shrunk by 1", `&s[i..]` in a
//! loop over `i in 1..=s.len()` is "a suffix of parameter 0, shorter by 1,
//! 2, ...". The walker (`walk.rs`) evaluates every argument of a recursive
//! call to one of these, then turns it into the public [`Shape`] of the
//! argument relative to the parameter in the same position.
//!
//! Anything the rules below do not cover is `Other`: it remembers which
//! parameters it mentions and whether it changes from one loop iteration to
//! the next, and nothing else. That keeps the evaluator small and every
//! unknown on the silent side.

use super::{Amount, Deltas, Shape, SliceEnd};

/// The most values a constant loop range is expanded to.
const MAX_LISTED: u64 = 64;

/// What the upper end of a loop range is tied to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Bound {
    /// A literal.
    Const(u64),
    /// `p - offset` for a numeric parameter `p`.
    Param(usize, u64),
    /// `p.len() - offset`.
    Len(usize, u64),
    Unknown,
}

/// A loop variable over an integer range, plus a constant added to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct IndexRange {
    /// The smallest value (0 when not a literal: the safe side).
    pub lo: u64,
    pub hi: Bound,
    pub inclusive: bool,
    /// Added to the loop variable (`i + 1`, `i - 1`).
    pub add: i64,
}

impl IndexRange {
    /// The values the variable takes, as amounts something moves by.
    pub fn deltas(&self) -> Deltas {
        let lo = self.lo as i64 + self.add;
        match self.hi {
            Bound::Const(hi) => {
                let hi = if self.inclusive {
                    hi as i64
                } else {
                    hi as i64 - 1
                } + self.add;
                if hi < lo.max(0) {
                    return Deltas::Values(Vec::new());
                }
                if (hi - lo.max(0)) as u64 >= MAX_LISTED {
                    return Deltas::From(lo.max(0) as u64);
                }
                Deltas::Values((lo.max(0)..=hi).map(|v| v as u64).collect())
            }
            _ => Deltas::From(lo.max(0) as u64),
        }
    }

    /// How far below parameter `param` the variable stays, when the range
    /// is bounded by that parameter (`for i in 0..n` → `n - i` ≥ 1).
    pub fn below(&self, param: usize) -> Option<Deltas> {
        let Bound::Param(p, offset) = self.hi else {
            return None;
        };
        if p != param {
            return None;
        }
        let gap = offset as i64 + i64::from(!self.inclusive) - self.add;
        Some(Deltas::From(gap.max(0) as u64))
    }

    fn shifted(&self, by: i64) -> IndexRange {
        IndexRange {
            add: self.add + by,
            ..self.clone()
        }
    }
}

/// The value of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Val {
    /// Parameter `p` itself.
    Param(usize),
    /// `p - amount`, or `p + amount` when `grows`.
    Step(usize, Amount, bool),
    /// `p / c`, `p >> k`.
    Div(usize, u64),
    /// A sub-slice or sub-string of `p`.
    Slice(usize, Amount, SliceEnd),
    /// A field, element or destructured piece of `p`.
    Part(usize),
    /// `p.len()`.
    Len(usize),
    /// `p.len() - amount`.
    LenMinus(usize, Amount),
    /// `p.split_first()` / `p.split_last()`, to be destructured.
    SplitFirst(usize),
    SplitLast(usize),
    /// An integer literal.
    Int(u64),
    /// Another literal or a constant, by its text.
    Lit(String),
    /// A loop variable over an integer range.
    Index(IndexRange),
    /// A range expression, `a..b`.
    Range(IndexRange),
    /// What a recursive call returned.
    Returned,
    /// A tuple of values, for `match (m, n)`.
    Tuple(Vec<Eval>),
    /// Anything else.
    Other,
}

/// A value with what it depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Eval {
    pub val: Val,
    /// Bit `p` set: mentions parameter `p` (bit 63 stands for all above).
    pub params: u64,
    /// Changes from one loop iteration to the next.
    pub varying: bool,
}

pub(super) fn bit(param: usize) -> u64 {
    1u64 << param.min(63)
}

impl Eval {
    pub fn new(val: Val) -> Eval {
        let params = match &val {
            Val::Param(p)
            | Val::Step(p, ..)
            | Val::Div(p, _)
            | Val::Slice(p, ..)
            | Val::Part(p)
            | Val::Len(p)
            | Val::LenMinus(p, _)
            | Val::SplitFirst(p)
            | Val::SplitLast(p) => bit(*p),
            Val::Tuple(items) => items.iter().fold(0, |m, e| m | e.params),
            _ => 0,
        };
        let varying = match &val {
            Val::Index(_) => true,
            Val::Tuple(items) => items.iter().any(|e| e.varying),
            _ => false,
        };
        Eval {
            val,
            params,
            varying,
        }
    }

    pub fn other(params: u64, varying: bool) -> Eval {
        Eval {
            val: Val::Other,
            params,
            varying,
        }
    }

    /// `val` computed from the operands, or [`Eval::opaque`] without one.
    pub fn of_operands(val: Option<Val>, operands: &[&Eval]) -> Eval {
        match val {
            Some(val) => Eval {
                val,
                params: operands.iter().fold(0, |m, e| m | e.params),
                varying: operands.iter().any(|e| e.varying),
            },
            None => Eval::opaque(operands),
        }
    }

    /// Something depending on the operands, with no shape of its own.
    pub fn opaque(operands: &[&Eval]) -> Eval {
        Eval::other(
            operands.iter().fold(0, |m, e| m | e.params),
            operands.iter().any(|e| e.varying),
        )
    }

    pub fn varying(mut self, varying: bool) -> Eval {
        self.varying |= varying;
        self
    }

    /// This value used as an amount another value moves by.
    pub fn amount(&self, text: &str) -> Amount {
        match &self.val {
            Val::Int(c) => Amount::Const(*c),
            Val::Index(range) => Amount::Varying(range.deltas()),
            _ if self.varying => Amount::Varying(Deltas::Unknown),
            _ => Amount::Other(text.to_string()),
        }
    }

    /// A piece of this value (a field, an element, a destructured part).
    pub fn part(&self) -> Eval {
        match &self.val {
            Val::Param(p) | Val::Part(p) | Val::Slice(p, ..) => Eval {
                val: Val::Part(*p),
                params: self.params,
                varying: self.varying,
            },
            _ => Eval::other(self.params, self.varying),
        }
    }

    /// The argument's shape relative to parameter `position`.
    pub fn shape(&self, position: usize) -> Shape {
        match &self.val {
            Val::Param(p) if *p == position => Shape::Same,
            Val::Step(p, amount, grows) if *p == position => Shape::Step {
                amount: amount.clone(),
                grows: *grows,
            },
            Val::Div(p, by) if *p == position => Shape::Div(*by),
            Val::Slice(p, start, end) if *p == position => Shape::Slice {
                start: start.clone(),
                end: end.clone(),
            },
            Val::Part(_) => Shape::Part,
            Val::Int(c) => Shape::Const(c.to_string()),
            Val::Lit(text) => Shape::Const(text.clone()),
            Val::Index(range) => match range.below(position) {
                Some(deltas) => Shape::Step {
                    amount: Amount::Varying(deltas),
                    grows: false,
                },
                None => Shape::Unknown,
            },
            Val::Returned => Shape::Returned,
            _ => Shape::Unknown,
        }
    }
}

impl Amount {
    pub fn plus(&self, other: &Amount) -> Amount {
        match (self, other) {
            (Amount::Const(a), Amount::Const(b)) => Amount::Const(a.saturating_add(*b)),
            (Amount::Const(c), Amount::Varying(d)) | (Amount::Varying(d), Amount::Const(c)) => {
                Amount::Varying(d.shifted(*c))
            }
            (Amount::Varying(_), _) | (_, Amount::Varying(_)) => Amount::Varying(Deltas::Unknown),
            (Amount::Other(a), Amount::Other(b)) => Amount::Other(format!("{a}+{b}")),
            (Amount::Other(a), Amount::Const(c)) | (Amount::Const(c), Amount::Other(a)) => {
                Amount::Other(format!("{a}+{c}"))
            }
        }
    }
}

impl Deltas {
    fn shifted(&self, by: u64) -> Deltas {
        match self {
            Deltas::Values(values) => {
                Deltas::Values(values.iter().map(|v| v.saturating_add(by)).collect())
            }
            Deltas::From(min) => Deltas::From(min.saturating_add(by)),
            Deltas::Unknown => Deltas::Unknown,
        }
    }
}

/// `l - r`.
pub(super) fn minus(l: &Eval, r: &Eval, r_text: &str) -> Eval {
    let independent = |p: usize| r.params & bit(p) == 0;
    let val = match (&l.val, &r.val) {
        (Val::Int(a), Val::Int(b)) if a >= b => Some(Val::Int(a - b)),
        (Val::Index(range), Val::Int(c)) => Some(Val::Index(range.shifted(-(*c as i64)))),
        (Val::Param(p), _) if independent(*p) => Some(Val::Step(*p, r.amount(r_text), false)),
        (Val::Step(p, a, false), _) if independent(*p) => {
            Some(Val::Step(*p, a.plus(&r.amount(r_text)), false))
        }
        (Val::Step(p, Amount::Const(a), true), Val::Int(b)) => Some(if a >= b {
            step(*p, a - b, true)
        } else {
            step(*p, b - a, false)
        }),
        (Val::Len(p), _) if independent(*p) => Some(Val::LenMinus(*p, r.amount(r_text))),
        (Val::LenMinus(p, a), _) if independent(*p) => {
            Some(Val::LenMinus(*p, a.plus(&r.amount(r_text))))
        }
        _ => None,
    };
    Eval::of_operands(val, &[l, r])
}

/// `l + r`.
pub(super) fn plus(l: &Eval, r: &Eval, l_text: &str, r_text: &str) -> Eval {
    let grow = |p: usize, base_amount: Option<&Amount>, by: &Eval, by_text: &str| {
        if by.params & bit(p) != 0 {
            return None;
        }
        let amount = by.amount(by_text);
        Some(match base_amount {
            None => Val::Step(p, amount, true),
            Some(a) => Val::Step(p, a.plus(&amount), true),
        })
    };
    let val = match (&l.val, &r.val) {
        (Val::Int(a), Val::Int(b)) => Some(Val::Int(a.saturating_add(*b))),
        (Val::Index(range), Val::Int(c)) | (Val::Int(c), Val::Index(range)) => {
            Some(Val::Index(range.shifted(*c as i64)))
        }
        (Val::Step(p, Amount::Const(a), false), Val::Int(b))
        | (Val::Int(b), Val::Step(p, Amount::Const(a), false)) => Some(if a >= b {
            step(*p, a - b, false)
        } else {
            step(*p, b - a, true)
        }),
        (Val::Param(p), _) => grow(*p, None, r, r_text),
        (_, Val::Param(p)) => grow(*p, None, l, l_text),
        (Val::Step(p, a, true), _) => grow(*p, Some(a), r, r_text),
        (_, Val::Step(p, a, true)) => grow(*p, Some(a), l, l_text),
        _ => None,
    };
    Eval::of_operands(val, &[l, r])
}

/// `l / r` (or `l >> k` with `r` = 2^k).
pub(super) fn divide(l: &Eval, by: Option<u64>, r: &Eval) -> Eval {
    let val = match (&l.val, by) {
        (Val::Param(p), Some(c)) if c >= 2 => Some(Val::Div(*p, c)),
        (Val::Div(p, a), Some(c)) if c >= 2 => Some(Val::Div(*p, a.saturating_mul(c))),
        (Val::Int(a), Some(c)) if c >= 1 => Some(Val::Int(a / c)),
        _ => None,
    };
    match val {
        Some(val) => Eval {
            val,
            params: l.params,
            varying: l.varying,
        },
        None => Eval::opaque(&[l, r]),
    }
}

fn step(p: usize, amount: u64, grows: bool) -> Val {
    if amount == 0 {
        Val::Param(p)
    } else {
        Val::Step(p, Amount::Const(amount), grows)
    }
}

/// `base[start..end]` for a range index.
pub(super) fn slice(
    base: &Eval,
    start: Option<(&Eval, &str)>,
    end: Option<(&Eval, &str)>,
    inclusive: bool,
) -> Eval {
    let (p, old_start, old_end) = match &base.val {
        Val::Param(p) => (*p, Amount::Const(0), SliceEnd::Full),
        Val::Slice(p, s, e) => (*p, s.clone(), e.clone()),
        _ => return Eval::opaque(&[base]),
    };
    let mut params = base.params;
    let mut varying = base.varying;
    for (e, _) in start.iter().chain(end.iter()) {
        params |= e.params;
        varying |= e.varying;
    }
    let mentions_p = |e: &Eval| e.params & bit(p) != 0;
    let new_start = match start {
        None => Amount::Const(0),
        Some((e, t)) if !mentions_p(e) => e.amount(t),
        Some(_) => return Eval::other(params, varying),
    };
    let new_end = match end {
        None => SliceEnd::Full,
        Some((e, t)) => match &e.val {
            Val::Len(q) if *q == p && !inclusive => SliceEnd::FromEnd(Amount::Const(0)),
            Val::LenMinus(q, a) if *q == p && !inclusive => SliceEnd::FromEnd(a.clone()),
            _ if !mentions_p(e) => SliceEnd::Cut(e.amount(t)),
            _ => return Eval::other(params, varying),
        },
    };
    let new_end = match new_end {
        SliceEnd::FromEnd(a) if a.is_zero() => SliceEnd::Full,
        other => other,
    };
    // Slicing a slice: starts add up; an end is kept only when one side has
    // none.
    let end = match (old_end, new_end) {
        (SliceEnd::Full, e) => e,
        (e, SliceEnd::Full) => e,
        (SliceEnd::FromEnd(a), SliceEnd::FromEnd(b)) => SliceEnd::FromEnd(a.plus(&b)),
        _ => return Eval::other(params, varying),
    };
    let start = old_start.plus(&new_start);
    Eval {
        val: Val::Slice(p, start, end),
        params,
        varying,
    }
}
