//! Suppression comments: `// memolint: allow(CODE, ...) -- reason`.
//!
//! rustc rejects `#[allow(memolint::...)]` (unknown tool), so suppressions
//! are comments, found in the text by a small lexer (`comments.rs`), parsed
//! (`directive.rs`) and mapped to the part of the file they cover
//! (`coverage.rs`). The pipeline applies them to each unit's findings after
//! the rules ran: a finding is dropped when a suppression naming its rule
//! covers the start of its primary span. What is left of the suppressions,
//! those that suppressed nothing, name no rule or do not parse, becomes
//! findings of ML002 `unused-suppression`. `insert.rs` writes suppressions
//! for `--add-suppressions`.

mod comments;
mod coverage;
mod directive;
pub mod insert;

use std::collections::HashMap;

use crate::diagnostic::{Applicability, Edit, Finding, Fix, Level};
use crate::index::ParsedFile;
use crate::rules::ml002_unused_suppression as ml002;
use crate::source::{FileId, SourceFile, Span};

pub use coverage::Coverage;
pub use directive::{CodeRef, Directive, Parsed};

/// The rules that ran in this unit and the level of ML002.
pub struct Settings<'a> {
    /// Codes of the rules that ran (level above `allow`): a suppression of
    /// a rule that did not run is not reported as unused, since it cannot
    /// be known whether it would have suppressed something.
    pub active: &'a [&'static str],
    /// The level of ML002 findings; `allow` reports nothing.
    pub unused_level: Level,
}

/// One suppression comment and what became of it.
struct Entry {
    parsed: Parsed,
    coverage: Coverage,
    /// Per code of the directive: whether it suppressed a finding.
    used: Vec<bool>,
}

/// The suppression comments of one file and what they cover, read while
/// the file's syn tree is whole (before its bodies are dropped).
pub struct FileSuppressions {
    file: FileId,
    /// Whether the file parsed: in a file that did not, no rule ran, so a
    /// suppression there cannot be judged unused.
    parsed: bool,
    entries: Vec<Entry>,
}

/// The suppressions of a parsed file, `None` when it has none.
pub fn scan_parsed(parsed: &ParsedFile) -> Option<FileSuppressions> {
    let ast = coverage::Ast {
        file: &parsed.ast,
        offset: parsed.offset,
    };
    let entries = scan(&parsed.source, Some(ast));
    (!entries.is_empty()).then_some(FileSuppressions {
        file: parsed.source.id,
        parsed: true,
        entries,
    })
}

/// The suppressions of a file that did not parse, `None` when it has none.
pub fn scan_unparsed(source: &SourceFile) -> Option<FileSuppressions> {
    let entries = scan(source, None);
    (!entries.is_empty()).then_some(FileSuppressions {
        file: source.id,
        parsed: false,
        entries,
    })
}

/// Drops the suppressed findings and adds ML002 findings for
/// suppressions that did nothing. `sources` holds the texts of the
/// `scanned` files.
pub fn apply<'s>(
    scanned: Vec<FileSuppressions>,
    sources: impl IntoIterator<Item = &'s SourceFile>,
    findings: Vec<Finding>,
    settings: &Settings<'_>,
) -> Vec<Finding> {
    if scanned.is_empty() {
        return findings;
    }
    let texts: HashMap<FileId, &SourceFile> = sources.into_iter().map(|s| (s.id, s)).collect();
    let mut files: HashMap<FileId, (&SourceFile, FileSuppressions)> = scanned
        .into_iter()
        .filter_map(|scan| Some((scan.file, (*texts.get(&scan.file)?, scan))))
        .collect();

    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter(|finding| !suppress(&mut files, finding, true))
        .collect();
    if settings.unused_level == Level::Allow {
        return kept;
    }
    let mut reports = Vec::new();
    for (source, scan) in files.values() {
        if !scan.parsed {
            continue;
        }
        for entry in &scan.entries {
            unused_findings(source, entry, settings, &mut reports);
        }
    }
    for mut report in reports {
        report.level = settings.unused_level;
        // `allow(ML002)` silences these like any other finding; it is
        // itself never reported as unused, which would never end.
        if !suppress(&mut files, &report, false) {
            kept.push(report);
        }
    }
    kept
}

/// The suppression comments of one file with their coverage.
fn scan(source: &SourceFile, ast: Option<coverage::Ast<'_>>) -> Vec<Entry> {
    // Most files have none: skip the lexer for them.
    if !source.text.contains("memolint:") {
        return Vec::new();
    }
    let lexed = comments::lex(&source.text);
    let parsed: Vec<Parsed> = lexed
        .comments
        .iter()
        .filter_map(|comment| directive::parse(&source.text, comment))
        .collect();
    let directives: Vec<&Directive> = parsed
        .iter()
        .filter_map(|p| match p {
            Parsed::Directive(d) => Some(d),
            Parsed::Malformed { .. } => None,
        })
        .collect();
    let mut coverages = coverage::coverage(source, &lexed, &directives, ast).into_iter();
    parsed
        .into_iter()
        .map(|parsed| {
            let (coverage, used) = match &parsed {
                Parsed::Directive(d) => (
                    coverages.next().unwrap_or(Coverage::Detached),
                    vec![false; d.codes.len()],
                ),
                Parsed::Malformed { .. } => (Coverage::Detached, Vec::new()),
            };
            Entry {
                parsed,
                coverage,
                used,
            }
        })
        .collect()
}

