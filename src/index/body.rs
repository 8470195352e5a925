//! Function bodies: nested items, local variables, call sites and uses of
//! statics.
//!
//! Calls are resolved with the function's [`Scope`], after local variables
//! (which shadow every other name). Method calls are resolved when the
//! receiver's type can be read off the source: `self`, a parameter or `let`
//! with a type annotation, a struct literal, or a constructor call such as
//! `File::open(p)?` (an associated function named like a constructor is
//! taken to return its own type). Anything else is [`Target::Unknown`].
//! Macro arguments that parse as expressions (`println!("{}", f(x))`) are
//! visited like ordinary code.

use std::collections::HashMap;

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::modules::{push_fn, push_static, statics_in_macro};
use super::scope::{segments, Scope};
use super::{tokens_text, FnId, FnOwner, Index, ParsedFile, StaticId, StaticKind, Target};
use crate::source::Span;

/// Associated functions taken to return their own type (`File::open(p)?`).
const CONSTRUCTORS: &[&str] = &[
    "new",
    "open",
    "create",
    "connect",
    "connect_lazy",
    "bind",
    "default",
    "from",
    "with_capacity",
];

/// A call in a function body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    /// The whole call expression.
    pub span: Span,
    pub kind: CallKind,
    pub target: Target,
    /// Inside a closure in the body.
    pub in_closure: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `f(x)`, `Type::f(x)`, `module::f(x)`.
    Function,
    /// `receiver.name(x)`.
    Method { name: String },
    /// `name!(...)`.
    Macro,
}

/// A crate function named as a value, not called (`get_or_init(load)`,
/// `.map(parse)`): whoever receives it probably calls it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnRef {
    pub span: Span,
    pub target: FnId,
}

/// A use of a static (or thread-local, or lazy static) in a function body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticUse {
    pub span: Span,
    pub target: StaticId,
    /// The method called directly on it (`CACHE.with`, `COUNTER.load`).
    pub method: Option<String>,
    pub in_closure: bool,
}

pub(super) fn collect_bodies(index: &mut Index<'_>) {
    // Nested functions are appended while this runs; they get their turn.
    let mut next = 0;
    while next < index.fns.len() {
        let id = FnId(next as u32);
        next += 1;
        let Some(block) = index.function(id).block else {
            continue;
        };
        crate::guard::enter_file(index.files[index.function(id).file].source.id);
        collect_nested_items(index, id, block);
        let (calls, static_uses, fn_refs) = {
            let index_ref: &Index<'_> = index;
            let function = index_ref.function(id);
            let scope = Scope::of_fn(index_ref, id);
            let file = &index_ref.files[function.file];
            let locals = collect_locals(&scope, index_ref, function.sig, block);
            let mut visitor = BodyVisitor {
                index: index_ref,
                scope,
                file,
                locals,
                calls: Vec::new(),
                static_uses: Vec::new(),
                fn_refs: Vec::new(),
                closure_depth: 0,
                macro_depth: 0,
            };
            visitor.visit_block(block);
            (visitor.calls, visitor.static_uses, visitor.fn_refs)
        };
        let function = &mut index.fns[id.0 as usize];
        function.calls = calls;
        function.static_uses = static_uses;
        function.fn_refs = fn_refs;
    }
}

