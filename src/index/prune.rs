//! What the index never reads is dropped from a file's tree as soon as the
//! file is parsed and its suppressions are read, before the unit's other
//! files are parsed. On the development machine the check pays for its
//! peak memory (the kernel zeroes fresh pages, about 1 ms per MB), and the
//! trees are most of it. `summary.rs` does the same for function bodies.
//!
//! What stays is what `modules.rs`, `body.rs` and the analyses read: module
//! declarations, `use` items, functions and methods (signatures and
//! attributes), impls and traits with methods, struct and enum
//! definitions, statics' names and types, aliases' names, and the item
//! macros that declare statics or cached functions.

use super::macro_fns::cached_macro_name;
use super::modules::static_macro_kind;

/// Drops, in place, what the index never reads from `file`.
pub(crate) fn prune_file(file: &mut syn::File) {
    drop_docs(&mut file.attrs);
    prune(&mut file.items);
}

/// Empties the items the index never reads (constants, `extern` blocks,
/// macros other than those that declare statics or cached functions, impls
/// without methods, associated items other than methods), the initial
/// values of statics, the types of aliases and doc comments. Generated code
/// (`windows-sys`) is mostly such items, documented code has a doc line
/// for every few lines of code.
fn prune(items: &mut [syn::Item]) {
    let empty = proc_macro2::TokenStream::new;
    for item in items {
        let keep = match item {
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
                for impl_item in &mut i.items {
                    match impl_item {
                        syn::ImplItem::Fn(f) => drop_docs(&mut f.attrs),
                        _ => *impl_item = syn::ImplItem::Verbatim(empty()),
                    }
                }
                // The index reads an impl for its methods only (`impl Copy
                // for T {}` is one of two impls of every `windows-sys` type).
                i.items
                    .iter()
                    .any(|impl_item| matches!(impl_item, syn::ImplItem::Fn(_)))
            }
            syn::Item::Type(t) => {
                drop_docs(&mut t.attrs);
                *t.ty = syn::Type::Verbatim(empty());
                true
            }
            syn::Item::Trait(t) => {
                drop_docs(&mut t.attrs);
                for trait_item in &mut t.items {
                    match trait_item {
                        syn::TraitItem::Fn(f) => drop_docs(&mut f.attrs),
                        _ => *trait_item = syn::TraitItem::Verbatim(empty()),
                    }
                }
                true
            }
            syn::Item::Struct(s) => {
                drop_docs(&mut s.attrs);
                s.fields.iter_mut().for_each(|f| drop_docs(&mut f.attrs));
                true
            }
            syn::Item::Enum(e) => {
                drop_docs(&mut e.attrs);
                for variant in &mut e.variants {
                    drop_docs(&mut variant.attrs);
                    variant
                        .fields
                        .iter_mut()
                        .for_each(|f| drop_docs(&mut f.attrs));
                }
                true
            }
            _ => true,
        };
        if !keep {
            *item = syn::Item::Verbatim(empty());
        }
    }
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
}

/// Whether the index reads an item macro: `thread_local!` and
/// `lazy_static!` declare statics, `cached!` and its kin functions.
fn declares_items(mac: &syn::Macro) -> bool {
    static_macro_kind(mac).is_some() || cached_macro_name(mac).is_some()
}
