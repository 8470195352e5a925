//! Which functions are memoized, and how.
//!
//! A memoizing attribute is recognised by its resolved path (so
//! `#[cached]` counts after `use cached::proc_macro::cached;` and
//! `#[cached::proc_macro::cached]` counts as written, while an unrelated
//! local `#[cached]` attribute does not), then its options are read to
//! learn whether the cache has a size bound or a time-to-live.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::catalog::{Family, MemoizerAttribute, Memoizers};
use crate::index::{FnId, Index, ParsedFile};
use crate::source::Span;

/// One `name`, `name = value` or `Name: value` option of an attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrOption {
    pub name: String,
    /// The value's source text, whitespace-normalised.
    pub value: Option<String>,
    pub span: Span,
}

/// How big the cache can grow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeBound {
    /// Bounded by an option (`size = 100`) or by nature (`#[once]`).
    Bounded,
    /// Nothing bounds it.
    Unbounded,
    /// Deliberately unbounded (`unbound`) or handed to a store memolint
    /// cannot see into (a custom type, disk, Redis): nothing to say.
    Unknown,
}

/// How a function is memoized.
#[derive(Clone, Debug)]
pub enum Memoization {
    /// By an attribute macro from the memoizer catalog.
    Attribute {
        /// Index into [`crate::analyze::Analysis::memoizers`].
        memoizer: usize,
        /// The whole attribute, `#[...]`.
        span: Span,
        options: Vec<AttrOption>,
    },
}

/// A memoized function.
#[derive(Clone, Debug)]
pub struct Memoized {
    pub function: FnId,
    pub how: Memoization,
    pub bound: SizeBound,
    /// The option that sets a time-to-live, if any (`time = 60`).
    pub ttl: Option<AttrOption>,
}

impl Memoized {
    /// The span to point at as "memoized here".
    pub fn marker_span(&self) -> Span {
        match &self.how {
            Memoization::Attribute { span, .. } => *span,
        }
    }
}

pub(super) fn find_memoized(index: &Index<'_>, memoizers: &Memoizers) -> Vec<Memoized> {
    let mut out = Vec::new();
    for function in &index.fns {
        let scope = index.scope_of(function.id);
        let file = index.file_of(function);
        crate::guard::enter_file(file.source.id);
        for attr in function.attrs {
            let Some(memoizer) = resolve_attribute(index, function.id, &scope, attr, memoizers)
            else {
                continue;
            };
            let attribute = &memoizers.attributes[memoizer];
            let options = parse_options(file, attr);
            let bound = size_bound(attribute, &options);
            let ttl = options
                .iter()
                .find(|o| {
                    attribute.ttl_options.contains(&o.name) && o.value.as_deref() != Some("false")
                })
                .cloned();
            out.push(Memoized {
                function: function.id,
                how: Memoization::Attribute {
                    memoizer,
                    span: file.span(attr.span()),
                    options,
                },
                bound,
                ttl,
            });
            break;
        }
    }
    out
}

/// The memoizer an attribute stands for, by its resolved path.
fn resolve_attribute(
    index: &Index<'_>,
    function: FnId,
    scope: &crate::index::Scope<'_, '_>,
    attr: &syn::Attribute,
    memoizers: &Memoizers,
) -> Option<usize> {
    let path = attr.path();
    let position = |full: &str| {
        memoizers
            .attributes
            .iter()
            .position(|a| a.paths.iter().any(|p| p == full))
    };
    if let Some(full) = scope.resolve_macro(path) {
        if let Some(found) = position(&full) {
            return Some(found);
        }
    }
    // `use cached::proc_macro::*;` brings the bare name into scope.
    if let Some(ident) = path.get_ident() {
        let module = index.module(index.function(function).module);
        for glob in &module.globs {
            let candidate = format!("{}::{}", glob.join("::"), ident);
            if let Some(found) = position(&candidate) {
                return Some(found);
            }
        }
    }
    None
}

struct RawOption {
    name: syn::Ident,
    value: Option<syn::Expr>,
}

impl Parse for RawOption {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = input.call(syn::ext::IdentExt::parse_any)?;
        let value = if input.peek(syn::Token![=]) {
            input.parse::<syn::Token![=]>()?;
            Some(input.parse()?)
        } else if input.peek(syn::Token![:]) && !input.peek(syn::Token![::]) {
            input.parse::<syn::Token![:]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(RawOption { name, value })
    }
}

/// Reads `#[cached(size = 10, time = 60)]` and `#[memoize(Capacity: 10)]`
/// alike. An attribute whose arguments do not parse has no options we know.
fn parse_options(file: &ParsedFile, attr: &syn::Attribute) -> Vec<AttrOption> {
    let syn::Meta::List(list) = &attr.meta else {
        return Vec::new();
    };
    let parser = Punctuated::<RawOption, syn::Token![,]>::parse_terminated;
    let Ok(options) = syn::parse::Parser::parse2(parser, list.tokens.clone()) else {
        return Vec::new();
    };
    options
        .iter()
        .map(|option| AttrOption {
            name: option.name.to_string(),
            value: option.value.as_ref().map(crate::index::tokens_text),
            span: match &option.value {
                Some(value) => file.span(option.name.span()).to(file.span(value.span())),
                None => file.span(option.name.span()),
            },
        })
        .collect()
}

fn size_bound(attribute: &MemoizerAttribute, options: &[AttrOption]) -> SizeBound {
    let has = |names: &[String]| options.iter().any(|o| names.contains(&o.name));
    if attribute.bounded || attribute.family == Family::Framework {
        return SizeBound::Bounded;
    }
    if has(&attribute.size_options) {
        return SizeBound::Bounded;
    }
    if attribute.family == Family::User
        || has(&attribute.store_options)
        || has(&attribute.unbounded_options)
    {
        return SizeBound::Unknown;
    }
    SizeBound::Unbounded
}
