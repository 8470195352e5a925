//! `--format json`: one versioned document, `{"version": 1, "findings":
//! [...], "errors": [...]}`. The schema is documented in
//! `docs/json-output.md`; bump [`JSON_SCHEMA_VERSION`] on any change that
//! is not a pure addition.

use std::io;

use codespan_reporting::term::termcolor::WriteColor;
use serde::Serialize;

use super::{clamped_range, display_path, position};
use crate::diagnostic::{Applicability, Finding, Level};
use crate::pipeline::{Outcome, Sources};
use crate::source::Span;

pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    level: Level,
    message: &'a str,
    #[serde(flatten)]
    location: Location<'a>,
    /// The short text under the primary span.
    label: &'a str,
    function: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    location: Location<'a>,
    replacement: &'a str,
}

fn location(sources: &Sources, span: Span) -> Location<'_> {
    let at = position(sources, span);
    let bytes = clamped_range(sources, span);
    Location {
        path: display_path(sources, span),
        line: at.start.line,
        column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        byte_start: bytes.start,
        byte_end: bytes.end,
    }
}

fn finding<'a>(sources: &'a Sources, finding: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        code: finding.code,
        name: finding.name,
        level: finding.level,
        message: &finding.message,
        location: location(sources, finding.primary.span),
        label: &finding.primary.message,
        function: finding.function.as_deref(),
        labels: finding
            .labels
            .iter()
            .map(|label| JsonLabel {
                location: location(sources, label.span),
                message: &label.message,
            })
            .collect(),
        notes: &finding.notes,
        help: finding.help.as_deref(),
        fix: finding.fix.as_ref().map(|fix| JsonFix {
            message: &fix.message,
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|edit| JsonEdit {
                    location: location(sources, edit.span),
                    replacement: &edit.replacement,
                })
                .collect(),
        }),
    }
}

pub(super) fn render(outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    let document = Document {
        version: JSON_SCHEMA_VERSION,
        findings: outcome
            .findings
            .iter()
            .map(|f| finding(&outcome.sources, f))
            .collect(),
        errors: outcome
            .errors
            .iter()
            .map(|message| JsonError { message })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
