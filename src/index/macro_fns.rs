//! Functions defined inside the `cached` crate's declarative macros:
//! `cached! { NAME; fn f(n: u64) -> u64 = { ... } }` and its variants
//! `cached_key!`, `cached_result!` and `cached_key_result!`.
//!
//! syn keeps a macro's body as tokens, so these functions would be
//! invisible. They are parsed once, when the file is parsed, into ordinary
//! `syn::ItemFn`s kept next to the file's AST (tokens keep their spans, so
//! findings point into the macro as written), and the index treats them as
//! functions of the module the macro is in.

use proc_macro2::{Delimiter, TokenTree};

use crate::index::tokens_text;

/// The declarative macros of the `cached` crate that define a function.
pub const CACHED_MACROS: &[&str] = &["cached", "cached_key", "cached_result", "cached_key_result"];

/// A function defined by a `cached!`-style macro.
pub struct MacroFn {
    pub item: syn::ItemFn,
    /// Which macro (`cached_key`).
    pub macro_name: String,
    /// The cache's name (`FIB`).
    pub cache_name: String,
    /// The cache's declared type, whitespace removed (`SizedCache<u64,u64>`),
    /// when given; without one the cache is an `UnboundCache`.
    pub cache_type: Option<String>,
    /// Where the macro's path starts, to match it with its item.
    pub macro_start: proc_macro2::Span,
}

/// Every `cached!`-style macro at item level in `file` (inline modules
/// included; function bodies are not searched).
pub fn extract(file: &syn::File) -> Vec<MacroFn> {
    let mut found = Vec::new();
    collect(&file.items, &mut found);
    found
}

fn collect(items: &[syn::Item], found: &mut Vec<MacroFn>) {
    for item in items {
        match item {
            syn::Item::Macro(item_macro) => {
                if let Some(macro_fn) = parse_macro(&item_macro.mac) {
                    found.push(macro_fn);
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    collect(items, found);
                }
            }
            _ => {}
        }
    }
}

/// The macro's name if `mac` is one of [`CACHED_MACROS`] (by its last
/// segment: they are used through `#[macro_use]` or by path).
pub fn cached_macro_name(mac: &syn::Macro) -> Option<String> {
    let last = &mac.path.segments.last()?.ident;
    CACHED_MACROS
        .iter()
        .find(|name| last == *name)
        .map(|name| name.to_string())
}

fn parse_macro(mac: &syn::Macro) -> Option<MacroFn> {
    let macro_name = cached_macro_name(mac)?;
    let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
    let fn_at = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i == "fn"))?;

    // Header: `NAME;` or `NAME: Type = expr;` (then `Key = { .. };` for
    // the `_key` forms).
    let header = &tokens[..fn_at];
    let cache_name = match header.first()? {
        TokenTree::Ident(ident) => ident.to_string(),
        _ => return None,
    };
    let cache_type = match header.get(1) {
        Some(TokenTree::Punct(p)) if p.as_char() == ':' => {
            let end = header
                .iter()
                .skip(2)
                .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '='))?;
            let ty: proc_macro2::TokenStream = header[2..2 + end].iter().cloned().collect();
            Some(tokens_text(&ty))
        }
        _ => None,
    };

    // `fn name(args) -> Ret = { body }`: drop the `=` before the body.
    let mut function: Vec<TokenTree> = tokens[fn_at..].to_vec();
    let body_at = function
        .iter()
        .rposition(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))?;
    if body_at == 0 {
        return None;
    }
    if matches!(&function[body_at - 1], TokenTree::Punct(p) if p.as_char() == '=') {
        function.remove(body_at - 1);
    }
    let stream: proc_macro2::TokenStream = function.into_iter().collect();
    let item = syn::parse2::<syn::ItemFn>(stream).ok()?;
    Some(MacroFn {
        item,
        macro_name,
        cache_name,
        cache_type,
        macro_start: syn::spanned::Spanned::span(&mac.path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form() {
        let file: syn::File = syn::parse_str(
            r#"
            cached! { FIB; fn fib(n: u64) -> u64 = { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } } }
            cached::cached_key! {
                LENGTH: SizedCache<String, usize> = SizedCache::with_size(50);
                Key = { format!("{}{}", a, b) };
                fn length(a: &str, b: &str) -> usize = { a.len() + b.len() }
            }
            mod inner { cached_result! { R: TimedCache<u32, u32> = TimedCache::with_lifespan(2); fn r(x: u32) -> Result<u32, ()> = { Ok(x) } } }
            macro_rules! unrelated { () => {} }
            "#,
        )
        .unwrap();
        let found = extract(&file);
        let summary: Vec<(String, String, String, Option<String>)> = found
            .iter()
            .map(|m| {
                (
                    m.macro_name.clone(),
                    m.item.sig.ident.to_string(),
                    m.cache_name.clone(),
                    m.cache_type.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("cached".into(), "fib".into(), "FIB".into(), None),
                (
                    "cached_key".into(),
                    "length".into(),
                    "LENGTH".into(),
                    Some("SizedCache<String,usize>".into())
                ),
                (
                    "cached_result".into(),
                    "r".into(),
                    "R".into(),
                    Some("TimedCache<u32,u32>".into())
                ),
            ]
        );
    }
}
