//! A file's items as the index reads them: owned, small, and without the
//! syntax tree they came from.
//!
//! Once a file is pruned and its bodies summarised, what the index still
//! reads of its tree is little: names, `use` paths, `#[path]` attributes,
//! the paths of impls' self types and traits, and each function's
//! attributes, signature and braces. The tree around them is most of what a
//! unit holds: syn's `Item` is 464 bytes wherever it sits, and an impl's
//! header (its self type, its trait path, its first attribute) about
//! 1.4 KB. In generated code (`windows-sys`, one struct and one `Clone` impl
//! per type) those shells were half of a unit's peak memory, and on the
//! development machine every fresh page of it is paid for in time.
//!
//! So [`build`] turns the tree's items into this outline, moving each
//! function out of its item as syn parsed it, and the tree is dropped; the
//! module tree (`modules.rs`) and the analyses read the outline. Each
//! function comes with its body's summary and its spans as byte offsets,
//! found now, while the file's line tables are in the cache: looked up
//! when the unit is indexed, they were a fifth of the index's cache misses.
//! Other spans stay proc-macro2's until something needs them.

use proc_macro2::Span;
use syn::punctuated::Punctuated;

use super::modules::{static_item, statics_in_macro};
use super::scope::flatten_use_tree;
use super::summary::{open_brace, Bodies, BodySummary, FileSpans, WrittenPath};
use super::{spans, tokens_text, ParsedFile, StaticKind};

/// An item the index reads.
pub enum Item {
    Mod(Box<ModItem>),
    /// The names a `use` brings into scope: `(name, path, is_glob)`.
    Use(Vec<(String, Vec<String>, bool)>),
    Fn(Box<Function<syn::ItemFn>>),
    Type(TypeItem),
    Static(Box<StaticItem>),
    /// A `thread_local!`, `lazy_static!` or `cached!`-style macro.
    Macro(Box<MacroItem>),
    Impl(Box<ImplBlock>),
    Trait(Box<TraitItem>),
}

/// `mod name;` or `mod name { ... }`.
pub struct ModItem {
    pub name: String,
    /// The value of its `#[path = "..."]`.
    pub path_attr: Option<String>,
    /// The items of an inline module.
    pub content: Option<Vec<Item>>,
}

/// A free function, a method or a trait's method, as syn parsed it
/// (pruned and summarised), with its body's summary.
pub struct Function<T> {
    pub item: T,
    /// The whole item, attributes included.
    pub span: crate::source::Span,
    /// Its name in its signature.
    pub name_span: crate::source::Span,
    /// `None` for a trait method without a default body.
    pub(crate) body: Option<BodySummary>,
}

impl<T> Function<T> {
    /// `item`, whose whole span is `span`, with its signature and body
    /// given by `parts`.
    fn new(
        item: T,
        span: Span,
        parts: fn(&T) -> (&syn::Signature, Option<&syn::Block>),
        cx: &mut Context<'_, '_>,
    ) -> Function<T> {
        let (sig, block) = parts(&item);
        let name_span = cx.spans.span(sig.ident.span());
        let body = block.map(|block| cx.take_body(block));
        Function {
            item,
            span: cx.spans.span(span),
            name_span,
            body,
        }
    }
}

/// What building an outline reads from: the file's spans, and the
/// summaries its functions' bodies move out of.
struct Context<'b, 's> {
    spans: FileSpans<'s>,
    bodies: &'b mut Bodies,
}

impl Context<'_, '_> {
    fn take_body(&mut self, block: &syn::Block) -> BodySummary {
        let at = open_brace(block, self.spans);
        self.bodies.remove(&at).unwrap_or_else(|| {
            panic!(
                "{}: no summary of the body at byte {at}",
                self.spans.source.display
            )
        })
    }
}

/// A struct, enum, union or type alias, by name.
pub struct TypeItem {
    pub name: String,
    pub kind: TypeKind,
    /// Where its fields are written; `None` for an alias.
    pub(super) fields: Option<WrittenFields>,
}

