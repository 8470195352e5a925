//! Function bodies: nested items, local variables, call sites and uses of
//! statics, resolved from the summaries `summary.rs` made of each body when
//! its file was parsed.
//!
//! Calls are resolved with the function's [`Scope`], after local variables
//! (which shadow every other name). Method calls are resolved when the
//! receiver's type can be read off the source: `self`, a parameter or `let`
//! with a type annotation, a struct literal, or a constructor call such as
//! `File::open(p)?` (an associated function named like a constructor is
//! taken to return its own type). Anything else is [`Target::Unknown`].
//! Macro arguments that parse as expressions (`println!("{}", f(x))`) are
//! visited like ordinary code. Test functions, whose bodies `summary.rs`
//! left for later, are summarised here once a resolved call or value
//! names them, and the functions they name in turn.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use syn::punctuated::Punctuated;

use super::modules::{push_fn, push_static, FnParts};
use super::scope::Scope;
use super::summary::{BodySummary, Event, LocalType, Located, NestedItem, TypeOf, WrittenPath};
use super::{FnId, FnOwner, Index, StaticId, Target};
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

/// Resolves every function body of the index from its summary, appending
/// the functions declared inside bodies (which get their turn in the same
/// loop).
pub(super) fn collect_bodies(index: &mut Index<'_>) {
    let mut next = 0;
    while next < index.fns.len() {
        let id = FnId(next as u32);
        next += 1;
        let Some(body) = index.function(id).body else {
            continue;
        };
        crate::guard::enter_file(index.files[index.function(id).file].source.id);
        push_nested_items(index, id, body);
        resolve_body(index, id, body);
    }
    summarize_deferred(index);
}

/// Summarises, from a re-parse of their files, the deferred test functions
/// (`summary::deferrable`) that a function refers to, and then those they
/// refer to, so that every function anything reaches has its calls.
fn summarize_deferred(index: &mut Index<'_>) {
    let mut queue: Vec<FnId> = (0..index.fns.len())
        .flat_map(|f| referred_deferred(index, FnId(f as u32)))
        .collect();
    let mut summarized = HashSet::default();
    while let Some(id) = queue.pop() {
        if !summarized.insert(id) {
            continue;
        }
        let function = index.function(id);
        crate::guard::enter_file(index.files[function.file].source.id);
        let spans = index.file_of(function).spans();
        let Some(body) = index.with_block(function, |block| {
            // A deferred body's signature is whole (`summary::signature_may_go`
            // looks at no deferred body).
            super::summary::summarize(function.sig, block, spans)
        }) else {
            continue;
        };
        for nested in &body.nested {
            match nested {
                NestedItem::Use(imports) => add_local_imports(index, id, imports),
                // A deferred body has no word `fn` or `static`.
                NestedItem::Fn(_) | NestedItem::Statics { .. } => {
                    debug_assert!(false, "a deferred body declares a function or static")
                }
            }
        }
        resolve_body(index, id, &body);
        queue.extend(referred_deferred(index, id));
    }
}

/// The deferred functions `function` calls or names.
fn referred_deferred(index: &Index<'_>, function: FnId) -> Vec<FnId> {
    let function = index.function(function);
    let called = function.calls.iter().filter_map(|call| match call.target {
        Target::Fn(callee) => Some(callee),
        _ => None,
    });
    let named = function.fn_refs.iter().map(|reference| reference.target);
    called
        .chain(named)
        .filter(|&f| index.function(f).body.is_some_and(|body| body.deferred))
        .collect()
}