/// Whether a suppression covers `finding`; marks the codes that do as used
/// when `mark` is set.
fn suppress(
    files: &mut HashMap<FileId, (&SourceFile, FileSuppressions)>,
    finding: &Finding,
    mark: bool,
) -> bool {
    let Some((_, scan)) = files.get_mut(&finding.primary.span.file) else {
        return false;
    };
    let mut suppressed = false;
    for entry in &mut scan.entries {
        let Parsed::Directive(directive) = &entry.parsed else {
            continue;
        };
        if !entry.coverage.contains(finding.primary.span.start) {
            continue;
        }
        for (i, code) in directive.codes.iter().enumerate() {
            if code.rule == Some(finding.code) {
                suppressed = true;
                if mark {
                    entry.used[i] = true;
                }
            }
        }
    }
    suppressed
}

fn unused_findings(
    source: &SourceFile,
    entry: &Entry,
    settings: &Settings<'_>,
    out: &mut Vec<Finding>,
) {
    let span = |range: std::ops::Range<usize>| Span::new(source.id, range);
    let directive = match &entry.parsed {
        Parsed::Malformed { comment, problem } => {
            out.push(ml002::malformed(span(comment.clone()), problem));
            return;
        }
        Parsed::Directive(directive) => directive,
    };
    for code in directive.codes.iter().filter(|c| c.rule.is_none()) {
        out.push(ml002::unknown_rule(span(code.range.clone()), &code.text));
    }
    let unused: Vec<usize> = (0..directive.codes.len())
        .filter(|&i| {
            let code = &directive.codes[i];
            code.rule.is_some_and(|rule| {
                rule != ml002::CODE && settings.active.contains(&rule) && !entry.used[i]
            })
        })
        .collect();
    if unused.is_empty() {
        return;
    }
    let detached = entry.coverage == Coverage::Detached;
    if unused.len() == directive.codes.len() {
        let texts: Vec<&str> = directive.codes.iter().map(|c| c.text.as_str()).collect();
        let fix = removal_fix(
            "remove the suppression comment",
            span(comment_removal(&source.text, directive)),
        );
        out.push(ml002::unused(
            span(directive.comment.clone()),
            &texts,
            detached,
            fix,
        ));
    } else {
        for i in unused {
            let code = &directive.codes[i];
            let fix = removal_fix(
                &format!("remove `{}` from the suppression", code.text),
                span(code_removal(directive, i)),
            );
            out.push(ml002::unused_code(
                span(code.range.clone()),
                &code.text,
                fix,
            ));
        }
    }
}

fn removal_fix(message: &str, span: Span) -> Fix {
    Fix {
        message: message.to_string(),
        // Removing a comment cannot change what the program does.
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span,
            replacement: String::new(),
        }],
        dependency: None,
    }
}

/// The bytes to delete to remove a whole suppression comment: its line when
/// it is alone on it, else the comment and the spaces before it.
fn comment_removal(text: &str, directive: &Directive) -> std::ops::Range<usize> {
    let line_start = text[..directive.comment.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[directive.comment.end..]
        .find('\n')
        .map_or(text.len(), |i| directive.comment.end + i + 1);
    let before = &text[line_start..directive.comment.start];
    if before.trim().is_empty() {
        // Between two blank lines, take one of them too, so that the gap
        // does not double.
        let blank_above = text[..line_start]
            .strip_suffix('\n')
            .map(|above| above.trim_end_matches('\r'))
            .is_some_and(|above| above.ends_with('\n') || above.is_empty());
        let below_end = text[line_end..]
            .find('\n')
            .map_or(text.len(), |i| line_end + i + 1);
        let blank_below = line_end < text.len() && text[line_end..below_end].trim().is_empty();
        if blank_above && blank_below {
            line_start..below_end
        } else {
            line_start..line_end
        }
    } else {
        let code_end = line_start + before.trim_end().len();
        code_end..directive.comment.end
    }
}

/// The bytes to delete to remove code `i` from its list, with one comma.
fn code_removal(directive: &Directive, i: usize) -> std::ops::Range<usize> {
    let codes = &directive.codes;
    match codes.get(i + 1) {
        Some(next) => codes[i].range.start..next.range.start,
        None => codes[i - 1].range.end..codes[i].range.end,
    }
}

#[cfg(test)]
mod tests;
