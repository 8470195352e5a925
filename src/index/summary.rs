//! Function bodies summarised as soon as their file is parsed, so that the
//! statements can be dropped while they are still in cache.
//!
//! Holding every syn tree of a unit until the index is built cost about a
//! fifth of the parse time again (issue 7's measurements), and bodies are
//! most of those trees. The index needs only a few facts from a body: the
//! names it binds, its calls, paths and macros in visit order, and the
//! items declared in it. Names cannot be resolved yet (that needs every
//! file's modules), so a summary keeps paths as written and `body.rs`
//! resolves them once the index exists, in the same order and with the
//! same rules as a walk of the tree would.
//!
//! The recursion walk needs the statements of the functions on call-graph
//! cycles. Bodies that may be on one, judged by the names they call within
//! their file, keep their statements; any other body the walk asks for is
//! found in a re-parse of its file ([`super::Index::with_block`]).
//!
//! Test functions are summarised only if something refers to them
//! ([`deferrable`]): nothing calls them, so their calls (and the
//! `assert_eq!` arguments parsed to find them, a large part of the work)
//! cannot reach a finding until something does.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::modules::{static_item, statics_in_macro};
use super::scope::flatten_use_tree;
use super::{body::macro_args, spans, StaticKind};
use crate::graph::Components;
use crate::source::{SourceFile, Span};

/// Turns syn's positions into byte spans of one file (see
/// [`super::ParsedFile::span`]).
#[derive(Clone, Copy)]
pub(crate) struct FileSpans<'s> {
    pub source: &'s SourceFile,
    /// Bytes before what syn parsed (a BOM, a shebang line).
    pub offset: usize,
}

impl FileSpans<'_> {
    /// `span.byte_range()` the cheap way, for a file syn parsed whole:
    /// from its line and column (see [`SourceFile::offset_of`]).
    fn cheap_byte_range(&self, span: proc_macro2::Span) -> Option<std::ops::Range<usize>> {
        if self.offset != 0 {
            return None;
        }
        let byte = |at: proc_macro2::LineColumn| self.source.offset_of(at.line, at.column);
        Some(byte(span.start())?..byte(span.end())?)
    }

    pub fn span(&self, span: proc_macro2::Span) -> Span {
        let range = self
            .cheap_byte_range(span)
            .unwrap_or_else(|| span.byte_range());
        Span::new(
            self.source.id,
            range.start + self.offset..range.end + self.offset,
        )
    }
}

/// A path as written: `::a::b` is `global`; generics are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WrittenPath {
    pub global: bool,
    pub segments: Vec<String>,
}

impl WrittenPath {
    pub fn of(path: &syn::Path) -> WrittenPath {
        WrittenPath {
            global: path.leading_colon.is_some(),
            segments: super::scope::segments(path),
        }
    }

    /// The path of a type, looking through references and parentheses;
    /// `None` for types that are not paths (tuples, slices, `impl Trait`,
    /// ...).
    pub fn of_type(ty: &syn::Type) -> Option<WrittenPath> {
        match ty {
            syn::Type::Reference(r) => WrittenPath::of_type(&r.elem),
            syn::Type::Paren(p) => WrittenPath::of_type(&p.elem),
            syn::Type::Group(g) => WrittenPath::of_type(&g.elem),
            syn::Type::Path(type_path) if type_path.qself.is_none() => {
                Some(WrittenPath::of(&type_path.path))
            }
            _ => None,
        }
    }

    /// A single name, not `::name`.
    pub fn single(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [name] if !self.global => Some(name),
            _ => None,
        }
    }
}

/// What an expression's type can be read from, when the source says it
/// (resolved by `body::infer_type`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TypeOf {
    /// `self`.
    SelfValue,
    /// A local variable.
    Local(String),
    /// A struct literal of this path.
    Struct(Vec<String>),
    /// The value of a call to this path.
    Call(WrittenPath),
    Unknown,
}

