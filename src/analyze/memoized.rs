//! Which functions are memoized, and how.
//!
//! A memoizing attribute is recognised by its resolved path (so
//! `#[cached]` counts after `use cached::proc_macro::cached;` and
//! `#[cached::proc_macro::cached]` counts as written, while an unrelated
//! local `#[cached]` attribute does not), then its options are read to
//! learn whether the cache has a size bound or a time-to-live.
//!
//! Hand-rolled memoization is recognised by shape: a function that both
//! looks up and fills a map kept in a `static`/`thread_local!`/
//! `lazy_static!`, one that fills a `OnceLock`/`OnceCell` with
//! `get_or_init`, or one that takes a `&mut` memo table (`&mut HashMap`,
//! `&mut Vec<Option<_>>`).

use std::collections::{HashMap, HashSet};

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::catalog::{Family, MemoizerAttribute, Memoizers};
use crate::index::{CallKind, FnDef, FnId, FnOwner, Index, ModuleId, ParsedFile, StaticId};
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
    /// Defined inside a `cached!`-style macro.
    Macro {
        /// Index into [`crate::analyze::Analysis::memoizers`] (the
        /// `cached` family entry).
        memoizer: usize,
        /// The macro's path, `cached!`.
        span: Span,
    },
    /// A map in a static that the function looks up and fills.
    StaticTable {
        table: StaticId,
        /// Where the function uses it.
        span: Span,
    },
    /// A `OnceLock`/`OnceCell` static filled with `get_or_init`.
    OnceCell { cell: StaticId, span: Span },
    /// A `&mut` memo table parameter.
    Parameter { name: String, span: Span },
}

impl Memoization {
    /// The static holding the cache, for hand-rolled caches in statics.
    pub fn table(&self) -> Option<StaticId> {
        match self {
            Memoization::StaticTable { table, .. } => Some(*table),
            Memoization::OnceCell { cell, .. } => Some(*cell),
            Memoization::Attribute { .. }
            | Memoization::Macro { .. }
            | Memoization::Parameter { .. } => None,
        }
    }
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
            Memoization::Attribute { span, .. }
            | Memoization::Macro { span, .. }
            | Memoization::StaticTable { span, .. }
            | Memoization::OnceCell { span, .. }
            | Memoization::Parameter { span, .. } => *span,
        }
    }
}

