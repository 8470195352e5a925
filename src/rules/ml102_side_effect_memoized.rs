//! ML102 `side-effect-memoized`: a memoized function with side effects
//! (printing, logging, writing files, changing the process, writing global
//! state, mutating a `&mut` parameter). They happen on a cache miss and
//! silently not on a hit.

use super::memo_effects::{chain_notes, effect_groups, marker_label, primary_label, summaries};
use super::{finding, Context, Fixability, Rule, RuleMeta};
use crate::analyze::{Memoization, Needs};
use crate::catalog::EffectKind;
use crate::diagnostic::{Finding, Level};

pub struct SideEffectMemoized;

static META: RuleMeta = RuleMeta {
    code: "ML102",
    name: "side-effect-memoized",
    default_level: Level::Warn,
    summary: "memoized function with side effects that silently do not happen on cache hits",
    doc: include_str!("../../rules/ML102-side-effect-memoized.md"),
    fixability: Fixability::None,
    needs: Needs::Memoized,
};

const HELP: &str = "move the side effect out of the memoized function (into its caller, or a wrapper that calls it), or do not memoize it";

impl Rule for SideEffectMemoized {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for memoized in &cx.analysis.memoized {
            let function = cx.index.function(memoized.function);
            for group in effect_groups(cx, memoized, EffectKind::SideEffect) {
                let through = group
                    .via
                    .map(|via| format!(" (through `{}`)", cx.index.function(via).name))
                    .unwrap_or_default();
                let mut f = finding(
                    &META,
                    group.span,
                    primary_label(cx, &group),
                    format!(
                        "`{}` is memoized but {}{through}: on a cache hit that does not happen",
                        function.name,
                        summaries(cx, &group.categories)
                    ),
                );
                f.function = Some(function.qualified_name.clone());
                f.labels.push(marker_label(cx, memoized));
                f.notes = chain_notes(cx, memoized.function, &group);
                f.help = Some(HELP.to_string());
                out.push(f);
            }
            // An attribute-memoized function that takes `&mut` changes its
            // caller's data on a miss only. (A `&mut` memo table parameter is
            // the cache itself.)
            if let Memoization::Attribute { .. } = memoized.how {
                let file = cx.index.file_of(function);
                for (pat_type, _) in function.mut_ref_params() {
                    let name = crate::index::tokens_text(&*pat_type.pat);
                    let mut f = finding(
                        &META,
                        file.span(syn::spanned::Spanned::span(pat_type)),
                        format!("`{name}` is changed on cache misses only"),
                        format!(
                            "`{}` is memoized but takes `{name}` by `&mut`: on a cache hit it is not changed",
                            function.name
                        ),
                    );
                    f.function = Some(function.qualified_name.clone());
                    f.labels.push(marker_label(cx, memoized));
                    f.help = Some(HELP.to_string());
                    out.push(f);
                }
            }
        }
    }
}
