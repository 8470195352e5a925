//! `--add-suppressions[=REASON]`: a `// memolint: allow(CODE) -- REASON`
//! comment on the line above every current finding (as ruff's
//! `--add-noqa`), to adopt memolint on a code base without fixing
//! everything first.
//!
//! Findings on the same line share one comment; a suppression comment
//! already on the line above is extended instead of stacking a second one.
//! The comment is indented like the line it covers. Nothing is inserted
//! where the line above would be inside a string or comment, a file that
//! changed since it was checked is left alone, and a file that parsed
//! before must parse after, or it is not written (that would be a bug).
//! Files are written atomically, as `memolint fix` writes them.

use std::collections::BTreeMap;

use super::comments::{self, Lexed};
use super::directive::{self, Parsed};
use crate::cli::plural;
use crate::fix::{write_atomically, WriteError};
use crate::pipeline::Outcome;
use crate::rules::ml002_unused_suppression as ml002;
use crate::source::{FileId, SourceFile};

/// What `--add-suppressions` did.
#[derive(Debug, Default)]
pub struct Added {
    /// New comments inserted.
    pub inserted: usize,
    /// Existing comments that got more rules.
    pub extended: usize,
    pub files: usize,
    /// Findings left as they were, and why (warnings).
    pub skipped: Vec<String>,
    /// Files that could not be written (errors).
    pub errors: Vec<String>,
}

impl Added {
    pub fn summary(&self) -> String {
        let mut text = format!(
            "added {} to {}",
            plural(
                self.inserted + self.extended,
                "suppression comment",
                "suppression comments"
            ),
            plural(self.files, "file", "files")
        );
        if self.extended > 0 {
            text.push_str(&format!(
                " ({} extended)",
                plural(self.extended, "existing comment", "existing comments")
            ));
        }
        text
    }
}

/// Inserts suppressions for the findings of `outcome`; `reason` goes after
/// ` -- ` in new comments.
pub fn add_suppressions(outcome: &Outcome, reason: Option<&str>) -> Added {
    let mut added = Added::default();
    // file → line index → codes of its findings, in code order
    let mut wanted: BTreeMap<FileId, BTreeMap<usize, Vec<&'static str>>> = BTreeMap::new();
    let mut stale = 0;
    for finding in &outcome.findings {
        if finding.code == ml002::CODE {
            // A suppression that suppresses nothing wants removing (its fix
            // does that), not suppressing.
            stale += 1;
            continue;
        }
        let span = finding.primary.span;
        let Some(source) = outcome.sources.get(span.file) else {
            continue;
        };
        let line = source.line_col(span.start).line - 1;
        let codes = wanted
            .entry(span.file)
            .or_default()
            .entry(line)
            .or_default();
        if !codes.contains(&finding.code) {
            codes.push(finding.code);
            codes.sort_unstable();
        }
    }
    if stale > 0 {
        added.skipped.push(format!(
            "{} not suppressed: remove the stale suppressions instead",
            plural(stale, "ML002 finding was", "ML002 findings were")
        ));
    }
    for (file, lines) in wanted {
        if let Some(source) = outcome.sources.get(file) {
            add_to_file(source, &lines, reason, &mut added);
        }
    }
    added
}

fn add_to_file(
    source: &SourceFile,
    lines: &BTreeMap<usize, Vec<&'static str>>,
    reason: Option<&str>,
    added: &mut Added,
) {
    let text = source.text.as_str();
    let lexed = comments::lex(text);
    let mut edits: Vec<(usize, String)> = Vec::new();
    let (mut inserted, mut extended) = (0, 0);
    for (&line, codes) in lines {
        match edit_for_line(source, &lexed, line, codes, reason) {
            Some(LineEdit::Insert(at, comment)) => {
                edits.push((at, comment));
                inserted += 1;
            }
            Some(LineEdit::Extend(at, more)) => {
                edits.push((at, more));
                extended += 1;
            }
            Some(LineEdit::AlreadyThere) => {}
            None => added.skipped.push(format!(
                "{}:{}: no suppression added: the line above would be inside a string or comment",
                source.display,
                line + 1
            )),
        }
    }
    if edits.is_empty() {
        return;
    }
    let mut new_text = text.to_string();
    // From the end, so that earlier offsets stay true.
    for (at, insertion) in edits.iter().rev() {
        new_text.insert_str(*at, insertion);
    }
    if syn::parse_file(text).is_ok() && syn::parse_file(&new_text).is_err() {
        added.errors.push(format!(
            "{}: not changed: the file would no longer parse after adding suppressions (please report this bug)",
            source.display
        ));
        return;
    }
    match write_atomically(&source.path, text, &new_text) {
        Ok(()) => {
            added.inserted += inserted;
            added.extended += extended;
            added.files += 1;
        }
        Err(WriteError::ChangedOnDisk) => added.skipped.push(format!(
            "{}: not changed: it changed since it was checked",
            source.display
        )),
        // The user protected it: leave it, and say so.
        Err(WriteError::ReadOnly(why)) => added
            .skipped
            .push(format!("{}: not changed: {why}", source.display)),
        Err(WriteError::Io(error)) => added
            .errors
            .push(format!("{}: cannot write: {error}", source.display)),
    }
}

