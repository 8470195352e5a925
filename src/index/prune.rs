//! What the index never reads is dropped from a file's tree as soon as the
//! file is parsed and its suppressions are read, before the unit's other
//! files are parsed. On the development machine the check pays for its
//! peak memory (the kernel zeroes fresh pages, about 1 ms per MB), and the
//! trees are most of it. `summary.rs` does the same for function bodies.
//!
//! What stays is what `modules.rs`, `body.rs` and the analyses read: module
//! declarations, `use` items, functions and methods (signatures and
//! attributes), impls and traits with methods, the names of structs, enums
//! and unions (their fields are read from a re-parse, for the few types
//! recursive functions take), statics' names and types, aliases' names,
//! and the item macros that declare statics or cached functions.

use super::macro_fns::cached_macro_name;
use super::modules::static_macro_kind;

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
            drop_docs(&mut i.attrs);
            i.items.retain_mut(|impl_item| match impl_item {
                syn::ImplItem::Fn(f) => {
                    drop_docs(&mut f.attrs);
                    true
                }
                _ => false,
            });
            i.items.shrink_to_fit();
            // The index reads an impl for its methods only (`impl Copy
            // for T {}` is one of two impls of every `windows-sys` type).
            !i.items.is_empty()
        }
        syn::Item::Type(t) => {
            drop_docs(&mut t.attrs);
            *t.ty = syn::Type::Verbatim(empty());
            true
        }
        syn::Item::Trait(t) => {
            drop_docs(&mut t.attrs);
            t.items.retain_mut(|trait_item| match trait_item {
                syn::TraitItem::Fn(f) => {
                    drop_docs(&mut f.attrs);
                    true
                }
                _ => false,
            });
            t.items.shrink_to_fit();
            true
        }
        // Only the types recursive functions take are looked into, from
        // a re-parse (`Index::with_type_fields`).
        syn::Item::Struct(s) => {
            drop_docs(&mut s.attrs);
            s.fields = syn::Fields::Unit;
            true
        }
        syn::Item::Enum(e) => {
            drop_docs(&mut e.attrs);
            e.variants = syn::punctuated::Punctuated::new();
            true
        }
        syn::Item::Union(u) => {
            drop_docs(&mut u.attrs);
            u.fields.named = syn::punctuated::Punctuated::new();
            true
        }
        _ => true,
    });
    items.shrink_to_fit();
}

/// The name of a struct, enum or union.
pub(super) fn type_ident(item: &syn::Item) -> Option<&syn::Ident> {
    match item {
        syn::Item::Struct(s) => Some(&s.ident),
        syn::Item::Enum(e) => Some(&e.ident),
        syn::Item::Union(u) => Some(&u.ident),
        _ => None,
    }
}

/// The struct, enum or union among `items` and the items of their inline
/// modules whose name `is_it`, in a tree that was not pruned.
pub(super) fn find_type<'t>(
    items: &'t [syn::Item],
    is_it: &impl Fn(&syn::Ident) -> bool,
) -> Option<&'t syn::Item> {
    items.iter().find_map(|item| match item {
        syn::Item::Mod(syn::ItemMod {
            content: Some((_, items)),
            ..
        }) => find_type(items, is_it),
        _ => type_ident(item).filter(|ident| is_it(ident)).map(|_| item),
    })
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
