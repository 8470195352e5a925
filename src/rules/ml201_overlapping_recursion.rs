//! ML201 `overlapping-recursion`: a pure recursive function whose calls
//! overlap, so that it does exponential work for a polynomial number of
//! distinct subproblems, and that is not memoized.
//!
//! Everything is decided by the recursion analysis
//! (`analyze/recursion/`); this file turns its verdicts into findings: the
//! function's name as the primary span, the overlapping calls as secondary
//! labels, the cost estimate in the message, and notes for mutual
//! recursion, parameters that pass through unchanged, and reasons no cache
//! wrapper can be added automatically.

use super::{finding, Context, Fixability, Rule, RuleMeta};
use crate::analyze::recursion::{Overlap, RecursiveFn};
use crate::analyze::Needs;
use crate::diagnostic::{Finding, Label, Level};
use crate::fix::lru_wrapper::wrapper_fix;

pub struct OverlappingRecursion;

static META: RuleMeta = RuleMeta {
    code: "ML201",
    name: "overlapping-recursion",
    default_level: Level::Warn,
    summary: "pure recursive function with overlapping subproblems and no memoization",
    doc: include_str!("../../rules/ML201-overlapping-recursion.md"),
    fixability: Fixability::Sometimes,
    needs: Needs::Recursion,
};

/// Longest argument text shown in a label.
const MAX_ARGS_TEXT: usize = 48;

impl Rule for OverlappingRecursion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for recursive in &cx.analysis.recursion {
            if let Some(overlap) = recursive.overlap() {
                out.push(report(cx, recursive, overlap));
            }
        }
    }
}

fn report(cx: &Context<'_, '_>, recursive: &RecursiveFn, overlap: &Overlap) -> Finding {
    let function = cx.index.function(recursive.function);
    let names = recursive.param_names();
    let estimate = &overlap.estimate;
    let cost = match estimate.distinct_text(&names) {
        Some(distinct) => format!("{} for {distinct}", estimate.calls_text(&names)),
        None => format!(
            "{} (nested recursion: an argument is the result of a recursive call)",
            estimate.calls_text(&names)
        ),
    };
    let mut f = finding(
        &META,
        function.name_span,
        primary_label(recursive, overlap),
        format!(
            "`{}` recomputes overlapping subproblems: {cost}",
            function.name
        ),
    );
    f.function = Some(function.qualified_name.clone());

    let file = cx.index.file_of(function);
    for &i in &overlap.calls {
        let call = &recursive.calls[i];
        let args: Vec<String> = call
            .arg_spans
            .iter()
            .enumerate()
            .filter(|(position, _)| {
                call.callee != recursive.function
                    || !recursive
                        .params
                        .get(*position)
                        .is_some_and(|p| p.passes_through)
            })
            .map(|(_, span)| compact(file.source.slice(*span)))
            .collect();
        let mut args = match args.as_slice() {
            [one] => one.clone(),
            many => format!("({})", many.join(", ")),
        };
        if args.chars().count() > MAX_ARGS_TEXT {
            args = args.chars().take(MAX_ARGS_TEXT - 1).collect::<String>() + "…";
        }
        let callee = if call.callee == recursive.function {
            String::new()
        } else {
            format!(" to `{}`", cx.index.function(call.callee).name)
        };
        let per_iteration = if call.in_loop {
            ", once per loop iteration"
        } else {
            ""
        };
        f.labels.push(Label::new(
            call.span,
            format!("overlapping call{callee}: {args}{per_iteration}"),
        ));
    }

    let others: Vec<String> = recursive
        .cycle
        .iter()
        .filter(|&&g| g != recursive.function)
        .map(|&g| format!("`{}`", cx.index.function(g).name))
        .collect();
    if !others.is_empty() {
        f.notes.push(format!(
            "mutually recursive with {}: the cycle is judged as a whole",
            others.join(", ")
        ));
    }
    let names_where = |passes: bool| -> Vec<&str> {
        recursive
            .params
            .iter()
            .filter(|p| p.passes_through == passes)
            .map(|p| p.name.as_str())
            .collect()
    };
    let (through, keyed) = (names_where(true), names_where(false));
    if !through.is_empty() && !keyed.is_empty() {
        f.notes.push(format!(
            "{} {} every recursive call unchanged: within one top-level call, a cache needs only {} as its key",
            quoted(&through),
            if through.len() == 1 { "passes through" } else { "pass through" },
            key_text(&keyed),
        ));
    }
    if estimate.uses_distance() {
        f.notes.push(
            "Δ stands for how far a growing parameter still is from the bound that ends the recursion"
                .to_string(),
        );
    }
    // The analysis knows some reasons up front (a key type it cannot
    // hash); the wrapper generator checks the signature's shape.
    let no_fix = if overlap.no_fix.is_empty() {
        match wrapper_fix(cx.index, recursive.function, cx.config.fix_capacity) {
            Ok(fix) => {
                f.fix = Some(fix);
                None
            }
            Err(why) => Some(why),
        }
    } else {
        Some(overlap.no_fix.join("; "))
    };
    if let Some(why) = no_fix {
        f.notes.push(format!("no automatic fix: {why}"));
    }
    f.help = Some(format!(
        "memoize it, keyed on {} (e.g. `#[cached(size = 1024)]` from the `cached` crate, or a memo table passed down), or fill a table bottom-up",
        key_text(if keyed.is_empty() { &through } else { &keyed })
    ));
    f
}

fn primary_label(recursive: &RecursiveFn, overlap: &Overlap) -> String {
    let count = overlap.calls.len();
    let looped = overlap
        .calls
        .iter()
        .filter(|&&i| recursive.calls[i].in_loop)
        .count();
    let plural = if count == 1 { "" } else { "s" };
    match (looped, count) {
        (0, _) => format!("not memoized: {count} overlapping recursive calls per invocation"),
        (l, c) if l == c => {
            format!("not memoized: {count} recursive call{plural} per loop iteration")
        }
        (l, c) => {
            format!("not memoized: {c} recursive calls per invocation, {l} of them in a loop")
        }
    }
}

/// Source text on one line.
fn compact(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn key_text(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        many => format!("`({})`", many.join(", ")),
    }
}