impl TypeOf {
    fn of(expr: &syn::Expr) -> TypeOf {
        match expr {
            syn::Expr::Path(p) if p.qself.is_none() => match p.path.segments.len() {
                1 => {
                    let name = p.path.segments[0].ident.to_string();
                    if name == "self" {
                        TypeOf::SelfValue
                    } else {
                        TypeOf::Local(name)
                    }
                }
                _ => TypeOf::Unknown,
            },
            syn::Expr::Reference(r) => TypeOf::of(&r.expr),
            syn::Expr::Paren(p) => TypeOf::of(&p.expr),
            syn::Expr::Group(g) => TypeOf::of(&g.expr),
            syn::Expr::Try(t) => TypeOf::of(&t.expr),
            syn::Expr::Await(a) => TypeOf::of(&a.base),
            syn::Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => TypeOf::of(expr),
            syn::Expr::Struct(s) if s.qself.is_none() => {
                TypeOf::Struct(super::scope::segments(&s.path))
            }
            syn::Expr::Call(call) => match &*call.func {
                syn::Expr::Path(p) if p.qself.is_none() => TypeOf::Call(WrittenPath::of(&p.path)),
                _ => TypeOf::Unknown,
            },
            _ => TypeOf::Unknown,
        }
    }
}

/// The type a bound name gets, before resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LocalType {
    /// Nothing said (a pattern binding, a closure parameter).
    Unknown,
    /// `self`: the `Self` type.
    SelfType,
    /// A type annotation: its path, or `None` when it is not a path
    /// (looking through references and parentheses).
    Annotated(Option<WrittenPath>),
    /// `let x = expr;` without a type.
    Inferred(TypeOf),
}

/// A call, path or macro of a body, in the order a walk of the tree meets
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// `path(args)`.
    Call { span: Span, path: WrittenPath },
    /// `receiver.name(args)`. A receiver that is a path (a static, a
    /// function) comes with its span; a local does not, and any other
    /// receiver's events come before this one.
    MethodCall {
        span: Span,
        name: String,
        receiver: TypeOf,
        receiver_path: Option<(WrittenPath, Span)>,
    },
    /// A path expression that is not called and is not a local.
    Path { span: Span, path: WrittenPath },
    /// `path!(...)`; its arguments' events follow when they parse as
    /// expressions.
    Macro { span: Span, path: WrittenPath },
}

/// An [`Event`] and whether it is inside a closure of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub event: Event,
    pub in_closure: bool,
}

impl Located {
    /// Whether it is a call of a function, a method or a macro.
    pub fn is_call(&self) -> bool {
        !matches!(self.event, Event::Path { .. })
    }
}

/// An item declared inside a body.
pub(crate) enum NestedItem {
    /// A function, with its own body summarised.
    Fn(Box<NestedFn>),
    /// A `use`: `(name in scope, path, is_glob)` entries.
    Use(Vec<(String, Vec<String>, bool)>),
    /// Statics declared by a `static` item or a `thread_local!` /
    /// `lazy_static!` macro: `(name, kind, type text)`.
    Statics {
        span: Span,
        statics: Vec<(String, StaticKind, String)>,
    },
}

/// A function declared inside another's body.
pub(crate) struct NestedFn {
    /// The item; its statements are dropped unless `body.held`.
    pub item: syn::ItemFn,
    pub span: Span,
    pub body: BodySummary,
}

/// What the index needs from a function body.
pub(crate) struct BodySummary {
    /// The braces and everything between.
    pub span: Span,
    /// Where the tail expression starts, when the body ends in one, as
    /// syn's span: turned into an offset only for the few functions that
    /// ask (`Index::tail_start`), since a span costs two lookups in
    /// proc-macro2's source map.
    pub tail: Option<proc_macro2::Span>,
    /// Names bound by the parameters and the body, in binding order.
    pub locals: Vec<(String, LocalType)>,
    pub events: Vec<Located>,
    /// Items declared in the body: `thread_local!` / `lazy_static!`
    /// statements first, then items in source order.
    pub nested: Vec<NestedItem>,
    /// Whether the statements are still in the tree (`Index::with_block`
    /// re-parses the file for them otherwise).
    pub held: bool,
    /// A test function's body not summarised yet: its locals, events and
    /// items are empty until something refers to the function (see
    /// [`deferrable`]).
    pub deferred: bool,
    /// What the index reads of the function's signature, when the tree's
    /// signature was emptied ([`signature_may_go`]).
    pub emptied_sig: Option<SigShape>,
}

/// What is read of every function's signature, where the signature
/// itself is read only for the few functions the recursion analysis, a
/// rule or a fix looks into (`Index::signature` parses those again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SigShape {
    /// Parameters, `self` included.
    pub arity: usize,
    pub receiver: bool,
    pub returns_value: bool,
    /// The returned type's path (`body::infer_type` types calls by it).
    pub return_type: Option<WrittenPath>,
}

