//! Walks the body of a recursive function once and records every call to a
//! function of its cycle, with
//!
//! - each argument's value relative to the caller's parameters
//!   (`values.rs`), following immutable `let`s, pattern bindings
//!   (`match (m, n) { (m, 0) => ... }`, `if let Some(l) = &node.left`,
//!   `let Some((x, rest)) = v.split_first()`) and loop variables (`for i in
//!   1..=3`, `for (i, &c) in coins.iter().enumerate()`, iterator closures
//!   such as `coins.iter().map(|&c| ...)`);
//! - where it runs: the `if`/`match` arms around it, the loops around it, and
//!   the first point after it at which the function surely returns (an
//!   early `return` makes the calls after it exclusive with the call before).
//!
//! Calls are matched with the index's call sites by span, so resolution
//! (paths, `Self::f`, `self.f()`, nested functions) is the index's.

use std::collections::HashMap;

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use super::values::{divide, minus, plus, slice, Bound, Eval, IndexRange, Val};
use super::{Amount, SliceEnd};
use crate::index::{tokens_text, FnId, ParsedFile};
use crate::source::Span;

/// Where a call runs, for telling which calls run in the same invocation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallContext {
    /// The branch points around the call: (branch point, arm taken).
    pub(super) arms: Vec<(u32, u32)>,
    /// The loops (and iterator closures) around the call, outermost first.
    pub(super) loops: Vec<u32>,
    /// A byte offset past which the function has surely returned once this
    /// call ran (an early `return` after it), if any.
    pub(super) exit: Option<usize>,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A call to a function of the cycle, as the walker saw it.
pub(super) struct RawCall {
    pub span: Span,
    pub callee: FnId,
    /// Arguments, the receiver first for method-call syntax.
    pub args: Vec<Eval>,
    pub arg_spans: Vec<Span>,
    pub context: CallContext,
}

enum Frame {
    /// The function surely returns by this offset.
    Exit(usize),
    NoExit,
    /// A closure body: a `return` in it leaves only the closure.
    Barrier,
}

