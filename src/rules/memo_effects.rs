//! What ML101 and ML102 share: turning a memoized function's effects of one
//! kind into findings that name their evidence.
//!
//! Effects are grouped by the call in the memoized function's own body that
//! leads to them, so `rate()` calling `fetch_rate()`, which both reads the
//! clock and talks to the network, is one finding on that call with one
//! chain note per category, not two findings on the same span.

use std::collections::BTreeMap;

use super::Context;
use crate::analyze::{Memoization, Memoized, Witness};
use crate::catalog::{EffectKind, Family};
use crate::diagnostic::Label;
use crate::index::FnId;
use crate::source::Span;

/// Effects of one kind reached through one call of a memoized function.
pub(super) struct EffectGroup {
    /// The call (or global use) in the memoized function's body.
    pub span: Span,
    /// The crate function that call leads through, if the source is not
    /// in the body itself.
    pub via: Option<FnId>,
    /// What the body calls directly, for direct sources.
    pub direct_what: Option<String>,
    /// Categories reached, in catalog order.
    pub categories: Vec<usize>,
}

/// The effects of kind `kind` that `memoized` reaches, grouped by the first
/// call on their chain, in source order.
pub(super) fn effect_groups(
    cx: &Context<'_, '_>,
    memoized: &Memoized,
    kind: EffectKind,
) -> Vec<EffectGroup> {
    let mut groups: BTreeMap<(usize, usize), EffectGroup> = BTreeMap::new();
    for category in cx.analysis.effects.categories(memoized.function) {
        if cx.analysis.sources.categories[category].kind != kind {
            continue;
        }
        let Some(witness) = cx.analysis.effects.witness(memoized.function, category) else {
            continue;
        };
        let (span, via, direct_what) = match witness {
            Witness::Direct { span, what } => (*span, None, Some(what.clone())),
            Witness::Via { span, callee } => (*span, Some(*callee), None),
        };
        groups
            .entry((span.start, span.end))
            .or_insert_with(|| EffectGroup {
                span,
                via,
                direct_what,
                categories: Vec::new(),
            })
            .categories
            .push(category);
    }
    groups.into_values().collect()
}

/// `reads the clock and talks to the network`.
pub(super) fn summaries(cx: &Context<'_, '_>, categories: &[usize]) -> String {
    let parts: Vec<&str> = categories
        .iter()
        .map(|&c| cx.analysis.sources.categories[c].summary.as_str())
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A function's name as users write it inside the crate: the qualified
/// name without the crate (`rates::fetch_rate`, `Client::get`).
pub(super) fn short_name(cx: &Context<'_, '_>, function: FnId) -> String {
    let qualified = &cx.index.function(function).qualified_name;
    qualified
        .split_once("::")
        .map_or_else(|| qualified.clone(), |(_, rest)| rest.to_string())
}

/// The primary label: what the call does.
pub(super) fn primary_label(cx: &Context<'_, '_>, group: &EffectGroup) -> String {
    let what = match (&group.direct_what, group.via) {
        (Some(what), _) => what.clone(),
        (None, Some(via)) => short_name(cx, via),
        (None, None) => "this".to_string(),
    };
    format!("`{what}` {}", summaries(cx, &group.categories))
}

/// One note per category whose chain goes through other functions:
/// `` `rate` → `fetch_rate` (src/rates.rs:11) → `SystemTime::now` (src/rates.rs:23): reads the clock ``.
pub(super) fn chain_notes(
    cx: &Context<'_, '_>,
    function: FnId,
    group: &EffectGroup,
) -> Vec<String> {
    if group.via.is_none() {
        return Vec::new();
    }
    group
        .categories
        .iter()
        .map(|&category| {
            let chain = cx.analysis.effects.chain(cx.index, function, category);
            let mut text = format!("`{}`", short_name(cx, function));
            for step in &chain {
                let caller = cx.index.function(step.caller);
                let file = &cx.index.file_of(caller).source;
                let at = file.line_col(step.span.start);
                let callee = match step.callee_fn {
                    Some(callee) => short_name(cx, callee),
                    None => step.callee.clone(),
                };
                text.push_str(&format!(" → `{callee}` ({}:{})", file.display, at.line));
            }
            let summary = &cx.analysis.sources.categories[category].summary;
            format!("call chain: {text}: {summary}")
        })
        .collect()
}

/// The secondary label on what makes the function memoized.
pub(super) fn marker_label(cx: &Context<'_, '_>, memoized: &Memoized) -> Label {
    let span = memoized.marker_span();
    let text = match &memoized.how {
        Memoization::Attribute { .. } if memoized.ttl.is_some() => {
            "memoized here, with a time-to-live".to_string()
        }
        Memoization::Attribute { .. } => "memoized here".to_string(),
        Memoization::Macro { .. } => "memoized by this macro".to_string(),
        Memoization::StaticTable { table, .. } => {
            format!("cached in `{}` here", cx.index.static_def(*table).name)
        }
        Memoization::OnceCell { cell, .. } => {
            format!(
                "computed once into `{}` here",
                cx.index.static_def(*cell).name
            )
        }
        Memoization::Parameter { name, .. } => format!("memo table `{name}`"),
    };
    Label::new(span, text)
}

/// The memoizer family of an attribute-memoized function.
pub(super) fn family(cx: &Context<'_, '_>, memoized: &Memoized) -> Option<Family> {
    match &memoized.how {
        Memoization::Attribute { memoizer, .. } => {
            Some(cx.analysis.memoizers.attributes[*memoizer].family)
        }
        _ => None,
    }
}