impl SigShape {
    pub fn of(sig: &syn::Signature) -> SigShape {
        SigShape {
            arity: sig.inputs.len(),
            receiver: sig.receiver().is_some(),
            returns_value: !matches!(sig.output, syn::ReturnType::Default),
            return_type: return_type_path(&sig.output),
        }
    }
}

/// The path of a signature's return type, when it is a path.
pub(crate) fn return_type_path(output: &syn::ReturnType) -> Option<WrittenPath> {
    match output {
        syn::ReturnType::Default => None,
        syn::ReturnType::Type(_, ty) => WrittenPath::of_type(ty),
    }
}

/// A parameter passed by `&mut` (not `self`), with its reference type.
pub(crate) fn mut_ref_param(input: &syn::FnArg) -> Option<(&syn::PatType, &syn::TypeReference)> {
    match input {
        syn::FnArg::Typed(pat_type) => match &*pat_type.ty {
            syn::Type::Reference(reference) if reference.mutability.is_some() => {
                Some((pat_type, reference))
            }
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    }
}

/// Whether the tree may keep only the name of a signature, once its body
/// is summarised and stripped: signatures are a fifth of what trees hold
/// after pruning, and only functions on call-graph cycles (whose bodies
/// are held, most of them), memoized functions and fixes read more than
/// its [`SigShape`]. So a signature stays whole when the function has an
/// attribute that may be a memoizer (anything but the built-in ones), or
/// a `&mut` parameter, which a hand-rolled cache may be
/// (`FnDef::mut_ref_params` reads those of every function).
fn signature_may_go(attrs: &[syn::Attribute], sig: &syn::Signature) -> bool {
    attrs.iter().all(is_inert_for_deferral)
        && !sig
            .inputs
            .iter()
            .any(|input| mut_ref_param(input).is_some())
}

/// Empties a signature but for its keywords and name, which spans and
/// names are read from (`spans::function`, `modules::push_fn`).
fn empty_signature(sig: &mut syn::Signature) {
    sig.generics = syn::Generics::default();
    sig.inputs = Punctuated::new();
    sig.variadic = None;
    sig.output = syn::ReturnType::Default;
}

/// Summaries of a file's function bodies outside other bodies, by the
/// byte offset of the body's opening brace.
pub(crate) type Bodies = HashMap<usize, BodySummary>;

/// Summarises every body of `file` that the index collects a function from
/// (free functions and methods, inline modules included), and drops the
/// statements of those that cannot be on a cycle of calls within the file
/// (by name, see [`on_name_cycles`]). The others are held for the
/// recursion walk, which would otherwise parse the file again.
pub(crate) fn summarize_and_strip(
    file: &mut syn::File,
    spans: FileSpans<'_>,
    summaries: super::Summaries,
) -> Bodies {
    let defer = summaries == super::Summaries::DeferTests;
    let mut declared: HashSet<String> = ["Self", "self", "super", "crate"]
        .map(String::from)
        .into_iter()
        .collect();
    declared_names(&file.items, &mut declared);
    let mut blocks = Vec::new();
    item_bodies(&mut file.items, &mut blocks);
    let mut summaries: Vec<BodySummary> = blocks
        .iter()
        .map(|body| {
            if defer && body.free && deferrable(body.attrs, body.sig, body.block, spans) {
                deferred(body.block, spans)
            } else {
                summarize(body.sig, body.block, spans)
            }
        })
        .collect();
    let keep = on_name_cycles(
        blocks.iter().map(|body| &*body.sig).zip(&summaries),
        &declared,
    );
    let mut bodies = Bodies::with_capacity_and_hasher(summaries.len(), Default::default());
    for (body, summary) in blocks.into_iter().zip(summaries.iter_mut()) {
        strip(body.block, summary, &keep);
        if !summary.held && !summary.deferred && signature_may_go(body.attrs, body.sig) {
            summary.emptied_sig = Some(SigShape::of(body.sig));
            empty_signature(body.sig);
        }
    }
    for summary in summaries {
        bodies.insert(summary.span.start, summary);
    }
    bodies
}

/// Whether `block` may go without a summary until something in the unit
/// refers to its function, which `body.rs` then summarises from a re-parse
/// of the file. Test functions are a large part of most crates' code (and
/// hold most `assert_eq!`s, whose arguments are parsed to be summarised),
/// yet nothing calls them, so their calls never reach a finding:
///
/// - effects travel from callees to callers, and the function has none
///   until it is referred to;
/// - a call-graph cycle through it needs a call to it, except its own
///   calls to itself, and ML201 looks at no function that returns nothing;
/// - it is not memoized: its attributes are the test attribute and
///   built-in ones, and a hand-rolled cache needs a returned value or a
///   `&mut` parameter (`memoized.rs`);
/// - it declares no function or static of its own (whose summaries and
///   statics the index would miss): its text has no word `fn` or
///   `static` (in strings and comments too, which only keeps more bodies
///   summarised). Its `use`s are read when it is summarised; until then
///   they could only change what its attributes resolve to, and a
///   memoizer imported under the name of a built-in attribute is an
///   ambiguity rustc rejects.
///
/// So findings are the same with or without deferral;
/// `tests/deferred_bodies.rs` holds that on every fixture.
fn deferrable(
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    block: &syn::Block,
    spans: FileSpans<'_>,
) -> bool {
    if !sig.inputs.is_empty()
        || !matches!(sig.output, syn::ReturnType::Default)
        || !attrs.iter().any(|attr| is_test_attribute(attr.path()))
        || !attrs.iter().all(is_inert_for_deferral)
    {
        return false;
    }
    let span = spans.span(block.brace_token.span.join());
    let Some(body) = spans.source.text.get(span.range()) else {
        return false;
    };
    !["fn", "static"]
        .iter()
        .any(|word| contains_word(body, word))
}

/// `#[test]`, `#[tokio::test]`, `#[async_std::test]`,
/// `#[wasm_bindgen_test]`, ...
fn is_test_attribute(path: &syn::Path) -> bool {
    let is_test = |segment: &syn::PathSegment| {
        segment.ident == "test" || segment.ident == "wasm_bindgen_test"
    };
    match path.segments.len() {
        1 => path.leading_colon.is_none() && is_test(&path.segments[0]),
        2 => is_test(&path.segments[1]),
        _ => false,
    }
}

/// The test attribute, or a built-in attribute that says nothing about
/// memoization; in `cfg_attr`, every attribute it may add.
fn is_inert_for_deferral(attr: &syn::Attribute) -> bool {
    const BUILT_IN: &[&str] = &[
        "test",
        "ignore",
        "should_panic",
        "cfg",
        "allow",
        "warn",
        "deny",
        "forbid",
        "expect",
        "doc",
        "inline",
        "cold",
        "track_caller",
        "must_use",
        "coverage",
    ];
    // Tools' attributes (`rustfmt::skip`) are not macros at all.
    const TOOLS: &[&str] = &["rustfmt", "clippy"];
    let is_built_in = |path: &syn::Path| match path.get_ident() {
        Some(ident) => BUILT_IN.iter().any(|name| ident == name),
        None => {
            path.segments.len() == 2
                && path.leading_colon.is_none()
                && TOOLS.iter().any(|tool| path.segments[0].ident == tool)
        }
    };
    let path = attr.path();
    if is_test_attribute(path) || is_built_in(path) {
        return true;
    }
    if !path.is_ident("cfg_attr") {
        return false;
    }
    let parser = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated;
    attr.parse_args_with(parser).is_ok_and(|metas| {
        metas.len() > 1
            && metas
                .iter()
                .skip(1)
                .all(|meta| is_test_attribute(meta.path()) || is_built_in(meta.path()))
    })
}

/// Whether `word` occurs in `text` not next to another identifier
/// character (a non-ASCII neighbour counts as a boundary, which can only
/// find more).
pub(super) fn contains_word(text: &str, word: &str) -> bool {
    let is_ident = |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'_';
    let bytes = text.as_bytes();
    text.match_indices(word).any(|(at, _)| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        !before.is_some_and(is_ident) && !bytes.get(at + word.len()).is_some_and(is_ident)
    })
}