pub(super) struct Walker<'w> {
    file: &'w ParsedFile,
    /// Call spans (start, end) of calls to functions of the cycle.
    targets: &'w HashMap<(usize, usize), FnId>,
    /// Whether each callee takes `self`.
    takes_self: &'w dyn Fn(FnId) -> bool,
    scopes: Vec<HashMap<String, Eval>>,
    arms: Vec<(u32, u32)>,
    loops: Vec<u32>,
    frames: Vec<Frame>,
    next_id: u32,
    /// Set while re-evaluating an expression to classify it: records nothing.
    quiet: bool,
    pub calls: Vec<RawCall>,
}

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
const PER_ITEM: &[&str] = &[
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
/// Macros that never return.
const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

impl<'w> Walker<'w> {
    pub fn new(
        file: &'w ParsedFile,
        targets: &'w HashMap<(usize, usize), FnId>,
        takes_self: &'w dyn Fn(FnId) -> bool,
        sig: &syn::Signature,
    ) -> Walker<'w> {
        let mut walker = Walker {
            file,
            targets,
            takes_self,
            scopes: vec![HashMap::new()],
            arms: Vec::new(),
            loops: Vec::new(),
            frames: Vec::new(),
            next_id: 0,
            quiet: false,
            calls: Vec::new(),
        };
        for (position, input) in sig.inputs.iter().enumerate() {
            let param = Eval::new(Val::Param(position));
            match input {
                syn::FnArg::Receiver(_) => walker.define("self".to_string(), param),
                syn::FnArg::Typed(pat_type) => walker.bind(&pat_type.pat, &param),
            }
        }
        walker
    }

    pub fn walk(&mut self, block: &syn::Block) {
        self.block(block);
    }

    fn span(&self, node: &impl Spanned) -> Span {
        self.file.span(node.span())
    }

    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn define(&mut self, name: String, value: Eval) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name, value);
        }
    }

    fn lookup(&self, name: &str) -> Option<&Eval> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    fn exit_now(&self) -> Option<usize> {
        let mut exit: Option<usize> = None;
        for frame in self.frames.iter().rev() {
            match frame {
                Frame::Exit(at) => exit = Some(exit.map_or(*at, |e| e.min(*at))),
                Frame::NoExit => {}
                Frame::Barrier => break,
            }
        }
        exit
    }

    fn record(&mut self, span: Span, callee: FnId, args: Vec<Eval>, arg_spans: Vec<Span>) {
        if self.quiet {
            return;
        }
        let context = CallContext {
            arms: self.arms.clone(),
            loops: self.loops.clone(),
            exit: self.exit_now(),
            start: span.start,
            end: span.end,
        };
        self.calls.push(RawCall {
            span,
            callee,
            args,
            arg_spans,
            context,
        });
    }

    fn callee_at(&self, span: Span) -> Option<FnId> {
        self.targets.get(&(span.start, span.end)).copied()
    }

    // ---------------------------------------------------------------
    // Statements and blocks
    // ---------------------------------------------------------------

    fn block(&mut self, block: &syn::Block) -> Eval {
        self.scopes.push(HashMap::new());
        // The first statement at or after each one that surely returns.
        let mut exits: Vec<Option<usize>> = vec![None; block.stmts.len()];
        let mut next: Option<usize> = None;
        for (i, stmt) in block.stmts.iter().enumerate().rev() {
            if stmt_diverges(stmt) {
                next = Some(self.span(stmt).end);
            }
            exits[i] = next;
        }
        let mut value = Eval::other(0, false);
        for (i, stmt) in block.stmts.iter().enumerate() {
            self.frames.push(match exits[i] {
                Some(at) => Frame::Exit(at),
                None => Frame::NoExit,
            });
            let v = self.stmt(stmt);
            self.frames.pop();
            if i + 1 == block.stmts.len() {
                if let syn::Stmt::Expr(_, None) = stmt {
                    value = v;
                }
            }
        }
        self.scopes.pop();
        value
    }

    fn stmt(&mut self, stmt: &syn::Stmt) -> Eval {
        match stmt {
            syn::Stmt::Local(local) => {
                let value = match &local.init {
                    Some(init) => {
                        let value = self.expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.expr(diverge);
                        }
                        value
                    }
                    None => Eval::other(0, true),
                };
                self.bind(&local.pat, &value);
                Eval::other(0, false)
            }
            syn::Stmt::Item(_) => Eval::other(0, false),
            syn::Stmt::Expr(expr, _) => self.expr(expr),
            syn::Stmt::Macro(mac) => {
                self.macro_args(&mac.mac);
                Eval::other(0, false)
            }
        }
    }

    fn macro_args(&mut self, mac: &syn::Macro) {
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            for arg in &args {
                self.expr(arg);
            }
        }
    }

    // ---------------------------------------------------------------
    // Patterns
    // ---------------------------------------------------------------

    fn bind(&mut self, pat: &syn::Pat, value: &Eval) {
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

    // ---------------------------------------------------------------
    // Expressions
    // ---------------------------------------------------------------

    fn expr(&mut self, expr: &syn::Expr) -> Eval {
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
        let per_item = PER_ITEM.contains(&name.as_str())
            && call.args.iter().any(|a| matches!(a, syn::Expr::Closure(_)));
        let item = if per_item {
            self.iter_item(&call.receiver, false)
        } else {
            None
        };
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            let value = match (arg, &item) {
                (syn::Expr::Closure(c), Some(item)) => {
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

    fn range(&mut self, range: &syn::ExprRange) -> Eval {
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

    /// The item an iterator expression yields, if it is one: a loop
    /// variable over a range, an element of a parameter, or something that
    /// varies. With `any_iterable`, whatever a `for` loop accepts; without,
    /// only what is surely an iterator (a closure passed to `map` runs once
    /// per item only on an iterator, not on an `Option`).
    fn iter_item(&mut self, expr: &syn::Expr, any_iterable: bool) -> Option<Eval> {
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
                    if let (Val::Index(r), "skip", Some(arg)) = (&item.val, name, call.args.first())
                    {
                        if let syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Int(k),
                            ..
                        }) = arg
                        {
                            if let Ok(k) = k.base10_parse::<u64>() {
                                let mut r = r.clone();
                                r.lo += k;
                                return Some(Eval::new(Val::Index(r)));
                            }
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

    fn closure(&mut self, closure: &syn::ExprClosure, item: Option<(usize, Eval)>) -> Eval {
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

    fn if_expr(&mut self, expr: &syn::ExprIf) -> Eval {
        let id = self.id();
        // Bindings of `if let` are visible in the `then` branch only.
        self.scopes.push(HashMap::new());
        self.expr(&expr.cond);
        self.arms.push((id, 0));
        self.block(&expr.then_branch);
        self.arms.pop();
        self.scopes.pop();
        if let Some((_, else_branch)) = &expr.else_branch {
            self.arms.push((id, 1));
            self.expr(else_branch);
            self.arms.pop();
        }
        Eval::other(0, false)
    }

    fn match_expr(&mut self, expr: &syn::ExprMatch) -> Eval {
        let scrutinee = self.expr(&expr.expr);
        let id = self.id();
        for (k, arm) in expr.arms.iter().enumerate() {
            self.scopes.push(HashMap::new());
            self.bind(&arm.pat, &scrutinee);
            if let Some((_, guard)) = &arm.guard {
                self.expr(guard);
            }
            self.arms.push((id, k as u32));
            self.expr(&arm.body);
            self.arms.pop();
            self.scopes.pop();
        }
        Eval::other(0, false)
    }

    fn for_loop(&mut self, expr: &syn::ExprForLoop) -> Eval {
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

/// Parentheses, groups and references around an expression.
fn strip(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        syn::Expr::Reference(r) => strip(&r.expr),
        other => other,
    }
}

/// Whether a statement surely leaves the function (`return`, `panic!`).
fn stmt_diverges(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Local(local) => local
            .init
            .as_ref()
            .is_some_and(|init| expr_diverges(&init.expr)),
        syn::Stmt::Expr(expr, _) => expr_diverges(expr),
        syn::Stmt::Macro(mac) => macro_diverges(&mac.mac),
        syn::Stmt::Item(_) => false,
    }
}

fn expr_diverges(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Return(_) => true,
        syn::Expr::Macro(m) => macro_diverges(&m.mac),
        syn::Expr::Paren(p) => expr_diverges(&p.expr),
        syn::Expr::Group(g) => expr_diverges(&g.expr),
        syn::Expr::Block(b) => b.block.stmts.iter().any(stmt_diverges),
        syn::Expr::Unsafe(u) => u.block.stmts.iter().any(stmt_diverges),
        syn::Expr::If(i) => match &i.else_branch {
            Some((_, else_branch)) => {
                i.then_branch.stmts.iter().any(stmt_diverges) && expr_diverges(else_branch)
            }
            None => false,
        },
        syn::Expr::Match(m) => !m.arms.is_empty() && m.arms.iter().all(|a| expr_diverges(&a.body)),
        _ => false,
    }
}

fn macro_diverges(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| DIVERGING_MACROS.contains(&s.ident.to_string().as_str()))
}