/// Items declared in a body: nested functions, `use`s and statics.
fn collect_nested_items<'a>(index: &mut Index<'a>, parent: FnId, block: &'a syn::Block) {
    struct Items<'a> {
        items: Vec<&'a syn::Item>,
        /// `thread_local! { .. }` and `lazy_static! { .. }` in statement
        /// position: syn keeps them as statements, not items.
        macros: Vec<&'a syn::StmtMacro>,
    }
    impl<'a> Visit<'a> for Items<'a> {
        fn visit_item(&mut self, item: &'a syn::Item) {
            // Items of nested functions belong to those functions.
            self.items.push(item);
        }
        fn visit_stmt_macro(&mut self, mac: &'a syn::StmtMacro) {
            self.macros.push(mac);
        }
    }
    let mut found = Items {
        items: Vec::new(),
        macros: Vec::new(),
    };
    found.visit_block(block);

    let module = index.function(parent).module;
    for stmt_macro in found.macros {
        let file = index.function(parent).file;
        let span = index.files[file]
            .span(syn::spanned::Spanned::span(&stmt_macro.mac.path))
            .to(index.files[file].span(stmt_macro.mac.delimiter.span().close()));
        for (name, kind, ty) in statics_in_macro(&stmt_macro.mac) {
            let id = push_static(index, module, Some(parent), name.clone(), kind, ty, span);
            index.fns[parent.0 as usize].local_statics.insert(name, id);
        }
    }

    let prefix: Vec<String> = vec![index.function(parent).qualified_name.clone()];
    for item in found.items {
        let span = index.files[index.function(parent).file].span(super::spans::item(item));
        match item {
            syn::Item::Fn(item_fn) => {
                let id = push_fn(
                    index,
                    module,
                    FnOwner::Nested { parent },
                    &prefix,
                    &item_fn.attrs,
                    Some(&item_fn.vis),
                    &item_fn.sig,
                    Some(&item_fn.block),
                    span,
                );
                index.fns[parent.0 as usize]
                    .local_fns
                    .insert(item_fn.sig.ident.to_string(), id);
            }
            syn::Item::Use(item_use) => {
                let mut imports = Vec::new();
                super::scope::flatten_use_tree(&item_use.tree, &mut Vec::new(), &mut imports);
                for (name, path, glob) in imports {
                    let full = Scope::of_fn(index, parent).absolutize_use(&path);
                    if !glob && name != "_" {
                        index.fns[parent.0 as usize]
                            .local_imports
                            .insert(name, full);
                    }
                }
            }
            syn::Item::Static(s) => {
                let kind = if matches!(s.mutability, syn::StaticMutability::Mut(_)) {
                    StaticKind::StaticMut
                } else {
                    StaticKind::Static
                };
                let id = push_static(
                    index,
                    module,
                    Some(parent),
                    s.ident.to_string(),
                    kind,
                    tokens_text(&s.ty),
                    span,
                );
                index.fns[parent.0 as usize]
                    .local_statics
                    .insert(s.ident.to_string(), id);
            }
            syn::Item::Macro(item_macro) => {
                for (name, kind, ty) in statics_in_macro(&item_macro.mac) {
                    let id = push_static(index, module, Some(parent), name.clone(), kind, ty, span);
                    index.fns[parent.0 as usize].local_statics.insert(name, id);
                }
            }
            _ => {}
        }
    }
}

/// Every name bound in the body or the parameters, with its type when the
/// source says it. Flow-insensitive: a name bound twice with different types
/// has no known type.
fn collect_locals(
    scope: &Scope<'_, '_>,
    index: &Index<'_>,
    sig: &syn::Signature,
    block: &syn::Block,
) -> HashMap<String, Option<Vec<String>>> {
    let mut locals = Locals {
        scope: *scope,
        index,
        names: HashMap::new(),
    };
    if sig.receiver().is_some() {
        let self_ty = scope.self_type();
        locals.names.insert("self".to_string(), self_ty);
    }
    for input in &sig.inputs {
        if let syn::FnArg::Typed(pat_type) = input {
            if let syn::Pat::Ident(ident) = &*pat_type.pat {
                let ty = scope.resolve_type(&pat_type.ty);
                locals.bind(ident.ident.to_string(), ty);
            } else {
                locals.visit_pat(&pat_type.pat);
            }
        }
    }
    locals.visit_block(block);
    locals.names
}

struct Locals<'i, 'a> {
    scope: Scope<'i, 'a>,
    index: &'i Index<'a>,
    names: HashMap<String, Option<Vec<String>>>,
}