/// Resolves `body`'s events into `id`'s calls, static uses and functions
/// named as values.
fn resolve_body(index: &mut Index<'_>, id: FnId, body: &BodySummary) {
    let (calls, static_uses, fn_refs) = {
        let index_ref: &Index<'_> = index;
        let scope = Scope::of_fn(index_ref, id);
        let mut resolver = Resolver {
            index: index_ref,
            scope,
            locals: resolve_locals(index_ref, &scope, body),
            // A call for each call event: the list is held for the whole
            // unit, so it is made to size rather than grown from four.
            calls: Vec::with_capacity(body.events.iter().filter(|e| e.is_call()).count()),
            static_uses: Vec::new(),
            fn_refs: Vec::new(),
        };
        for located in &body.events {
            resolver.resolve(located);
        }
        (resolver.calls, resolver.static_uses, resolver.fn_refs)
    };
    let function = &mut index.fns[id.0 as usize];
    function.calls = calls;
    function.static_uses = static_uses;
    function.fn_refs = fn_refs;
}

/// Declares the items of a body: nested functions, `use`s and statics.
fn push_nested_items<'a>(index: &mut Index<'a>, parent: FnId, body: &'a BodySummary) {
    let module = index.function(parent).module;
    let prefix: Vec<String> = vec![index.function(parent).qualified_name.clone()];
    for nested in &body.nested {
        match nested {
            NestedItem::Fn(nested_fn) => {
                let item_fn = &nested_fn.item;
                let parts = FnParts {
                    attrs: &item_fn.attrs,
                    vis: Some(&item_fn.vis),
                    sig: &item_fn.sig,
                    body: Some((&item_fn.block, &nested_fn.body)),
                    item_span: nested_fn.span,
                    name_span: index.files[index.module(module).file]
                        .span(item_fn.sig.ident.span()),
                };
                let id = push_fn(index, module, FnOwner::Nested { parent }, &prefix, parts);
                index.fns[parent.0 as usize]
                    .local_items_mut()
                    .fns
                    .insert(item_fn.sig.ident.to_string(), id);
            }
            NestedItem::Use(imports) => add_local_imports(index, parent, imports),
            NestedItem::Statics { span, statics } => {
                for (name, kind, ty) in statics {
                    let id = push_static(
                        index,
                        module,
                        Some(parent),
                        name.clone(),
                        *kind,
                        ty.clone(),
                        *span,
                    );
                    index.fns[parent.0 as usize]
                        .local_items_mut()
                        .statics
                        .insert(name.clone(), id);
                }
            }
        }
    }
}

/// Declares the names a `use` in `function`'s body imports.
fn add_local_imports(
    index: &mut Index<'_>,
    function: FnId,
    imports: &[(String, Vec<String>, bool)],
) {
    for (name, path, glob) in imports {
        let full = Scope::of_fn(index, function).absolutize_use(path);
        if !glob && name != "_" {
            index.fns[function.0 as usize]
                .local_items_mut()
                .imports
                .insert(name.clone(), full);
        }
    }
}

/// Every name bound in the body or the parameters, with its type when the
/// source says it. Flow-insensitive: a name bound twice with different types
/// has no known type.
fn resolve_locals(
    index: &Index<'_>,
    scope: &Scope<'_, '_>,
    body: &BodySummary,
) -> HashMap<String, Option<Vec<String>>> {
    let mut names: HashMap<String, Option<Vec<String>>> = HashMap::default();
    for (name, local) in &body.locals {
        let ty = match local {
            LocalType::Unknown => None,
            LocalType::SelfType => scope.self_type(),
            LocalType::Annotated(path) => path.as_ref().and_then(|p| scope.resolve_type_path(p)),
            LocalType::Inferred(of) => infer_type(index, scope, &names, of),
        };
        match names.get(name) {
            Some(existing) if *existing != ty => {
                names.insert(name.clone(), None);
            }
            Some(_) => {}
            None => {
                names.insert(name.clone(), ty);
            }
        }
    }
    names
}

