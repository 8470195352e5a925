//! ML002 `unused-suppression`: a suppression comment that suppresses
//! nothing, names no rule, or cannot be parsed.
//!
//! Suppressions can only be judged after every other rule ran, so the
//! pipeline's suppression stage (`crate::suppress`) finds them and builds
//! the findings with the functions below; `check` has nothing to do. The
//! wording of the findings lives here, with the rule's document.

use super::{finding, Context, Fixability, Rule, RuleMeta};
use crate::analyze::Needs;
use crate::diagnostic::{Finding, Fix, Level};
use crate::source::Span;

pub struct UnusedSuppression;

pub(crate) const CODE: &str = "ML002";

static META: RuleMeta = RuleMeta {
    code: CODE,
    name: "unused-suppression",
    default_level: Level::Warn,
    summary:
        "a suppression comment that suppresses nothing, names an unknown rule, or does not parse",
    doc: include_str!("../../rules/ML002-unused-suppression.md"),
    fixability: Fixability::Sometimes,
    needs: Needs::Nothing,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &Context<'_, '_>, _out: &mut Vec<Finding>) {}
}

const HELP_MOVE: &str =
    "remove it (the fix does), or move it to the end of the finding's line or right above the finding or its item";

/// Every rule the comment names is unused.
pub(crate) fn unused(comment: Span, codes: &[&str], detached: bool, fix: Fix) -> Finding {
    let list = codes
        .iter()
        .map(|code| format!("`{code}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut f = finding(
        &META,
        comment,
        "nothing to suppress",
        format!("unused suppression: no {list} finding here"),
    );
    if detached {
        f.notes.push(
            "a blank line separates the comment from the code below, so it covers nothing"
                .to_string(),
        );
    }
    f.help = Some(HELP_MOVE.to_string());
    f.fix = Some(fix);
    f
}

/// One of several rules the comment names is unused.
pub(crate) fn unused_code(code: Span, text: &str, fix: Fix) -> Finding {
    let mut f = finding(
        &META,
        code,
        "nothing to suppress",
        format!("unused suppression: no `{text}` finding here"),
    );
    f.help = Some("remove it from the list".to_string());
    f.fix = Some(fix);
    f
}

pub(crate) fn unknown_rule(code: Span, text: &str) -> Finding {
    let mut f = finding(
        &META,
        code,
        "unknown rule",
        format!("`{text}` in a suppression is not a memolint rule"),
    );
    f.help = Some("`memolint rules` lists the codes and names".to_string());
    f
}

pub(crate) fn malformed(comment: Span, problem: &str) -> Finding {
    let mut f = finding(
        &META,
        comment,
        problem,
        "malformed suppression comment: it suppresses nothing",
    );
    f.help = Some("write `// memolint: allow(CODE, ...) -- reason`".to_string());
    f
}