impl Locals<'_, '_> {
    fn bind(&mut self, name: String, ty: Option<Vec<String>>) {
        match self.names.get(&name) {
            Some(existing) if *existing != ty => {
                self.names.insert(name, None);
            }
            Some(_) => {}
            None => {
                self.names.insert(name, ty);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Locals<'_, '_> {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let annotated = match &local.pat {
            syn::Pat::Type(pat_type) => match &*pat_type.pat {
                syn::Pat::Ident(ident) => Some((
                    ident.ident.to_string(),
                    self.scope.resolve_type(&pat_type.ty),
                )),
                _ => None,
            },
            _ => None,
        };
        match annotated {
            Some((name, ty)) => self.bind(name, ty),
            None => {
                if let syn::Pat::Ident(ident) = &local.pat {
                    let ty = local.init.as_ref().and_then(|init| {
                        infer_type(self.index, &self.scope, &self.names, &init.expr)
                    });
                    self.bind(ident.ident.to_string(), ty);
                } else {
                    self.visit_pat(&local.pat);
                }
            }
        }
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
    }

    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        let name = pat.ident.to_string();
        // `None`, `Foo::Bar` imported variants: not bindings.
        if !name.starts_with(|c: char| c.is_uppercase()) {
            self.bind(name, None);
        }
        visit::visit_pat_ident(self, pat);
    }
}

/// The full type path of an expression, when the source says it.
fn infer_type(
    index: &Index<'_>,
    scope: &Scope<'_, '_>,
    locals: &HashMap<String, Option<Vec<String>>>,
    expr: &syn::Expr,
) -> Option<Vec<String>> {
    match expr {
        syn::Expr::Path(p) if p.qself.is_none() => {
            let segs = segments(&p.path);
            match segs.as_slice() {
                [name] if name == "self" => scope.self_type(),
                [name] => locals.get(name).cloned().flatten(),
                _ => None,
            }
        }
        syn::Expr::Reference(r) => infer_type(index, scope, locals, &r.expr),
        syn::Expr::Paren(p) => infer_type(index, scope, locals, &p.expr),
        syn::Expr::Group(g) => infer_type(index, scope, locals, &g.expr),
        syn::Expr::Try(t) => infer_type(index, scope, locals, &t.expr),
        syn::Expr::Await(a) => infer_type(index, scope, locals, &a.base),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Deref(_),
            expr,
            ..
        }) => infer_type(index, scope, locals, expr),
        syn::Expr::Struct(s) if s.qself.is_none() => scope.absolute(&segments(&s.path)),
        syn::Expr::Call(call) => {
            let syn::Expr::Path(p) = &*call.func else {
                return None;
            };
            if p.qself.is_some() {
                return None;
            }
            let segs = segments(&p.path);
            if segs.len() == 1 && locals.contains_key(&segs[0]) {
                return None;
            }
            if let Target::Fn(f) = scope.resolve_path(&p.path) {
                let callee = index.function(f);
                if let syn::ReturnType::Type(_, ty) = &callee.sig.output {
                    if let Some(resolved) = Scope::of_fn(index, f).resolve_type(ty) {
                        if resolved.last().is_some_and(|l| l == "Self") {
                            return Scope::of_fn(index, f).self_type();
                        }
                        return Some(resolved);
                    }
                }
                return None;
            }
            let full = if p.path.leading_colon.is_some() {
                segs
            } else {
                scope.absolute(&segs)?
            };
            let (last, ty) = full.split_last()?;
            let is_type = ty
                .last()
                .is_some_and(|t| t.starts_with(|c: char| c.is_uppercase()));
            (is_type && CONSTRUCTORS.contains(&last.as_str())).then(|| ty.to_vec())
        }
        _ => None,
    }
}

struct BodyVisitor<'i, 'a> {
    index: &'i Index<'a>,
    scope: Scope<'i, 'a>,
    file: &'a ParsedFile,
    locals: HashMap<String, Option<Vec<String>>>,
    calls: Vec<CallSite>,
    static_uses: Vec<StaticUse>,
    fn_refs: Vec<FnRef>,
    closure_depth: usize,
    /// Macro calls around the arguments being visited.
    macro_depth: usize,
}

/// How many macro calls deep arguments are parsed and visited. Each level
/// parses its arguments' tokens again, so unbounded nesting of macros in
/// macros would cost the square of the nesting; real code nests two or
/// three (`assert_eq!(x, vec![format!(..)])`).
const MAX_MACRO_DEPTH: usize = 8;

