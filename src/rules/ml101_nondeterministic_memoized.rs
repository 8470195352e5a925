//! ML101 `nondeterministic-memoized`: a memoized function whose result
//! depends on something other than its arguments (the clock, randomness,
//! files, the network, the environment, processes, global mutable state),
//! directly or through the crate's own functions. The cache serves the
//! first answer forever; with a time-to-live, for as long as the TTL.

use super::memo_effects::{
    chain_notes, effect_groups, family, marker_label, primary_label, summaries,
};
use super::{finding, Context, Fixability, Rule, RuleMeta};
use crate::analyze::{Memoization, Needs};
use crate::catalog::{EffectKind, Family};
use crate::diagnostic::{Finding, Level};

pub struct NondeterministicMemoized;

static META: RuleMeta = RuleMeta {
    code: "ML101",
    name: "nondeterministic-memoized",
    default_level: Level::Deny,
    summary: "memoized function whose result depends on time, randomness, IO, network, env, processes or global state",
    doc: include_str!("../../rules/ML101-nondeterministic-memoized.md"),
    fixability: Fixability::None,
    needs: Needs::Memoized,
};

impl Rule for NondeterministicMemoized {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for memoized in &cx.analysis.memoized {
            let function = cx.index.function(memoized.function);
            for group in effect_groups(cx, memoized, EffectKind::Nondeterministic) {
                let through = group
                    .via
                    .map(|via| format!(" (through `{}`)", cx.index.function(via).name))
                    .unwrap_or_default();
                let consequence = match &memoized.ttl {
                    Some(ttl) => format!(
                        "its cache serves answers as old as its time-to-live (`{}`)",
                        option_text(ttl)
                    ),
                    None if keeps_one_value(cx, memoized) => {
                        "the first answer is kept for the life of the process".to_string()
                    }
                    None => "its cache keeps serving the first answer for each key".to_string(),
                };
                let mut f = finding(
                    &META,
                    group.span,
                    primary_label(cx, &group),
                    format!(
                        "`{}` is memoized but {}{through}: {consequence}",
                        function.name,
                        summaries(cx, &group.categories)
                    ),
                );
                if memoized.ttl.is_some() {
                    // A TTL bounds the damage: one level below the rule's.
                    f.level = Level::Warn;
                }
                f.function = Some(function.qualified_name.clone());
                f.labels.push(marker_label(cx, memoized));
                f.notes = chain_notes(cx, memoized.function, &group);
                f.help = Some(help(cx, memoized));
                out.push(f);
            }
        }
    }
}

/// `#[once]` and `OnceLock`-style caches hold a single value.
fn keeps_one_value(cx: &Context<'_, '_>, memoized: &crate::analyze::Memoized) -> bool {
    match &memoized.how {
        Memoization::OnceCell { .. } => true,
        Memoization::Attribute { memoizer, .. } => {
            cx.analysis.memoizers.attributes[*memoizer].name == "once"
        }
        _ => false,
    }
}

fn option_text(option: &crate::analyze::AttrOption) -> String {
    match &option.value {
        Some(value) if option.name.starts_with(char::is_uppercase) => {
            format!("{}: {value}", option.name)
        }
        Some(value) => format!("{} = {value}", option.name),
        None => option.name.clone(),
    }
}

fn help(cx: &Context<'_, '_>, memoized: &crate::analyze::Memoized) -> String {
    const PASS_IN: &str =
        "pass what it reads in as an argument, so that it is part of the cache key";
    if memoized.ttl.is_some() {
        return format!(
            "if answers that old are acceptable, say so with `// memolint: allow(ML101) -- reason`; otherwise {PASS_IN}"
        );
    }
    match (family(cx, memoized), &memoized.how) {
        (Some(Family::Cached), _) => format!(
            "{PASS_IN}; or bound how stale answers get with a time-to-live (`time = 60`); or remove the cache"
        ),
        (Some(Family::Memoize), _) => format!(
            "{PASS_IN}; or bound how stale answers get with `TimeToLive: Duration::from_secs(60)`; or remove the cache"
        ),
        (Some(Family::Framework), _) => format!(
            "incremental frameworks require memoized functions to be deterministic: {PASS_IN} (a tracked input)"
        ),
        (_, Memoization::OnceCell { .. }) => {
            "the first value is kept for the life of the process: read it at start-up and pass it in, or do not cache it".to_string()
        }
        _ => format!("{PASS_IN}; or clear the cache when what it reads changes; or remove the cache"),
    }
}
