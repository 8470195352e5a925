//! What the index never reads is dropped from a file's tree as soon as the
//! file is parsed and its suppressions are read, before the unit's other
//! files are parsed. On the development machine the check pays for its
//! peak memory (the kernel zeroes fresh pages, about 1 ms per MB), and the
//! trees are most of it. `summary.rs` does the same for function bodies.
//!
//! What stays is what `modules.rs`, `body.rs` and the analyses read: module
//! declarations, `use` items, functions and methods (signatures and
//! attributes), impls and traits with methods, structs, enums and
//! unions without their fields (read again from the text for the few types
//! recursive functions take), statics' names and types, aliases' names,
//! and the item macros that declare statics or cached functions.

use syn::punctuated::Punctuated;

use super::macro_fns::cached_macro_name;
use super::modules::static_macro_kind;
use super::ParsedFile;

/// Drops, in place, what the index never reads from `file`.
pub(crate) fn prune_file(file: &mut syn::File) {
    drop_docs(&mut file.attrs);
    prune(&mut file.items);
}

/// Removes the items the index never reads (constants, `extern` blocks,
/// macros other than those that declare statics or cached functions, impls
/// without methods, associated items other than methods) and empties the
/// initial values of statics, the types of aliases and doc comments.
/// Generated code (`windows-sys`) is mostly such items, documented code has
/// a doc line for every few lines of code. The lists are shrunk to what
/// stays: syn grows them by doubling, from four.
fn prune(items: &mut Vec<syn::Item>) {
    let empty = proc_macro2::TokenStream::new;
    items.retain_mut(|item| match item {
        syn::Item::Const(_) | syn::Item::ForeignMod(_) => false,
        syn::Item::Macro(m) => {
            drop_docs(&mut m.attrs);
            declares_items(&m.mac)
        }
        syn::Item::Static(s) => {
            drop_docs(&mut s.attrs);
            *s.expr = syn::Expr::Verbatim(empty());
            true
        }
        syn::Item::Fn(f) => {
            drop_docs(&mut f.attrs);
            true
        }
        syn::Item::Mod(m) => {
            drop_docs(&mut m.attrs);
            if let Some((_, items)) = &mut m.content {
                prune(items);
            }
            true
        }
        syn::Item::Impl(i) => {
            // Its first attribute is where its span starts (`lru_wrapper`
            // places the wrapper by it); nothing reads its generics.
            i.attrs.truncate(usize::from(
                i.attrs
                    .first()
                    .is_some_and(|attr| matches!(attr.style, syn::AttrStyle::Outer)),
            ));
            i.attrs.shrink_to_fit();
            i.generics = syn::Generics::default();
            keep_methods(&mut i.items, |impl_item| match impl_item {
                syn::ImplItem::Fn(f) => Some(&mut f.attrs),
                _ => None,
            });
            // The index reads an impl for its methods only (`impl Copy
            // for T {}` is one of two impls of every `windows-sys` type).
            !i.items.is_empty()
        }
        syn::Item::Type(t) => {
            t.attrs = Vec::new();
            t.generics = syn::Generics::default();
            *t.ty = syn::Type::Verbatim(empty());
            true
        }
        syn::Item::Trait(t) => {
            t.attrs = Vec::new();
            t.generics = syn::Generics::default();
            t.supertraits = Punctuated::new();
            keep_methods(&mut t.items, |trait_item| match trait_item {
                syn::TraitItem::Fn(f) => Some(&mut f.attrs),
                _ => None,
            });
            true
        }
        // Only the types recursive functions take are looked into, from
        // a parse of the text between their kept braces (`written_fields`);
        // a type is found by its name, and nothing reads its attributes
        // (`derive`s, `repr`s) or generics.
        syn::Item::Struct(s) => {
            s.attrs = Vec::new();
            s.generics = syn::Generics::default();
            match &mut s.fields {
                syn::Fields::Named(fields) => fields.named = Punctuated::new(),
                syn::Fields::Unnamed(fields) => fields.unnamed = Punctuated::new(),
                syn::Fields::Unit => {}
            }
            true
        }
        syn::Item::Enum(e) => {
            e.attrs = Vec::new();
            e.generics = syn::Generics::default();
            e.variants = Punctuated::new();
            true
        }
        syn::Item::Union(u) => {
            u.attrs = Vec::new();
            u.generics = syn::Generics::default();
            u.fields.named = Punctuated::new();
            true
        }
        _ => true,
    });
    items.shrink_to_fit();
}

/// Keeps of an impl's or a trait's items only the methods, without their
/// doc comments, in a list shrunk to them; `method_attrs` gives a method's
/// attributes and `None` for any other item.
fn keep_methods<T>(
    items: &mut Vec<T>,
    method_attrs: fn(&mut T) -> Option<&mut Vec<syn::Attribute>>,
) {
    items.retain_mut(|item| match method_attrs(item) {
        Some(attrs) => {
            drop_docs(attrs);
            true
        }
        None => false,
    });
    items.shrink_to_fit();
}

/// The fields of a struct or union, or of each variant of an enum, of
/// `file` (pruned, so the tree holds none), parsed from the text between
/// the braces or parentheses the tree kept; `None` for other items.
pub(super) fn written_fields(item: &syn::Item, file: &ParsedFile) -> Option<Vec<syn::Fields>> {
    let text = |delimiters: proc_macro2::extra::DelimSpan| {
        let range = file.span(delimiters.join()).range();
        &file.source.text[range]
    };
    let fields = match item {
        syn::Item::Struct(s) => match &s.fields {
            syn::Fields::Named(named) => {
                syn::Fields::Named(syn::parse_str(text(named.brace_token.span)).ok()?)
            }
            syn::Fields::Unnamed(unnamed) => {
                syn::Fields::Unnamed(syn::parse_str(text(unnamed.paren_token.span)).ok()?)
            }
            syn::Fields::Unit => syn::Fields::Unit,
        },
        syn::Item::Union(u) => {
            syn::Fields::Named(syn::parse_str(text(u.fields.brace_token.span)).ok()?)
        }
        syn::Item::Enum(e) => {
            let variants = |input: syn::parse::ParseStream| {
                let inside;
                syn::braced!(inside in input);
                Punctuated::<syn::Variant, syn::Token![,]>::parse_terminated(&inside)
            };
            let variants =
                syn::parse::Parser::parse_str(variants, text(e.brace_token.span)).ok()?;
            return Some(variants.into_iter().map(|variant| variant.fields).collect());
        }
        _ => return None,
    };
    Some(vec![fields])
}

/// Drops doc comments, which nothing after the suppressions' coverage
/// reads, except the first outer attribute: an item's span starts there.
fn drop_docs(attrs: &mut Vec<syn::Attribute>) {
    let first_outer = attrs
        .iter()
        .position(|attr| matches!(attr.style, syn::AttrStyle::Outer));
    let mut position = 0;
    attrs.retain(|attr| {
        let keep = Some(position) == first_outer || !attr.path().is_ident("doc");
        position += 1;
        keep
    });
    attrs.shrink_to_fit();
}

/// Whether the index reads an item macro: `thread_local!` and
/// `lazy_static!` declare statics, `cached!` and its kin functions.
fn declares_items(mac: &syn::Macro) -> bool {
    static_macro_kind(mac).is_some() || cached_macro_name(mac).is_some()
}