/// The arguments of a macro called `depth` macros deep, when they parse as
/// comma-separated expressions (`println!("{}", f(x))`, `vec![a, b]`);
/// `None` for other macro syntax and beyond [`MAX_MACRO_DEPTH`]. The index
/// and the recursion walker both take arguments from here, so both see the
/// same calls.
pub fn macro_args(mac: &syn::Macro, depth: usize) -> Option<Punctuated<syn::Expr, syn::Token![,]>> {
    if depth >= MAX_MACRO_DEPTH {
        return None;
    }
    let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    syn::parse::Parser::parse2(parser, mac.tokens.clone()).ok()
}

impl BodyVisitor<'_, '_> {
    fn span(&self, node: &impl Spanned) -> Span {
        self.file.span(node.span())
    }

    fn is_local(&self, path: &syn::Path) -> bool {
        path.leading_colon.is_none()
            && path.segments.len() == 1
            && self
                .locals
                .contains_key(&path.segments[0].ident.to_string())
    }

    /// The static a path expression names, if any.
    fn static_of(&self, expr: &syn::Expr) -> Option<StaticId> {
        let syn::Expr::Path(p) = expr else {
            return None;
        };
        if p.qself.is_some() || self.is_local(&p.path) {
            return None;
        }
        match self.scope.resolve_path(&p.path) {
            Target::Static(id) => Some(id),
            _ => None,
        }
    }

    fn method_target(&self, receiver: &syn::Expr, name: &str) -> Target {
        let Some(ty) = infer_type(self.index, &self.scope, &self.locals, receiver) else {
            return Target::Unknown;
        };
        let is_local_type = self
            .index
            .crates
            .iter()
            .any(|c| Some(&c.name) == ty.first());
        if is_local_type {
            return match self.index.methods_of(&ty, name) {
                [only] => Target::Fn(*only),
                _ => Target::Unknown,
            };
        }
        Target::External(format!("{}::{}", ty.join("::"), name))
    }

    fn visit_macro_args(&mut self, mac: &syn::Macro) {
        if let Some(args) = macro_args(mac, self.macro_depth) {
            self.macro_depth += 1;
            for arg in &args {
                self.visit_expr(arg);
            }
            self.macro_depth -= 1;
        }
    }
}

impl<'ast> Visit<'ast> for BodyVisitor<'_, '_> {
    fn visit_item(&mut self, _: &'ast syn::Item) {
        // Nested items are functions (or statics) of their own.
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if p.qself.is_none() {
                let target = if self.is_local(&p.path) {
                    Target::Unknown
                } else {
                    match self.scope.resolve_path(&p.path) {
                        Target::Static(_) => Target::Unknown,
                        other => other,
                    }
                };
                self.calls.push(CallSite {
                    span: self.file.span(super::spans::call(call)),
                    kind: CallKind::Function,
                    target,
                    in_closure: self.closure_depth > 0,
                });
                for arg in &call.args {
                    self.visit_expr(arg);
                }
                return;
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        if let Some(id) = self.static_of(&call.receiver) {
            self.static_uses.push(StaticUse {
                span: self.span(&call.receiver),
                target: id,
                method: Some(name.clone()),
                in_closure: self.closure_depth > 0,
            });
        } else {
            self.visit_expr(&call.receiver);
        }
        let target = self.method_target(&call.receiver, &name);
        self.calls.push(CallSite {
            span: self.file.span(super::spans::method_call(call)),
            kind: CallKind::Method { name },
            target,
            in_closure: self.closure_depth > 0,
        });
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        if expr.qself.is_some() || self.is_local(&expr.path) {
            return;
        }
        match self.scope.resolve_path(&expr.path) {
            Target::Static(id) => self.static_uses.push(StaticUse {
                span: self.span(expr),
                target: id,
                method: None,
                in_closure: self.closure_depth > 0,
            }),
            Target::Fn(id) => self.fn_refs.push(FnRef {
                span: self.span(expr),
                target: id,
            }),
            _ => {}
        }
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.closure_depth += 1;
        visit::visit_expr_closure(self, closure);
        self.closure_depth -= 1;
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let target = self
            .scope
            .resolve_macro(&mac.path)
            .map_or(Target::Unknown, Target::External);
        self.calls.push(CallSite {
            span: self.file.span(super::spans::mac(mac)),
            kind: CallKind::Macro,
            target,
            in_closure: self.closure_depth > 0,
        });
        self.visit_macro_args(mac);
    }
}
