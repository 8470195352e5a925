//! Expressions: each evaluates to a value relative to the parameters
//! (`values.rs`), and a call to a function of the cycle is recorded with
//! its arguments' values.

use std::collections::HashMap;

use super::super::values::{divide, minus, plus, slice, Bound, Eval, IndexRange, Val};
use super::super::Amount;
use super::loops::PER_ITEM;
use super::{strip, Frame, Walker};
use crate::index::tokens_text;

/// Methods that leave a value as it is, for our purposes.
const SAME_VALUE: &[&str] = &[
    "clone",
    "to_owned",
    "as_ref",
    "as_slice",
    "as_str",
    "as_bytes",
    "into",
    "borrow",
    "to_vec",
    "to_string",
    "as_deref",
    "unwrap",
    "expect",
];
/// Methods that change a value behind a shared reference (`RefCell`,
/// `Cell`, `Mutex`, `RwLock`, atomics, `OnceCell`).
const INTERIOR_MUTATORS: &[&str] = &[
    "borrow_mut",
    "try_borrow_mut",
    "with_borrow_mut",
    "lock",
    "try_lock",
    "try_write",
    "set",
    "store",
    "fetch_add",
    "fetch_sub",
    "fetch_update",
    "compare_exchange",
    "get_or_init",
];