/// A body with the attributes and signature of its function.
struct ItemBody<'t> {
    attrs: &'t [syn::Attribute],
    /// A free function's, which may be deferred (methods never are).
    free: bool,
    sig: &'t mut syn::Signature,
    block: &'t mut syn::Block,
}

/// The bodies of the functions and methods among `items`.
fn item_bodies<'t>(items: &'t mut [syn::Item], out: &mut Vec<ItemBody<'t>>) {
    for item in items {
        match item {
            syn::Item::Fn(syn::ItemFn {
                attrs, sig, block, ..
            }) => out.push(ItemBody {
                attrs,
                free: true,
                sig,
                block,
            }),
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    item_bodies(items, out);
                }
            }
            syn::Item::Impl(i) => {
                for impl_item in &mut i.items {
                    if let syn::ImplItem::Fn(syn::ImplItemFn {
                        attrs, sig, block, ..
                    }) = impl_item
                    {
                        out.push(ItemBody {
                            attrs,
                            free: false,
                            sig,
                            block,
                        });
                    }
                }
            }
            syn::Item::Trait(t) => {
                for trait_item in &mut t.items {
                    if let syn::TraitItem::Fn(syn::TraitItemFn {
                        attrs,
                        sig,
                        default: Some(block),
                        ..
                    }) = trait_item
                    {
                        out.push(ItemBody {
                            attrs,
                            free: false,
                            sig,
                            block,
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

/// Drops the statements of `block` and of the functions nested in it,
/// except those whose body opens at a brace in `keep`.
fn strip(block: &mut syn::Block, summary: &mut BodySummary, keep: &HashSet<usize>) {
    if !keep.contains(&summary.span.start) {
        block.stmts = Vec::new();
        summary.held = false;
    }
    for nested in &mut summary.nested {
        if let NestedItem::Fn(nested_fn) = nested {
            strip(&mut nested_fn.item.block, &mut nested_fn.body, keep);
        }
    }
}

/// The bodies (by opening brace) of the functions that may be on a cycle
/// of calls: a cycle of the graph where a function points to every
/// function of the file with a name it calls, leaving out the calls that
/// resolution cannot take to a function of the crate (`body.rs`): a
/// method of a receiver whose type the source does not say
/// (`self.0.fmt(f)`), and a path that starts with none of the names the
/// file declares (`fmt::Display::fmt`, `Vec::new`). Resolution can only
/// remove edges from that graph, except through renaming imports or other
/// files, which the recursion walk handles by parsing the file again: the
/// graph decides what is held, never what is found.
fn on_name_cycles<'s>(
    bodies: impl Iterator<Item = (&'s syn::Signature, &'s BodySummary)>,
    declared: &HashSet<String>,
) -> HashSet<usize> {
    let mut nodes: Vec<(String, &BodySummary)> = Vec::new();
    fn add<'s>(name: String, body: &'s BodySummary, nodes: &mut Vec<(String, &'s BodySummary)>) {
        nodes.push((name, body));
        for nested in &body.nested {
            if let NestedItem::Fn(nested_fn) = nested {
                add(nested_fn.item.sig.ident.to_string(), &nested_fn.body, nodes);
            }
        }
    }
    for (sig, body) in bodies {
        add(sig.ident.to_string(), body, &mut nodes);
    }
    let mut by_name: HashMap<&str, Vec<u32>> = HashMap::default();
    for (i, (name, _)) in nodes.iter().enumerate() {
        by_name.entry(name).or_default().push(i as u32);
    }
    let successors: Vec<Vec<u32>> = nodes
        .iter()
        .map(|(_, body)| {
            let mut out: Vec<u32> = body
                .events
                .iter()
                .filter_map(|located| match &located.event {
                    Event::Call { path, .. } if reaches_declared(path, declared) => {
                        path.segments.last().map(String::as_str)
                    }
                    Event::MethodCall { name, receiver, .. }
                        if receiver_may_be_typed(receiver, &body.locals, declared) =>
                    {
                        Some(name.as_str())
                    }
                    _ => None,
                })
                .filter_map(|name| by_name.get(name))
                .flatten()
                .copied()
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    let components = Components::find(&successors);
    (0..nodes.len() as u32)
        .filter(|&v| !components.cycle_of(v).is_empty())
        .map(|v| nodes[v as usize].1.span.start)
        .collect()
}

/// Whether a call of `path` may resolve to a function of the file: a
/// name alone, or a path whose first segment the file declares (or is
/// `Self`, `self`, `super`, `crate`).
fn reaches_declared(path: &WrittenPath, declared: &HashSet<String>) -> bool {
    match path.segments.as_slice() {
        [_] => !path.global,
        [first, ..] => !path.global && declared.contains(first),
        [] => false,
    }
}

/// Whether `body::infer_type` may find a type for a method's receiver:
/// not for an expression it cannot read (`TypeOf::Unknown`), nor for a
/// local bound only without a type the source says, or annotated with
/// a type that is not a path or whose path starts with a name the file
/// does not declare (`x: &mut Vec<u8>`).
fn receiver_may_be_typed(
    receiver: &TypeOf,
    locals: &[(String, LocalType)],
    declared: &HashSet<String>,
) -> bool {
    match receiver {
        TypeOf::Unknown => false,
        TypeOf::Local(name) => {
            locals
                .iter()
                .filter(|(bound, _)| bound == name)
                .any(|(_, local)| match local {
                    LocalType::Unknown | LocalType::Annotated(None) => false,
                    LocalType::Annotated(Some(path)) => reaches_declared(path, declared),
                    LocalType::SelfType | LocalType::Inferred(_) => true,
                })
        }
        TypeOf::SelfValue | TypeOf::Struct(_) | TypeOf::Call(_) => true,
    }
}

/// The names `items` declare that a path to a function of the file can
/// start with besides the path keywords: types, traits, modules and the
/// types impls are for.
fn declared_names(items: &[syn::Item], out: &mut HashSet<String>) {
    for item in items {
        let name = match item {
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Union(u) => &u.ident,
            syn::Item::Type(t) => &t.ident,
            syn::Item::Trait(t) => &t.ident,
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    declared_names(items, out);
                }
                &m.ident
            }
            syn::Item::Impl(i) => {
                if let Some(last) =
                    WrittenPath::of_type(&i.self_ty).and_then(|mut p| p.segments.pop())
                {
                    out.insert(last);
                }
                continue;
            }
            _ => continue,
        };
        out.insert(name.to_string());
    }
}

/// Where a body's opening brace is: the key of [`Bodies`].
pub(crate) fn open_brace(block: &syn::Block, spans: FileSpans<'_>) -> usize {
    spans.span(block.brace_token.span.open()).start
}

/// The summary of one body; functions nested in it keep their statements
/// (see [`strip`]).
pub(crate) fn summarize(
    sig: &syn::Signature,
    block: &syn::Block,
    spans: FileSpans<'_>,
) -> BodySummary {
    let locals = locals(sig, block);
    let mut walk = Events {
        spans,
        locals: locals.iter().map(|(name, _)| name.as_str()).collect(),
        events: Vec::new(),
        closure_depth: 0,
        macro_depth: 0,
        macro_statics: Vec::new(),
        items: Vec::new(),
    };
    walk.visit_block(block);
    let Events {
        mut events,
        macro_statics,
        items,
        ..
    } = walk;
    // Held for the whole unit, and most bodies have an event or two: a
    // list grown from four would be mostly room.
    events.shrink_to_fit();
    let mut nested = macro_statics;
    nested.extend(items);
    BodySummary {
        span: spans.span(block.brace_token.span.join()),
        tail: tail(block),
        locals,
        events,
        nested,
        held: true,
        deferred: false,
        emptied_sig: None,
    }
}

/// The stand-in for a body [`deferrable`] accepted: its place and tail,
/// nothing else.
fn deferred(block: &syn::Block, spans: FileSpans<'_>) -> BodySummary {
    BodySummary {
        span: spans.span(block.brace_token.span.join()),
        tail: tail(block),
        locals: Vec::new(),
        events: Vec::new(),
        nested: Vec::new(),
        held: true,
        deferred: true,
        emptied_sig: None,
    }
}

/// Where the body's tail expression starts, when it ends in one.
fn tail(block: &syn::Block) -> Option<proc_macro2::Span> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(tail, None)) => Some(spans::expr_start(tail)),
        _ => None,
    }
}

/// The statics a `thread_local! { .. }` or `lazy_static! { .. }` in
/// statement position declares (syn keeps them as statements, not items).
fn macro_statics(stmt_macro: &syn::StmtMacro, spans: FileSpans<'_>) -> Option<NestedItem> {
    let statics = statics_in_macro(&stmt_macro.mac);
    if statics.is_empty() {
        return None;
    }
    let span = spans
        .span(stmt_macro.mac.path.span())
        .to(spans.span(stmt_macro.mac.delimiter.span().close()));
    Some(NestedItem::Statics { span, statics })
}

/// What the index reads of an item declared in a body: a function (its
/// body summarised), a `use` or statics.
fn nested_item(item: &syn::Item, spans: FileSpans<'_>) -> Option<NestedItem> {
    let span = || spans.span(spans::item(item));
    match item {
        syn::Item::Fn(item_fn) => {
            // Nested functions are few and small; the copy's statements
            // are dropped with the others' unless they are needed.
            let item = item_fn.clone();
            let body = summarize(&item.sig, &item.block, spans);
            Some(NestedItem::Fn(Box::new(NestedFn {
                item,
                span: span(),
                body,
            })))
        }
        syn::Item::Use(item_use) => {
            let mut imports = Vec::new();
            flatten_use_tree(&item_use.tree, &mut Vec::new(), &mut imports);
            Some(NestedItem::Use(imports))
        }
        syn::Item::Static(s) => Some(NestedItem::Statics {
            span: span(),
            statics: vec![static_item(s)],
        }),
        syn::Item::Macro(item_macro) => {
            let statics = statics_in_macro(&item_macro.mac);
            (!statics.is_empty()).then(|| NestedItem::Statics {
                span: span(),
                statics,
            })
        }
        _ => None,
    }
}

/// Every name bound in the parameters or the body, in binding order, with
/// what its type can be read from. Flow-insensitive: `body.rs` gives a name
/// bound twice with different types no type.
fn locals(sig: &syn::Signature, block: &syn::Block) -> Vec<(String, LocalType)> {
    let mut locals = Locals { names: Vec::new() };
    if sig.receiver().is_some() {
        locals.names.push(("self".to_string(), LocalType::SelfType));
    }
    for input in &sig.inputs {
        if let syn::FnArg::Typed(pat_type) = input {
            if let syn::Pat::Ident(ident) = &*pat_type.pat {
                locals.names.push((
                    ident.ident.to_string(),
                    LocalType::Annotated(WrittenPath::of_type(&pat_type.ty)),
                ));
            } else {
                locals.visit_pat(&pat_type.pat);
            }
        }
    }
    locals.visit_block(block);
    // Held for the whole unit; most bodies have only `self` or a
    // parameter or two.
    locals.names.shrink_to_fit();
    locals.names
}

struct Locals {
    names: Vec<(String, LocalType)>,
}

impl<'ast> Visit<'ast> for Locals {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let annotated = match &local.pat {
            syn::Pat::Type(pat_type) => match &*pat_type.pat {
                syn::Pat::Ident(ident) => Some((
                    ident.ident.to_string(),
                    LocalType::Annotated(WrittenPath::of_type(&pat_type.ty)),
                )),
                _ => None,
            },
            _ => None,
        };
        match annotated {
            Some(binding) => self.names.push(binding),
            None => {
                if let syn::Pat::Ident(ident) = &local.pat {
                    let ty = match &local.init {
                        Some(init) => LocalType::Inferred(TypeOf::of(&init.expr)),
                        None => LocalType::Inferred(TypeOf::Unknown),
                    };
                    self.names.push((ident.ident.to_string(), ty));
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
            self.names.push((name, LocalType::Unknown));
        }
        visit::visit_pat_ident(self, pat);
    }
}

struct Events<'s> {
    spans: FileSpans<'s>,
    /// Names bound in the body: a path that is one of them names a local,
    /// which `body.rs` would resolve to nothing, so it is not kept.
    locals: HashSet<&'s str>,
    events: Vec<Located>,
    closure_depth: usize,
    /// Macro calls around the arguments being visited.
    macro_depth: usize,
    /// Statics declared by macros in statement position, and what the
    /// items declared in the body are, in source order; both outside macro
    /// arguments (which declare nothing the index sees).
    macro_statics: Vec<NestedItem>,
    items: Vec<NestedItem>,
}

impl Events<'_> {
    fn is_local(&self, path: &syn::Path) -> bool {
        path.leading_colon.is_none()
            && path.segments.len() == 1
            && self
                .locals
                .contains(path.segments[0].ident.to_string().as_str())
    }

    fn push(&mut self, event: Event) {
        self.events.push(Located {
            event,
            in_closure: self.closure_depth > 0,
        });
    }
}

