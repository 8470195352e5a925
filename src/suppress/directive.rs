//! The syntax of a suppression comment:
//!
//! ```text
//! // memolint: allow(ML103, nondeterministic-memoized) -- the reason
//! //! memolint: allow(ML103)
//! ```
//!
//! A comment whose text starts with `memolint:` followed by `allow` is a
//! directive; anything else after `memolint:` is prose and ignored. A
//! directive that does not parse is kept as [`Parsed::Malformed`] so that
//! it is reported instead of silently doing nothing. Every code keeps its
//! byte range, for precise findings and fixes.

use std::ops::Range;

use super::comments::{Comment, CommentKind};
use crate::rules;

/// One rule named in a directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRef {
    /// As written: a code or a name.
    pub text: String,
    pub range: Range<usize>,
    /// The rule's code, when the text names a rule.
    pub rule: Option<&'static str>,
}

/// A well-formed suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The whole comment.
    pub comment: Range<usize>,
    /// `//!`: it covers the enclosing module (the file, at the top).
    pub inner: bool,
    pub codes: Vec<CodeRef>,
    /// The text between the parentheses.
    pub list: Range<usize>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    Directive(Directive),
    Malformed {
        comment: Range<usize>,
        problem: String,
    },
}

const MARKER: &str = "memolint:";

/// The directive in `comment`, if it is one. `text` is the whole file.
pub fn parse(text: &str, comment: &Comment) -> Option<Parsed> {
    let (inner, prefix_len) = match comment.kind {
        CommentKind::Line => (false, 2),
        CommentKind::InnerDoc => (true, 3),
        CommentKind::OuterDoc | CommentKind::Block => return None,
    };
    let start = comment.range.start;
    let body = &text[start + prefix_len..comment.range.end];
    let marker_at = body.len() - body.trim_start().len();
    let after_marker = body[marker_at..].strip_prefix(MARKER)?;
    let verb_at = marker_at + MARKER.len() + (after_marker.len() - after_marker.trim_start().len());
    let is_word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let verb_follows = body[verb_at..]
        .strip_prefix("allow")
        .is_some_and(|rest| !rest.starts_with(is_word_char));
    if !verb_follows {
        // `// memolint: this is fine`: prose that mentions us.
        return None;
    }
    let malformed = |problem: &str| {
        Some(Parsed::Malformed {
            comment: comment.range.clone(),
            problem: problem.to_string(),
        })
    };
    let after_verb = &body[verb_at + "allow".len()..];
    let open = verb_at + "allow".len() + (after_verb.len() - after_verb.trim_start().len());
    if !body[open..].starts_with('(') {
        return malformed("expected `(` after `allow`");
    }
    let Some(close) = body[open..].find(')').map(|i| open + i) else {
        return malformed("expected `)` after the rules");
    };
    if body[open + 1..close].trim().is_empty() {
        return malformed("expected at least one rule code or name");
    }
    let mut codes = Vec::new();
    let mut at = open + 1;
    for part in body[open + 1..close].split(',') {
        let trimmed = part.trim();
        let lead = part.len() - part.trim_start().len();
        if trimmed.is_empty() {
            return malformed("expected a rule code or name between the commas");
        }
        let code_start = start + prefix_len + at + lead;
        codes.push(CodeRef {
            text: trimmed.to_string(),
            range: code_start..code_start + trimmed.len(),
            rule: rules::find(trimmed).map(|rule| rule.meta().code),
        });
        at += part.len() + 1;
    }
    let rest = body[close + 1..].trim();
    let reason = if rest.is_empty() {
        None
    } else if let Some(reason) = rest.strip_prefix("--") {
        Some(reason.trim().to_string()).filter(|r| !r.is_empty())
    } else {
        return malformed("expected `-- reason` or nothing after the rules");
    };
    Some(Parsed::Directive(Directive {
        comment: comment.range.clone(),
        inner,
        codes,
        list: start + prefix_len + open + 1..start + prefix_len + close,
        reason,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::comments::lex;
    use super::*;

    fn parse_all(text: &str) -> Vec<Parsed> {
        lex(text)
            .comments
            .iter()
            .filter_map(|c| parse(text, c))
            .collect()
    }

    fn directive(text: &str) -> Directive {
        match parse_all(text).pop() {
            Some(Parsed::Directive(d)) => d,
            other => panic!("not a directive: {other:?}"),
        }
    }

    #[test]
    fn codes_names_and_reason() {
        let text = "x(); // memolint: allow(ML103,  unbounded-memo-cache , ML999) -- small keys";
        let d = directive(text);
        assert!(!d.inner);
        let codes: Vec<(&str, Option<&str>, &str)> = d
            .codes
            .iter()
            .map(|c| (c.text.as_str(), c.rule, &text[c.range.clone()]))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("ML103", Some("ML103"), "ML103"),
                (
                    "unbounded-memo-cache",
                    Some("ML103"),
                    "unbounded-memo-cache"
                ),
                ("ML999", None, "ML999"),
            ]
        );
        assert_eq!(d.reason.as_deref(), Some("small keys"));
        assert_eq!(
            &text[d.list.clone()],
            "ML103,  unbounded-memo-cache , ML999"
        );
    }

    #[test]
    fn inner_without_reason_and_lowercase_code() {
        let d = directive("//!memolint:allow(ml103)\n");
        assert!(d.inner);
        assert_eq!(d.codes[0].rule, Some("ML103"));
        assert_eq!(d.reason, None);
        assert_eq!(directive("// memolint: allow(ML103) --").reason, None);
    }

    #[test]
    fn prose_doc_comments_and_strings_are_not_directives() {
        assert!(parse_all("// memolint: this cache is fine").is_empty());
        assert!(parse_all("// memolint: allowed here").is_empty());
        assert!(parse_all("/// memolint: allow(ML103)").is_empty());
        assert!(parse_all("/* memolint: allow(ML103) */").is_empty());
        assert!(parse_all("// see memolint: allow(ML103)").is_empty());
        assert!(parse_all("let s = \"// memolint: allow(ML103)\";").is_empty());
    }

    #[test]
    fn malformed_directives_say_what_is_wrong() {
        let problem = |text: &str| match parse_all(text).pop() {
            Some(Parsed::Malformed { problem, .. }) => problem,
            other => panic!("not malformed: {other:?}"),
        };
        assert_eq!(
            problem("// memolint: allow ML103"),
            "expected `(` after `allow`"
        );
        assert_eq!(
            problem("// memolint: allow(ML103"),
            "expected `)` after the rules"
        );
        assert_eq!(
            problem("// memolint: allow( )"),
            "expected at least one rule code or name"
        );
        assert_eq!(
            problem("// memolint: allow(ML103,)"),
            "expected a rule code or name between the commas"
        );
        assert_eq!(
            problem("// memolint: allow(ML103) because"),
            "expected `-- reason` or nothing after the rules"
        );
    }
}