impl TypeItem {
    /// Its fields (each variant's, for an enum) parsed from `file`'s text
    /// between the delimiters; `None` for an alias, or if they do not parse.
    pub(super) fn fields_in(&self, file: &ParsedFile) -> Option<Vec<syn::Fields>> {
        let text = |delimiters: Span| &file.source.text[file.span(delimiters).range()];
        let fields = match self.fields? {
            WrittenFields::Named(braces) => syn::Fields::Named(syn::parse_str(text(braces)).ok()?),
            WrittenFields::Unnamed(parens) => {
                syn::Fields::Unnamed(syn::parse_str(text(parens)).ok()?)
            }
            WrittenFields::Unit => syn::Fields::Unit,
            WrittenFields::Variants(braces) => {
                let variants = |input: syn::parse::ParseStream| {
                    let inside;
                    syn::braced!(inside in input);
                    Punctuated::<syn::Variant, syn::Token![,]>::parse_terminated(&inside)
                };
                let variants = syn::parse::Parser::parse_str(variants, text(braces)).ok()?;
                return Some(variants.into_iter().map(|variant| variant.fields).collect());
            }
        };
        Some(vec![fields])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Struct,
    Enum,
    Union,
    Alias,
}

/// The delimiters around a type's fields, for parsing them from the text
/// when they are needed (`Index::type_fields`).
#[derive(Clone, Copy)]
pub(super) enum WrittenFields {
    /// `{ a: A }` of a struct or union.
    Named(Span),
    /// `(A, B)` of a tuple struct.
    Unnamed(Span),
    /// `struct S;`.
    Unit,
    /// `{ A, B(u8) }` of an enum.
    Variants(Span),
}

/// A `static` item.
pub struct StaticItem {
    pub name: String,
    pub kind: StaticKind,
    /// Its type, as source text with whitespace removed.
    pub ty: String,
    pub span: Span,
}

/// An item macro the index reads.
pub struct MacroItem {
    /// The statics a `thread_local!` or `lazy_static!` declares.
    pub statics: Vec<(String, StaticKind, String)>,
    /// The first token of the macro's path, which matches it with the
    /// function a `cached!`-style macro defines (`MacroFn::macro_start`).
    pub path_start: Span,
    pub span: Span,
}

/// An `impl` block with methods.
pub struct ImplBlock {
    /// The path of the self type as written, when it is a path (looking
    /// through references and parentheses).
    pub(crate) self_ty: Option<WrittenPath>,
    /// The self type's text, whitespace removed, when it is anything but a
    /// plain path (for which it is the path's segments joined).
    self_text: Option<String>,
    pub(crate) trait_path: Option<WrittenPath>,
    /// The whole block, attributes included.
    pub span: Span,
    pub methods: Vec<Function<syn::ImplItemFn>>,
}

impl ImplBlock {
    /// The self type as written, whitespace removed (`Vec<u8>`, `a::B`).
    pub fn self_text(&self) -> String {
        match (&self.self_text, &self.self_ty) {
            (Some(text), _) => text.clone(),
            (None, Some(path)) => {
                let joined = path.segments.join("::");
                if path.global {
                    format!("::{joined}")
                } else {
                    joined
                }
            }
            (None, None) => String::new(),
        }
    }
}

/// A trait definition with its methods.
pub struct TraitItem {
    pub name: String,
    pub methods: Vec<Function<syn::TraitItemFn>>,
}

/// The outline of `items`, a pruned and summarised tree's (`prune.rs`,
/// `summary.rs`), which it consumes, moving each function's summary out of
/// `bodies`.
pub(super) fn build(items: Vec<syn::Item>, spans: FileSpans<'_>, bodies: &mut Bodies) -> Vec<Item> {
    build_in(items, &mut Context { spans, bodies })
}

fn build_in(items: Vec<syn::Item>, cx: &mut Context<'_, '_>) -> Vec<Item> {
    let mut outline = Vec::with_capacity(items.len());
    for item in items {
        if let Some(item) = outline_item(item, cx) {
            outline.push(item);
        }
    }
    outline
}

fn outline_item(item: syn::Item, cx: &mut Context<'_, '_>) -> Option<Item> {
    let type_item = |name: &syn::Ident, kind, fields| {
        Some(Item::Type(TypeItem {
            name: name.to_string(),
            kind,
            fields,
        }))
    };
    match item {
        syn::Item::Mod(m) => Some(Item::Mod(Box::new(ModItem {
            name: m.ident.to_string(),
            path_attr: path_attribute(&m.attrs),
            content: m.content.map(|(_, items)| build_in(items, cx)),
        }))),
        syn::Item::Use(u) => {
            let mut imports = Vec::new();
            flatten_use_tree(&u.tree, &mut Vec::new(), &mut imports);
            Some(Item::Use(imports))
        }
        syn::Item::Fn(f) => {
            let span = spans::function(&f.attrs, Some(&f.vis), &f.sig, Some(&f.block));
            Some(Item::Fn(Box::new(Function::new(
                f,
                span,
                free_fn_parts,
                cx,
            ))))
        }
        syn::Item::Struct(s) => {
            let fields = match &s.fields {
                syn::Fields::Named(named) => WrittenFields::Named(named.brace_token.span.join()),
                syn::Fields::Unnamed(unnamed) => {
                    WrittenFields::Unnamed(unnamed.paren_token.span.join())
                }
                syn::Fields::Unit => WrittenFields::Unit,
            };
            type_item(&s.ident, TypeKind::Struct, Some(fields))
        }
        syn::Item::Enum(e) => type_item(
            &e.ident,
            TypeKind::Enum,
            Some(WrittenFields::Variants(e.brace_token.span.join())),
        ),
        syn::Item::Union(u) => type_item(
            &u.ident,
            TypeKind::Union,
            Some(WrittenFields::Named(u.fields.brace_token.span.join())),
        ),
        syn::Item::Type(t) => type_item(&t.ident, TypeKind::Alias, None),
        syn::Item::Static(s) => {
            let span = spans::static_item(&s);
            let (name, kind, ty) = static_item(&s);
            Some(Item::Static(Box::new(StaticItem {
                name,
                kind,
                ty,
                span,
            })))
        }
        syn::Item::Macro(m) => Some(Item::Macro(Box::new(MacroItem {
            statics: statics_in_macro(&m.mac),
            path_start: spans::path_start(&m.mac.path),
            span: spans::item_macro(&m),
        }))),
        syn::Item::Impl(i) => {
            let span = spans::impl_block(&i);
            let self_ty = WrittenPath::of_type(&i.self_ty);
            let self_text = (!is_plain_path(&i.self_ty)).then(|| tokens_text(&i.self_ty));
            let trait_path = i.trait_.as_ref().map(|(_, path, _)| WrittenPath::of(path));
            let method = |item| match item {
                syn::ImplItem::Fn(method) => Some(method),
                _ => None,
            };
            let methods = outline_methods(i.items, method, spans::impl_fn, impl_fn_parts, cx);
            Some(Item::Impl(Box::new(ImplBlock {
                self_ty,
                self_text,
                trait_path,
                span,
                methods,
            })))
        }
        syn::Item::Trait(t) => {
            let method = |item| match item {
                syn::TraitItem::Fn(method) => Some(method),
                _ => None,
            };
            let methods = outline_methods(t.items, method, spans::trait_fn, trait_fn_parts, cx);
            Some(Item::Trait(Box::new(TraitItem {
                name: t.ident.to_string(),
                methods,
            })))
        }
        _ => None,
    }
}

/// The methods among an impl's or a trait's `items` (pruned to methods),
/// each with its span and summary. In a list of their own size:
/// collecting in place would keep the larger items' capacity.
fn outline_methods<I, M>(
    items: Vec<I>,
    method: impl Fn(I) -> Option<M>,
    span: fn(&M) -> Span,
    parts: fn(&M) -> (&syn::Signature, Option<&syn::Block>),
    cx: &mut Context<'_, '_>,
) -> Vec<Function<M>> {
    let mut methods = Vec::with_capacity(items.len());
    for item in items {
        if let Some(m) = method(item) {
            let at = span(&m);
            methods.push(Function::new(m, at, parts, cx));
        }
    }
    methods
}

fn free_fn_parts(f: &syn::ItemFn) -> (&syn::Signature, Option<&syn::Block>) {
    (&f.sig, Some(&f.block))
}

fn impl_fn_parts(m: &syn::ImplItemFn) -> (&syn::Signature, Option<&syn::Block>) {
    (&m.sig, Some(&m.block))
}

fn trait_fn_parts(m: &syn::TraitItemFn) -> (&syn::Signature, Option<&syn::Block>) {
    (&m.sig, m.default.as_ref())
}

/// A path type without generic arguments or `<T as Trait>`, whose text is
/// its segments joined (`a::B`, `::a::B`).
fn is_plain_path(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(type_path) => {
            type_path.qself.is_none()
                && type_path
                    .path
                    .segments
                    .iter()
                    .all(|segment| segment.arguments.is_none())
        }
        _ => false,
    }
}

/// The value of a `#[path = "..."]` attribute.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        if !attr.path().is_ident("path") {
            return None;
        }
        let syn::Meta::NameValue(nv) = &attr.meta else {
            return None;
        };
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }
    })
}