impl<'ast> Visit<'ast> for Events<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        // Nested items are functions (or statics) of their own: their
        // bodies are not this body's.
        if self.macro_depth == 0 {
            self.items.extend(nested_item(item, self.spans));
        }
    }

    fn visit_stmt_macro(&mut self, stmt_macro: &'ast syn::StmtMacro) {
        if self.macro_depth == 0 {
            self.macro_statics
                .extend(macro_statics(stmt_macro, self.spans));
        }
        visit::visit_stmt_macro(self, stmt_macro);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            if p.qself.is_none() {
                self.push(Event::Call {
                    span: self.spans.span(spans::call(call)),
                    path: WrittenPath::of(&p.path),
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
        let receiver_path = match &*call.receiver {
            syn::Expr::Path(p) if p.qself.is_none() => Some((
                WrittenPath::of(&p.path),
                self.spans.span(call.receiver.span()),
            )),
            // A qualified path names no static or function of the unit.
            syn::Expr::Path(_) => None,
            receiver => {
                self.visit_expr(receiver);
                None
            }
        };
        self.push(Event::MethodCall {
            span: self.spans.span(spans::method_call(call)),
            name: call.method.to_string(),
            receiver: TypeOf::of(&call.receiver),
            receiver_path,
        });
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        if expr.qself.is_some() || self.is_local(&expr.path) {
            return;
        }
        self.push(Event::Path {
            span: self.spans.span(expr.span()),
            path: WrittenPath::of(&expr.path),
        });
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.closure_depth += 1;
        visit::visit_expr_closure(self, closure);
        self.closure_depth -= 1;
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.push(Event::Macro {
            span: self.spans.span(spans::mac(mac)),
            path: WrittenPath::of(&mac.path),
        });
        if let Some(args) = macro_args(mac, self.macro_depth) {
            self.macro_depth += 1;
            for arg in &args {
                self.visit_expr(arg);
            }
            self.macro_depth -= 1;
        }
    }
}

/// The signature of the function (free, method or trait method with a
/// body: those [`summarize_and_strip`] empties) whose body opens at byte
/// `at` of `file`.
pub(crate) fn find_signature<'t>(
    items: &'t syn::File,
    spans: FileSpans<'_>,
    at: usize,
) -> Option<&'t syn::Signature> {
    fn search<'t>(
        items: &'t [syn::Item],
        spans: FileSpans<'_>,
        at: usize,
    ) -> Option<&'t syn::Signature> {
        let contains =
            |braces: proc_macro2::extra::DelimSpan| spans.span(braces.join()).range().contains(&at);
        for item in items {
            match item {
                syn::Item::Fn(f) if open_brace(&f.block, spans) == at => return Some(&f.sig),
                syn::Item::Impl(i) if contains(i.brace_token.span) => {
                    return i.items.iter().find_map(|impl_item| match impl_item {
                        syn::ImplItem::Fn(f) if open_brace(&f.block, spans) == at => Some(&f.sig),
                        _ => None,
                    });
                }
                syn::Item::Trait(t) if contains(t.brace_token.span) => {
                    return t.items.iter().find_map(|trait_item| match trait_item {
                        syn::TraitItem::Fn(syn::TraitItemFn {
                            sig,
                            default: Some(block),
                            ..
                        }) if open_brace(block, spans) == at => Some(sig),
                        _ => None,
                    });
                }
                syn::Item::Mod(syn::ItemMod {
                    content: Some((brace, items)),
                    ..
                }) if contains(brace.span) => return search(items, spans, at),
                _ => {}
            }
        }
        None
    }
    search(&items.items, spans, at)
}

