//! Pattern bindings: `let`, `match` arms, `if let`, loop and closure
//! parameters. A binding takes the value of what it destructures: a name
//! bound to a whole value keeps it (`match (m, n) { (m, 0) => ... }` binds
//! `m` to the parameter `m`), a piece of a parameter is a part of it
//! (`Some(left)` of `&node.left`), and `split_first()`'s rest is a suffix.

use super::super::values::{Eval, Val};
use super::super::{Amount, SliceEnd};
use super::Walker;

impl Walker<'_> {
    pub(super) fn bind(&mut self, pat: &syn::Pat, value: &Eval) {
        match pat {
            syn::Pat::Ident(ident) => {
                if let Some((_, sub)) = &ident.subpat {
                    self.bind(sub, value);
                }
                let name = ident.ident.to_string();
                let is_binding = !name.starts_with(|c: char| c.is_uppercase())
                    || ident.mutability.is_some()
                    || ident.subpat.is_some();
                if !is_binding {
                    return;
                }
                let value = if ident.mutability.is_some() {
                    // Its value may change after this point.
                    Eval::other(value.params, true)
                } else {
                    value.clone()
                };
                self.define(name, value);
            }
            syn::Pat::Tuple(tuple) => {
                let has_rest = tuple.elems.iter().any(|p| matches!(p, syn::Pat::Rest(_)));
                match &value.val {
                    Val::Tuple(items) if items.len() == tuple.elems.len() && !has_rest => {
                        for (p, item) in tuple.elems.iter().zip(items.clone()) {
                            self.bind(p, &item);
                        }
                    }
                    _ => {
                        let part = value.part();
                        for p in &tuple.elems {
                            self.bind(p, &part);
                        }
                    }
                }
            }
            syn::Pat::Reference(r) => self.bind(&r.pat, value),
            syn::Pat::Paren(p) => self.bind(&p.pat, value),
            syn::Pat::Type(t) => self.bind(&t.pat, value),
            syn::Pat::Or(or) => {
                if let Some(first) = or.cases.first() {
                    self.bind(first, value);
                }
            }
            syn::Pat::TupleStruct(ts) => {
                let is_some = ts.path.is_ident("Some") && ts.elems.len() == 1;
                // `Some((first, rest))` of `split_first()` / `split_last()`.
                let rest = match (&value.val, is_some) {
                    (Val::SplitFirst(p), true) => {
                        Some((*p, Val::Slice(*p, Amount::Const(1), SliceEnd::Full)))
                    }
                    (Val::SplitLast(p), true) => Some((
                        *p,
                        Val::Slice(*p, Amount::Const(0), SliceEnd::FromEnd(Amount::Const(1))),
                    )),
                    _ => None,
                };
                if let (Some((p, rest)), Some(syn::Pat::Tuple(pair))) = (rest, ts.elems.first()) {
                    if pair.elems.len() == 2 {
                        let item = Eval::new(Val::Part(p)).varying(value.varying);
                        let rest = Eval::new(rest).varying(value.varying);
                        self.bind(&pair.elems[0], &item);
                        self.bind(&pair.elems[1], &rest);
                        return;
                    }
                }
                let part = value.part();
                for p in &ts.elems {
                    self.bind(p, &part);
                }
            }
            syn::Pat::Slice(s) => self.bind_slice(s, value),
            syn::Pat::Struct(s) => {
                let part = value.part();
                for field in &s.fields {
                    self.bind(&field.pat, &part);
                }
            }
            _ => {}
        }
    }

    /// `[first, rest @ ..]`, `[.., last]`.
    fn bind_slice(&mut self, pat: &syn::PatSlice, value: &Eval) {
        let is_rest = |p: &syn::Pat| match p {
            syn::Pat::Rest(_) => true,
            syn::Pat::Ident(i) => {
                matches!(i.subpat.as_ref().map(|s| &*s.1), Some(syn::Pat::Rest(_)))
            }
            _ => false,
        };
        let rest_at = pat.elems.iter().position(is_rest);
        let part = value.part();
        for (i, p) in pat.elems.iter().enumerate() {
            if Some(i) != rest_at {
                self.bind(p, &part);
                continue;
            }
            let syn::Pat::Ident(ident) = p else {
                continue;
            };
            let front = i as u64;
            let back = (pat.elems.len() - i - 1) as u64;
            let rest = match &value.val {
                Val::Param(q) => Eval::new(Val::Slice(
                    *q,
                    Amount::Const(front),
                    if back == 0 {
                        SliceEnd::Full
                    } else {
                        SliceEnd::FromEnd(Amount::Const(back))
                    },
                )),
                _ => part.clone(),
            };
            self.define(ident.ident.to_string(), rest.varying(value.varying));
        }
    }
}
