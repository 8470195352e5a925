//! What the index never reads is dropped from a file's tree as soon as the
//! file is parsed and its suppressions are read, before the unit's other
//! files are parsed. On the development machine the check pays for its
//! peak memory (the kernel zeroes fresh pages, about 1 ms per MB), and the
//! trees are most of it. `summary.rs` does the same for function bodies.
//!
//! What stays goes into the file's outline (`outline.rs`), which keeps of
//! each item only what `modules.rs`, `body.rs` and the analyses read: the
//! tree is dropped once it is made. Pruning first spares the outline the
//! items it would drop, and the summaries the names those items declare.

use super::macro_fns::cached_macro_name;
use super::modules::static_macro_kind;

/// Drops, in place, what the index never reads from `file`.
pub(crate) fn prune_file(file: &mut syn::File) {
    prune(&mut file.items);
}

/// Removes the items the index never reads (constants, `extern` blocks,
/// macros other than those that declare statics or cached functions, impls
/// without methods, associated items other than methods) and the doc
/// comments of functions, which they keep in the outline (`outline.rs`).
/// Generated code (`windows-sys`) is mostly such items, documented code has
/// a doc line for every few lines of code.
fn prune(items: &mut Vec<syn::Item>) {
    items.retain_mut(|item| match item {
        syn::Item::Const(_) | syn::Item::ForeignMod(_) => false,
        syn::Item::Macro(m) => declares_items(&m.mac),
        syn::Item::Fn(f) => {
            drop_docs(&mut f.attrs);
            true
        }
        syn::Item::Mod(m) => {
            if let Some((_, items)) = &mut m.content {
                prune(items);
            }
            true
        }
        syn::Item::Impl(i) => {
            keep_methods(&mut i.items, |impl_item| match impl_item {
                syn::ImplItem::Fn(f) => Some(&mut f.attrs),
                _ => None,
            });
            // The index reads an impl for its methods only (`impl Copy
            // for T {}` is one of two impls of every `windows-sys` type).
            !i.items.is_empty()
        }
        syn::Item::Trait(t) => {
            keep_methods(&mut t.items, |trait_item| match trait_item {
                syn::TraitItem::Fn(f) => Some(&mut f.attrs),
                _ => None,
            });
            true
        }
        _ => true,
    });
}

/// Keeps of an impl's or a trait's items only the methods, without their
/// doc comments; `method_attrs` gives a method's
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