pub(super) fn find_memoized(index: &Index<'_>, memoizers: &Memoizers) -> Vec<Memoized> {
    let mut out = Vec::new();
    let cached_family = memoizers.attributes.iter().position(|a| a.name == "cached");
    // The last segment of every memoizer path (`cached`, `memoize`, ...).
    let last_names: HashSet<&str> = memoizers
        .attributes
        .iter()
        .flat_map(|a| a.paths.iter())
        .filter_map(|p| p.rsplit("::").next())
        .collect();
    let mut known: HashMap<(ModuleId, String), Option<usize>> = HashMap::new();
    for function in &index.fns {
        let found_before = out.len();
        if let Some(memoized) = from_macro(index, function, cached_family) {
            out.push(memoized);
            continue;
        }
        let scope = index.scope_of(function.id);
        let file = index.file_of(function);
        crate::guard::enter_file(file.source.id);
        // A one-word attribute (`#[doc]`, `#[inline]`, `#[cached]`) means
        // the same in every function of a module that imports nothing of
        // its own: resolve it once per module.
        let own_imports = has_local_imports(index, function.id);
        for attr in function.attrs {
            let resolved = match attr.path().get_ident() {
                Some(ident) if !own_imports => *known
                    .entry((function.module, ident.to_string()))
                    .or_insert_with(|| {
                        resolve_attribute(index, function.id, &scope, attr, memoizers, &last_names)
                    }),
                _ => resolve_attribute(index, function.id, &scope, attr, memoizers, &last_names),
            };
            let Some(memoizer) = resolved else {
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
        if out.len() == found_before {
            out.extend(hand_rolled(index, function));
        }
    }
    out
}

/// A function defined by a `cached!`-style macro: bounded when its cache
/// type is, with a time-to-live when it is a timed cache.
fn from_macro(
    index: &Index<'_>,
    function: &FnDef<'_>,
    cached_family: Option<usize>,
) -> Option<Memoized> {
    let memoizer = cached_family?;
    let file = index.file_of(function);
    let macro_fn = file
        .macro_fns
        .iter()
        .find(|m| function.is_defined_by(&m.item.sig))?;
    let ty = macro_fn.cache_type.as_deref().unwrap_or("UnboundCache");
    let bound = if ["Sized", "Lru"].iter().any(|t| ty.contains(t)) {
        SizeBound::Bounded
    } else if ty.starts_with("UnboundCache") {
        SizeBound::Unbounded
    } else {
        SizeBound::Unknown
    };
    let span = file.span(macro_fn.macro_start);
    let ttl = ty.contains("Timed").then(|| AttrOption {
        name: macro_fn.cache_name.clone(),
        value: Some(ty.to_string()),
        span,
    });
    Some(Memoized {
        function: function.id,
        how: Memoization::Macro { memoizer, span },
        bound,
        ttl,
    })
}

/// Map types a hand-rolled cache is kept in.
const TABLE_TYPES: &[&str] = &[
    "HashMap",
    "BTreeMap",
    "LruCache",
    "DashMap",
    "IndexMap",
    "FxHashMap",
    "AHashMap",
    "SizedCache",
    "UnboundCache",
    "TimedCache",
    "TimedSizedCache",
];
/// Bounded map types.
const BOUNDED_TABLE_TYPES: &[&str] = &["LruCache", "SizedCache", "TimedSizedCache"];
/// Single-value cells filled on first use.
const ONCE_TYPES: &[&str] = &["OnceLock<", "OnceCell<"];
/// Methods that look a key up in a table.
const LOOKUPS: &[&str] = &[
    "get",
    "contains_key",
    "entry",
    "get_mut",
    "peek",
    "cache_get",
    "get_or_insert_with",
    "get_or_insert",
];
/// Methods that store into a table.
const FILLS: &[&str] = &[
    "insert",
    "put",
    "entry",
    "cache_set",
    "get_or_insert_with",
    "get_or_insert",
    "or_insert",
    "or_insert_with",
    "push",
];

/// Whether the use at `span` is in the tail expression of `function`'s
/// body, so that what the cell holds is what the function returns. A
/// function that merely fills a cell on the way (`main` initialising a
/// global) is not memoized by it.
fn returns_the_value(index: &Index<'_>, function: &FnDef<'_>, span: Span) -> bool {
    if !function.returns_value() {
        return false;
    }
    index
        .tail_start(function)
        .is_some_and(|tail_start| tail_start <= span.start)
}

/// A hand-rolled cache `function` keeps, if it has one.
fn hand_rolled(index: &Index<'_>, function: &FnDef<'_>) -> Option<Memoized> {
    let methods: Vec<&str> = function
        .calls
        .iter()
        .filter_map(|call| match &call.kind {
            CallKind::Method { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let calls_any = |names: &[&str]| methods.iter().any(|m| names.contains(m));
    let looks_up_and_fills = calls_any(LOOKUPS) && calls_any(FILLS);
    let returns_something = function.returns_value();

    for used in &function.static_uses {
        let def = index.static_def(used.target);
        if ONCE_TYPES.iter().any(|t| def.ty.contains(t))
            && matches!(
                used.method.as_deref(),
                Some("get_or_init" | "get_or_try_init")
            )
            && returns_the_value(index, function, used.span)
        {
            return Some(Memoized {
                function: function.id,
                how: Memoization::OnceCell {
                    cell: def.id,
                    span: used.span,
                },
                bound: SizeBound::Bounded,
                ttl: None,
            });
        }
        // A function that returns nothing serves no answer from the table
        // (a "warn once" set, a registry): it is not memoized by it.
        if looks_up_and_fills && returns_something && TABLE_TYPES.iter().any(|t| def.ty.contains(t))
        {
            let bounded = BOUNDED_TABLE_TYPES.iter().any(|t| def.ty.contains(t));
            return Some(Memoized {
                function: function.id,
                how: Memoization::StaticTable {
                    table: def.id,
                    span: used.span,
                },
                bound: if bounded {
                    SizeBound::Bounded
                } else {
                    SizeBound::Unknown
                },
                ttl: None,
            });
        }
    }

    let file = index.file_of(function);
    for (pat_type, reference) in function.mut_ref_params() {
        let syn::Pat::Ident(name) = &*pat_type.pat else {
            continue;
        };
        let ty = crate::index::tokens_text(&*reference.elem);
        let is_map = TABLE_TYPES.iter().any(|t| ty.contains(t)) && looks_up_and_fills;
        // `memo[i] = Some(v)` needs no method call.
        let is_slots = ty.starts_with("Vec<Option<")
            || ty.starts_with("[Option<")
            || ty.starts_with("Vec<Vec<Option<");
        if is_map || is_slots {
            return Some(Memoized {
                function: function.id,
                how: Memoization::Parameter {
                    name: name.ident.to_string(),
                    span: file.span(pat_type.span()),
                },
                bound: SizeBound::Unknown,
                ttl: None,
            });
        }
    }
    None
}

/// The memoizer an attribute stands for, by its resolved path.
fn resolve_attribute(
    index: &Index<'_>,
    function: FnId,
    scope: &crate::index::Scope<'_, '_>,
    attr: &syn::Attribute,
    memoizers: &Memoizers,
    last_names: &HashSet<&str>,
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
        // Only a memoizer whose path ends in this name can be found so
        // (most attributes are `doc` comments): skip the globs otherwise.
        if !last_names.contains(ident.to_string().as_str()) {
            return None;
        }
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

/// Whether names in `function` may resolve through imports declared in
/// its body or the bodies around it, not only through its module.
fn has_local_imports(index: &Index<'_>, function: FnId) -> bool {
    let mut current = Some(function);
    while let Some(f) = current {
        let def = index.function(f);
        if def.local_imports().next().is_some() {
            return true;
        }
        current = match def.owner {
            FnOwner::Nested { parent } => Some(parent),
            _ => None,
        };
    }
    false
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