/// The body whose opening brace is at byte `at` of a re-parse of the file:
/// only items and blocks that contain `at` are looked into.
pub(crate) fn find_block<'t>(
    file: &'t syn::File,
    spans: FileSpans<'_>,
    at: usize,
) -> Option<&'t syn::Block> {
    struct Find<'t, 's> {
        spans: FileSpans<'s>,
        at: usize,
        found: Option<&'t syn::Block>,
    }
    impl Find<'_, '_> {
        fn contains(&self, span: proc_macro2::Span) -> bool {
            self.found.is_none() && self.spans.span(span).range().contains(&self.at)
        }
    }
    impl<'t> Visit<'t> for Find<'t, '_> {
        fn visit_item(&mut self, item: &'t syn::Item) {
            // The bodies the index knows are in these items, between
            // their braces.
            let braces = match item {
                syn::Item::Fn(f) => f.block.brace_token.span,
                syn::Item::Impl(i) => i.brace_token.span,
                syn::Item::Trait(t) => t.brace_token.span,
                syn::Item::Mod(syn::ItemMod {
                    content: Some((brace, _)),
                    ..
                }) => brace.span,
                _ => return,
            };
            if self.contains(braces.join()) {
                visit::visit_item(self, item);
            }
        }
        fn visit_block(&mut self, block: &'t syn::Block) {
            if self.found.is_none() && open_brace(block, self.spans) == self.at {
                self.found = Some(block);
            } else if self.contains(block.brace_token.span.join()) {
                visit::visit_block(self, block);
            }
        }
    }
    let mut find = Find {
        spans,
        at,
        found: None,
    };
    find.visit_file(file);
    find.found
}
