//! Loops and iterator closures: what a `for` loop's variable or an
//! iterator closure's parameter stands for (an index over a range, an
//! element of a parameter, or just something that changes per iteration),
//! and the loop context of the calls in their bodies.

use std::collections::HashMap;

use super::super::values::{Bound, Eval, IndexRange, Val};
use super::{strip, Frame, Walker};

/// Iterator adapters that keep the items as they are.
const KEEP_ITEMS: &[&str] = &[
    "copied",
    "cloned",
    "rev",
    "filter",
    "skip_while",
    "take_while",
    "inspect",
    "peekable",
    "fuse",
    "skip",
    "take",
    "step_by",
    "by_ref",
];
/// Methods that start iterating over a collection's elements (or pieces).
const ITERATE: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "chars",
    "bytes",
    "windows",
    "chunks",
    "chunks_exact",
    "lines",
    "split_whitespace",
    "keys",
    "values",
    "drain",
];
/// Iterator methods whose closure runs once per item.
pub(super) const PER_ITEM: &[&str] = &[
    "map",
    "filter",
    "filter_map",
    "flat_map",
    "for_each",
    "try_for_each",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "take_while",
    "skip_while",
    "map_while",
    "inspect",
    "max_by_key",
    "min_by_key",
    "fold",
    "try_fold",
    "rfold",
    "scan",
    "partition",
];
impl Walker<'_> {
    /// The item an iterator expression yields, if it is one: a loop
    /// variable over a range, an element of a parameter, or something that
    /// varies. With `any_iterable`, whatever a `for` loop accepts; without,
    /// only what is surely an iterator (a closure passed to `map` runs once
    /// per item only on an iterator, not on an `Option`).
    pub(super) fn iter_item(&mut self, expr: &syn::Expr, any_iterable: bool) -> Option<Eval> {
        let expr = strip(expr);
        match expr {
            syn::Expr::Range(range) => {
                let was = std::mem::replace(&mut self.quiet, true);
                let value = self.range(range);
                self.quiet = was;
                match value.val {
                    Val::Range(r) => Some(Eval::new(Val::Index(r))),
                    _ => Some(Eval::other(value.params, true)),
                }
            }
            syn::Expr::MethodCall(call) => {
                let name = call.method.to_string();
                let name = name.as_str();
                if ITERATE.contains(&name) {
                    let was = std::mem::replace(&mut self.quiet, true);
                    let base = self.expr(&call.receiver);
                    self.quiet = was;
                    return Some(base.part().varying(true));
                }
                if name == "enumerate" || name == "char_indices" {
                    let inner = if name == "enumerate" {
                        self.iter_item(&call.receiver, any_iterable)?
                    } else {
                        let was = std::mem::replace(&mut self.quiet, true);
                        let base = self.expr(&call.receiver);
                        self.quiet = was;
                        base.part().varying(true)
                    };
                    let index = IndexRange {
                        lo: 0,
                        hi: Bound::Unknown,
                        inclusive: false,
                        add: 0,
                    };
                    return Some(Eval::new(Val::Tuple(vec![
                        Eval::new(Val::Index(index)),
                        inner,
                    ])));
                }
                if KEEP_ITEMS.contains(&name) {
                    let item = self.iter_item(&call.receiver, any_iterable)?;
                    if let (
                        Val::Index(r),
                        "skip",
                        Some(syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Int(k),
                            ..
                        })),
                    ) = (&item.val, name, call.args.first())
                    {
                        if let Ok(k) = k.base10_parse::<u64>() {
                            let mut r = r.clone();
                            r.lo += k;
                            return Some(Eval::new(Val::Index(r)));
                        }
                    }
                    return Some(item);
                }
                // `map`, `zip`, `flat_map`, ...: an iterator of something else.
                let inner = self.iter_item(&call.receiver, any_iterable)?;
                Some(Eval::other(inner.params, true))
            }
            _ if any_iterable => {
                let was = std::mem::replace(&mut self.quiet, true);
                let base = self.expr(expr);
                self.quiet = was;
                Some(match base.val {
                    Val::Range(r) => Eval::new(Val::Index(r)),
                    _ => base.part().varying(true),
                })
            }
            _ => None,
        }
    }

    pub(super) fn closure(
        &mut self,
        closure: &syn::ExprClosure,
        item: Option<(usize, Eval)>,
    ) -> Eval {
        self.frames.push(Frame::Barrier);
        self.scopes.push(HashMap::new());
        for (i, input) in closure.inputs.iter().enumerate() {
            let value = match &item {
                Some((position, item)) if *position == i => item.clone(),
                Some(_) => Eval::other(0, true),
                None => Eval::other(0, false),
            };
            self.bind(input, &value);
        }
        self.expr(&closure.body);
        self.scopes.pop();
        self.frames.pop();
        Eval::other(0, false)
    }

    pub(super) fn for_loop(&mut self, expr: &syn::ExprForLoop) -> Eval {
        self.expr(&expr.expr);
        let item = self
            .iter_item(&expr.expr, true)
            .unwrap_or_else(|| Eval::other(0, true));
        let id = self.id();
        self.loops.push(id);
        self.scopes.push(HashMap::new());
        self.bind(&expr.pat, &item);
        self.block(&expr.body);
        self.scopes.pop();
        self.loops.pop();
        Eval::other(0, false)
    }
}
