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

mod exits;
mod exprs;
mod loops;
mod patterns;

use std::collections::HashMap;

use syn::spanned::Spanned;

use super::values::{Eval, Val};
use crate::index::{macro_args, FnId, ParsedFile};
use crate::source::Span;
use exits::stmt_diverges;

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
    /// Macro arguments being walked, nested (the index stops at the same
    /// depth, and re-parsing deeper would be quadratic).
    macro_depth: usize,
    /// A parameter changed through a shared reference
    /// (`self.memo.borrow_mut()`, `counter.set(...)`): interior mutability.
    pub mutates: Option<usize>,
}

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
            mutates: None,
            macro_depth: 0,
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
        if let Some(args) = macro_args(mac, self.macro_depth) {
            self.macro_depth += 1;
            for arg in &args {
                self.expr(arg);
            }
            self.macro_depth -= 1;
        }
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
}

/// Parentheses, groups and references around an expression.
pub(super) fn strip(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        syn::Expr::Reference(r) => strip(&r.expr),
        other => other,
    }
}