impl Walker<'_> {
    pub(super) fn expr(&mut self, expr: &syn::Expr) -> Eval {
        use syn::Expr as E;
        match expr {
            E::Lit(lit) => match &lit.lit {
                syn::Lit::Int(int) => match int.base10_parse::<u64>() {
                    Ok(v) => Eval::new(Val::Int(v)),
                    Err(_) => Eval::new(Val::Lit(tokens_text(lit))),
                },
                _ => Eval::new(Val::Lit(tokens_text(lit))),
            },
            E::Path(path) => self.path(path),
            E::Paren(p) => self.expr(&p.expr),
            E::Group(g) => self.expr(&g.expr),
            E::Reference(r) => self.expr(&r.expr),
            E::Cast(c) => self.expr(&c.expr),
            E::Try(t) => self.expr(&t.expr),
            E::Unary(u) => {
                let inner = self.expr(&u.expr);
                match u.op {
                    syn::UnOp::Deref(_) => inner,
                    _ => Eval::opaque(&[&inner]),
                }
            }
            E::Binary(b) => self.binary(b),
            E::Call(call) => self.call(call),
            E::MethodCall(call) => self.method_call(call),
            E::Field(f) => self.expr(&f.base).part(),
            E::Index(i) => self.index(i),
            E::Range(r) => self.range(r),
            E::Tuple(t) => {
                let items: Vec<Eval> = t.elems.iter().map(|e| self.expr(e)).collect();
                Eval::new(Val::Tuple(items))
            }
            E::Block(b) => self.block(&b.block),
            E::Unsafe(u) => self.block(&u.block),
            E::Const(c) => self.block(&c.block),
            E::If(i) => self.if_expr(i),
            E::Match(m) => self.match_expr(m),
            E::ForLoop(f) => self.for_loop(f),
            E::While(w) => {
                let id = self.id();
                self.loops.push(id);
                self.scopes.push(HashMap::new());
                match strip(&w.cond) {
                    // `while let Some(x) = stack.pop()`: a new `x` each time.
                    syn::Expr::Let(l) => {
                        let value = self.expr(&l.expr).varying(true);
                        self.bind(&l.pat, &value);
                    }
                    cond => {
                        self.expr(cond);
                    }
                }
                self.block(&w.body);
                self.scopes.pop();
                self.loops.pop();
                Eval::other(0, false)
            }
            E::Loop(l) => {
                let id = self.id();
                self.loops.push(id);
                self.block(&l.body);
                self.loops.pop();
                Eval::other(0, false)
            }
            E::Closure(c) => self.closure(c, None),
            E::Return(r) => {
                let end = self.span(r).end;
                self.frames.push(Frame::Exit(end));
                if let Some(value) = &r.expr {
                    self.expr(value);
                }
                self.frames.pop();
                Eval::other(0, false)
            }
            E::Let(l) => {
                // `if let` / `while let`: binds for the code it guards.
                let value = self.expr(&l.expr);
                self.bind(&l.pat, &value);
                Eval::other(0, false)
            }
            E::Macro(m) => {
                self.macro_args(&m.mac);
                Eval::other(0, false)
            }
            E::Assign(a) => {
                let l = self.expr(&a.left);
                let r = self.expr(&a.right);
                Eval::opaque(&[&l, &r])
            }
            E::Array(a) => {
                let items: Vec<Eval> = a.elems.iter().map(|e| self.expr(e)).collect();
                Eval::opaque(&items.iter().collect::<Vec<_>>())
            }
            E::Repeat(r) => {
                let a = self.expr(&r.expr);
                let b = self.expr(&r.len);
                Eval::opaque(&[&a, &b])
            }
            E::Struct(s) => {
                let items: Vec<Eval> = s.fields.iter().map(|f| self.expr(&f.expr)).collect();
                if let Some(rest) = &s.rest {
                    self.expr(rest);
                }
                Eval::opaque(&items.iter().collect::<Vec<_>>())
            }
            E::Await(a) => {
                let v = self.expr(&a.base);
                Eval::opaque(&[&v])
            }
            E::Break(b) => {
                if let Some(v) = &b.expr {
                    self.expr(v);
                }
                Eval::other(0, false)
            }
            E::Yield(y) => {
                if let Some(v) = &y.expr {
                    self.expr(v);
                }
                Eval::other(0, false)
            }
            E::Async(a) => {
                self.frames.push(Frame::Barrier);
                self.block(&a.block);
                self.frames.pop();
                Eval::other(0, false)
            }
            E::TryBlock(t) => self.block(&t.block),
            _ => Eval::other(0, false),
        }
    }

    fn path(&mut self, path: &syn::ExprPath) -> Eval {
        if path.qself.is_none() {
            if let Some(ident) = path.path.get_ident() {
                let name = ident.to_string();
                if let Some(value) = self.lookup(&name) {
                    return value.clone();
                }
                if name.starts_with(|c: char| c.is_uppercase()) {
                    return Eval::new(Val::Lit(name));
                }
                return Eval::other(0, false);
            }
            // `u64::MAX`, `Self::LIMIT`, `consts::N`.
            if path
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident.to_string().starts_with(|c: char| c.is_uppercase()))
            {
                return Eval::new(Val::Lit(tokens_text(path)));
            }
        }
        Eval::other(0, false)
    }

    fn binary(&mut self, b: &syn::ExprBinary) -> Eval {
        let l = self.expr(&b.left);
        let r = self.expr(&b.right);
        match b.op {
            syn::BinOp::Sub(_) => minus(&l, &r, &tokens_text(&b.right)),
            syn::BinOp::Add(_) => plus(&l, &r, &tokens_text(&b.left), &tokens_text(&b.right)),
            syn::BinOp::Div(_) => {
                let by = match r.val {
                    Val::Int(c) => Some(c),
                    _ => None,
                };
                divide(&l, by, &r)
            }
            syn::BinOp::Shr(_) => {
                let by = match r.val {
                    Val::Int(k) if k < 63 => Some(1u64 << k),
                    _ => None,
                };
                divide(&l, by, &r)
            }
            _ => Eval::opaque(&[&l, &r]),
        }
    }

    fn call(&mut self, call: &syn::ExprCall) -> Eval {
        let args: Vec<Eval> = call.args.iter().map(|a| self.expr(a)).collect();
        let span = self.span(call);
        if let Some(callee) = self.callee_at(span) {
            let arg_spans = call.args.iter().map(|a| self.span(a)).collect();
            self.record(span, callee, args, arg_spans);
            return Eval::new(Val::Returned);
        }
        if !matches!(&*call.func, syn::Expr::Path(_)) {
            self.expr(&call.func);
        }
        Eval::opaque(&args.iter().collect::<Vec<_>>())
    }

    fn method_call(&mut self, call: &syn::ExprMethodCall) -> Eval {
        let receiver = self.expr(&call.receiver);
        let name = call.method.to_string();
        // A parameter or a piece of it, not something built from it.
        if let Val::Param(p) | Val::Part(p) = receiver.val {
            if INTERIOR_MUTATORS.contains(&name.as_str()) {
                self.mutates = Some(p);
            }
        }
        let per_item = PER_ITEM.contains(&name.as_str())
            && call.args.iter().any(|a| matches!(a, syn::Expr::Closure(_)));
        let item = if per_item {
            self.iter_item(&call.receiver, false)
        } else {
            None
        };
        // Several closures of one call (`map_or_else(|| .., |x| ..)`): one
        // of them runs, like the arms of a `match`.
        let closures = call
            .args
            .iter()
            .filter(|a| matches!(a, syn::Expr::Closure(_)))
            .count();
        let alternatives = (closures >= 2 && item.is_none()).then(|| self.id());
        let mut args = Vec::with_capacity(call.args.len());
        for (position, arg) in call.args.iter().enumerate() {
            let value = match (arg, &item, alternatives) {
                (syn::Expr::Closure(c), Some(item), _) => {
                    let item_position = usize::from(matches!(
                        name.as_str(),
                        "fold" | "try_fold" | "rfold" | "scan"
                    ));
                    let id = self.id();
                    self.loops.push(id);
                    let v = self.closure(c, Some((item_position, item.clone())));
                    self.loops.pop();
                    v
                }
                (syn::Expr::Closure(c), None, Some(point)) => {
                    self.arms.push((point, position as u32));
                    let v = self.closure(c, None);
                    self.arms.pop();
                    v
                }
                _ => self.expr(arg),
            };
            args.push(value);
        }
        let span = self.span(call);
        if let Some(callee) = self.callee_at(span) {
            let mut all = Vec::with_capacity(args.len() + 1);
            let mut spans = Vec::with_capacity(args.len() + 1);
            if (self.takes_self)(callee) {
                all.push(receiver);
                spans.push(self.span(&call.receiver));
            }
            all.extend(args);
            spans.extend(call.args.iter().map(|a| self.span(a)));
            self.record(span, callee, all, spans);
            return Eval::new(Val::Returned);
        }
        let arg = args.first();
        let arg_text = || call.args.first().map(tokens_text).unwrap_or_default();
        match (name.as_str(), arg) {
            ("saturating_sub" | "wrapping_sub" | "checked_sub", Some(a)) => {
                minus(&receiver, a, &arg_text())
            }
            ("saturating_add" | "wrapping_add" | "checked_add", Some(a)) => {
                plus(&receiver, a, &tokens_text(&call.receiver), &arg_text())
            }
            ("len", None) => match receiver.val {
                Val::Param(p) => Eval::new(Val::Len(p)),
                _ => Eval::opaque(&[&receiver]),
            },
            ("split_first", None) => match receiver.val {
                Val::Param(p) => Eval::new(Val::SplitFirst(p)),
                _ => Eval::opaque(&[&receiver]),
            },
            ("split_last", None) => match receiver.val {
                Val::Param(p) => Eval::new(Val::SplitLast(p)),
                _ => Eval::opaque(&[&receiver]),
            },
            (m, None) if SAME_VALUE.contains(&m) => receiver,
            ("expect", Some(_)) => receiver,
            _ => {
                let mut operands: Vec<&Eval> = args.iter().collect();
                operands.push(&receiver);
                Eval::opaque(&operands)
            }
        }
    }

    /// `base[i]` or `base[a..b]`.
    fn index(&mut self, index: &syn::ExprIndex) -> Eval {
        let base = self.expr(&index.expr);
        if let syn::Expr::Range(range) = strip(&index.index) {
            let start = range.start.as_ref().map(|s| (self.expr(s), tokens_text(s)));
            let end = range.end.as_ref().map(|e| (self.expr(e), tokens_text(e)));
            let inclusive = matches!(range.limits, syn::RangeLimits::Closed(_));
            return slice(
                &base,
                start.as_ref().map(|(e, t)| (e, t.as_str())),
                end.as_ref().map(|(e, t)| (e, t.as_str())),
                inclusive,
            );
        }
        let i = self.expr(&index.index);
        base.part().varying(i.varying)
    }

    pub(super) fn range(&mut self, range: &syn::ExprRange) -> Eval {
        let start = range.start.as_ref().map(|s| self.expr(s));
        let end = range.end.as_ref().map(|e| self.expr(e));
        let lo = match start.as_ref().map(|s| &s.val) {
            Some(Val::Int(c)) => *c,
            _ => 0,
        };
        let hi = match end.as_ref().map(|e| &e.val) {
            Some(Val::Int(c)) => Bound::Const(*c),
            Some(Val::Param(p)) => Bound::Param(*p, 0),
            Some(Val::Step(p, Amount::Const(c), false)) => Bound::Param(*p, *c),
            Some(Val::Len(p)) => Bound::Len(*p, 0),
            Some(Val::LenMinus(p, Amount::Const(c))) => Bound::Len(*p, *c),
            _ => Bound::Unknown,
        };
        let mut value = Eval::new(Val::Range(IndexRange {
            lo,
            hi,
            inclusive: matches!(range.limits, syn::RangeLimits::Closed(_)),
            add: 0,
        }));
        for part in start.iter().chain(end.iter()) {
            value.params |= part.params;
            value.varying |= part.varying;
        }
        value
    }
}