enum LineEdit {
    /// Insert this comment line at this offset.
    Insert(usize, String),
    /// Insert `, CODE...` into the list of the comment above.
    Extend(usize, String),
    /// The comment above already names every code.
    AlreadyThere,
}

/// How to suppress `codes` on line `line`; `None` when no comment can go
/// above it.
fn edit_for_line(
    source: &SourceFile,
    lexed: &Lexed,
    line: usize,
    codes: &[&'static str],
    reason: Option<&str>,
) -> Option<LineEdit> {
    let text = source.text.as_str();
    let starts = source.line_starts();
    let line_start = starts[line];
    if !lexed.in_code(line_start) {
        return None;
    }
    let above = match line {
        0 => None,
        _ => directive_above(text, lexed, starts[line - 1], line_start),
    };
    if let Some(directive) = above {
        let missing: Vec<&str> = codes
            .iter()
            .copied()
            .filter(|code| !directive.codes.iter().any(|c| c.rule == Some(*code)))
            .collect();
        if missing.is_empty() {
            return Some(LineEdit::AlreadyThere);
        }
        let more: String = missing.iter().map(|code| format!(", {code}")).collect();
        return Some(LineEdit::Extend(directive.list.end, more));
    }
    let line_text = &text[line_start..starts.get(line + 1).copied().unwrap_or(text.len())];
    let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
    let newline = if line_text.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut comment = format!("{indent}// memolint: allow({})", codes.join(", "));
    if let Some(reason) = reason {
        comment.push_str(" -- ");
        comment.push_str(&reason.replace(['\r', '\n'], " "));
    }
    comment.push_str(newline);
    Some(LineEdit::Insert(line_start, comment))
}

/// The suppression comment alone on the line `start..end`, if there is one.
fn directive_above(
    text: &str,
    lexed: &Lexed,
    start: usize,
    end: usize,
) -> Option<directive::Directive> {
    let line = &text[start..end];
    let at = start + (line.len() - line.trim_start().len());
    let comment = lexed.comment_at(at)?;
    match directive::parse(text, comment)? {
        Parsed::Directive(d) if !d.inner && text[comment.range.end..end].trim().is_empty() => {
            Some(d)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn edit(text: &str, line: usize, codes: &[&'static str], reason: Option<&str>) -> String {
        let source = SourceFile::new(FileId(0), "a.rs".into(), "a.rs".into(), text.into());
        let lexed = comments::lex(text);
        let mut out = text.to_string();
        match edit_for_line(&source, &lexed, line, codes, reason) {
            Some(LineEdit::Insert(at, s) | LineEdit::Extend(at, s)) => out.insert_str(at, &s),
            Some(LineEdit::AlreadyThere) => {}
            None => return "<none>".into(),
        }
        out
    }

    #[test]
    fn inserts_an_indented_comment_with_the_reason() {
        assert_eq!(
            edit(
                "mod m {\n    #[cached]\n    fn f() {}\n}\n",
                1,
                &["ML103"],
                Some("ok")
            ),
            "mod m {\n    // memolint: allow(ML103) -- ok\n    #[cached]\n    fn f() {}\n}\n"
        );
        assert_eq!(
            edit("a();\r\nb();\r\n", 1, &["ML001", "ML103"], None),
            "a();\r\n// memolint: allow(ML001, ML103)\r\nb();\r\n"
        );
    }

    #[test]
    fn extends_the_comment_above_or_leaves_it() {
        assert_eq!(
            edit(
                "// memolint: allow(ML001) -- why\nf();\n",
                1,
                &["ML001", "ML103"],
                None
            ),
            "// memolint: allow(ML001, ML103) -- why\nf();\n"
        );
        let text = "  // memolint: allow(unbounded-memo-cache)\n  f();\n";
        assert_eq!(edit(text, 1, &["ML103"], None), text);
        // A trailing suppression on the line above is not extended.
        assert_eq!(
            edit(
                "g(); // memolint: allow(ML001)\nf();\n",
                1,
                &["ML103"],
                None
            ),
            "g(); // memolint: allow(ML001)\n// memolint: allow(ML103)\nf();\n"
        );
    }

    #[test]
    fn never_inserts_into_a_string() {
        assert_eq!(
            edit("let s = \"a\nb\"; f();\n", 1, &["ML103"], None),
            "<none>"
        );
    }
}