/// The full type path of an expression, when the source says it.
fn infer_type(
    index: &Index<'_>,
    scope: &Scope<'_, '_>,
    locals: &HashMap<String, Option<Vec<String>>>,
    of: &TypeOf,
) -> Option<Vec<String>> {
    match of {
        TypeOf::SelfValue => scope.self_type(),
        TypeOf::Local(name) => locals.get(name).cloned().flatten(),
        TypeOf::Struct(segments) => scope.absolute(segments),
        TypeOf::Call(path) => {
            if path.segments.len() == 1 && locals.contains_key(&path.segments[0]) {
                return None;
            }
            if let Target::Fn(f) = scope.resolve_written(path) {
                let callee = index.function(f);
                if let Some(ty) = callee.return_type() {
                    if let Some(resolved) = Scope::of_fn(index, f).resolve_type_path(&ty) {
                        if resolved.last().is_some_and(|l| l == "Self") {
                            return Scope::of_fn(index, f).self_type();
                        }
                        return Some(resolved);
                    }
                }
                return None;
            }
            let full = if path.global {
                path.segments.clone()
            } else {
                scope.absolute(&path.segments)?
            };
            let (last, ty) = full.split_last()?;
            let is_type = ty
                .last()
                .is_some_and(|t| t.starts_with(|c: char| c.is_uppercase()));
            (is_type && CONSTRUCTORS.contains(&last.as_str())).then(|| ty.to_vec())
        }
        TypeOf::Unknown => None,
    }
}

/// Resolves a body's events, in order, into its calls, static uses and
/// functions named as values.
struct Resolver<'i, 'a> {
    index: &'i Index<'a>,
    scope: Scope<'i, 'a>,
    locals: HashMap<String, Option<Vec<String>>>,
    calls: Vec<CallSite>,
    static_uses: Vec<StaticUse>,
    fn_refs: Vec<FnRef>,
}

impl Resolver<'_, '_> {
    fn is_local(&self, path: &WrittenPath) -> bool {
        path.single()
            .is_some_and(|name| self.locals.contains_key(name))
    }

    /// What a path that is not a local names, if it is not a local.
    fn target(&self, path: &WrittenPath) -> Option<Target> {
        (!self.is_local(path)).then(|| self.scope.resolve_written(path))
    }

    fn method_target(&self, receiver: &TypeOf, name: &str) -> Target {
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

    /// A path used as a value (or as a method's receiver, with the method).
    fn path_use(&mut self, path: &WrittenPath, span: Span, method: Option<&str>, in_closure: bool) {
        match self.target(path) {
            Some(Target::Static(id)) => self.static_uses.push(StaticUse {
                span,
                target: id,
                method: method.map(str::to_string),
                in_closure,
            }),
            Some(Target::Fn(id)) => self.fn_refs.push(FnRef { span, target: id }),
            _ => {}
        }
    }

    fn resolve(&mut self, located: &Located) {
        let in_closure = located.in_closure;
        match &located.event {
            Event::Call { span, path } => {
                let target = match self.target(path) {
                    None | Some(Target::Static(_)) => Target::Unknown,
                    Some(other) => other,
                };
                self.calls.push(CallSite {
                    span: *span,
                    kind: CallKind::Function,
                    target,
                    in_closure,
                });
            }
            Event::MethodCall {
                span,
                name,
                receiver,
                receiver_path,
            } => {
                if let Some((path, receiver_span)) = receiver_path {
                    self.path_use(path, *receiver_span, Some(name), in_closure);
                }
                let target = self.method_target(receiver, name);
                self.calls.push(CallSite {
                    span: *span,
                    kind: CallKind::Method { name: name.clone() },
                    target,
                    in_closure,
                });
            }
            Event::Path { span, path } => self.path_use(path, *span, None, in_closure),
            Event::Macro { span, path } => {
                let target = self
                    .scope
                    .resolve_macro_written(path)
                    .map_or(Target::Unknown, Target::External);
                self.calls.push(CallSite {
                    span: *span,
                    kind: CallKind::Macro,
                    target,
                    in_closure,
                });
            }
        }
    }
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
