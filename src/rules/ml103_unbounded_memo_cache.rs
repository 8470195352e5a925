//! ML103 `unbounded-memo-cache`: a memoization cache with no size bound.
//!
//! Flags `#[cached]` without `size`/`max_size`, `#[concurrent_cached]`
//! without one, and `#[memoize]` without `Capacity`, unless the key space is
//! obviously small (no parameters, or only `bool`/`u8`/`i8`/`()`
//! parameters). `#[once]` keeps one value and is never flagged; neither is a
//! cache handed to a custom, disk or Redis store, nor one declared `unbound`
//! on purpose.

use super::{finding, Context, Fixability, Rule, RuleMeta};
use crate::analyze::{Memoization, Needs, SizeBound};
use crate::catalog::Family;
use crate::diagnostic::{Finding, Label, Level};
use crate::fix::cache_bound::bound_fix;

pub struct UnboundedMemoCache;

static META: RuleMeta = RuleMeta {
    code: "ML103",
    name: "unbounded-memo-cache",
    default_level: Level::Warn,
    summary: "memoization with no size bound whose key space is not obviously small",
    doc: include_str!("../../rules/ML103-unbounded-memo-cache.md"),
    fixability: Fixability::Sometimes,
    needs: Needs::Memoized,
};

/// Parameter types with so few values that an unbounded cache stays small.
const SMALL_KEY_TYPES: &[&str] = &["bool", "u8", "i8", "()"];

impl Rule for UnboundedMemoCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for memoized in &cx.analysis.memoized {
            if memoized.bound != SizeBound::Unbounded {
                continue;
            }
            let (memoizer, span, is_macro) = match &memoized.how {
                Memoization::Attribute { memoizer, span, .. } => (memoizer, span, false),
                Memoization::Macro { memoizer, span } => (memoizer, span, true),
                _ => continue,
            };
            let attribute = &cx.analysis.memoizers.attributes[*memoizer];
            let function = cx.index.function(memoized.function);
            let Some(sig) = cx.index.signature(function) else {
                continue;
            };
            let key_params: Vec<&syn::PatType> = sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(pat_type) => Some(pat_type),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            let small = key_params
                .iter()
                .all(|p| SMALL_KEY_TYPES.contains(&crate::index::tokens_text(&*p.ty).as_str()));
            if small {
                continue;
            }
            let file = cx.index.file_of(function);
            let keys: Vec<String> = key_params
                .iter()
                .map(|p| {
                    crate::index::tokens_text(&*p.pat) + ": " + &crate::index::tokens_text(&*p.ty)
                })
                .collect();
            let (bound_option, example) = match attribute.family {
                _ if is_macro => (
                    "`SizedCache`",
                    "NAME: SizedCache<K, V> = SizedCache::with_size(1024);".to_string(),
                ),
                Family::Memoize => ("`Capacity`", "#[memoize(Capacity: 1024)]".to_string()),
                _ => ("`size`", format!("#[{}(size = 1024)]", attribute.name)),
            };
            let mut f = finding(
                &META,
                *span,
                format!("no {bound_option} bound"),
                format!(
                    "`{}` is memoized with no size bound: its cache keeps every distinct argument forever",
                    function.name
                ),
            );
            f.function = Some(function.qualified_name.clone());
            let params_span = match (sig.inputs.first(), sig.inputs.last()) {
                (Some(first), Some(last)) => {
                    use syn::spanned::Spanned;
                    Some(file.span(first.span()).to(file.span(last.span())))
                }
                _ => None,
            };
            if let Some(params_span) = params_span {
                f.labels.push(Label::new(
                    params_span,
                    format!("keyed on ({}), which is not a small set", keys.join(", ")),
                ));
            }
            if memoized.ttl.is_some() {
                f.notes.push(
                    "a time-to-live expires entries but does not bound how many are live at once"
                        .to_string(),
                );
            }
            f.help = Some(format!(
                "bound the cache, e.g. `{example}`, so that old entries are evicted"
            ));
            if is_macro {
                f.notes.push(
                    "no automatic fix: the cache type of a `cached!` macro is changed by hand"
                        .to_string(),
                );
            } else {
                f.fix = bound_fix(
                    &file.source,
                    *span,
                    attribute.family,
                    cx.config.fix_capacity,
                );
            }
            out.push(f);
        }
    }
}
