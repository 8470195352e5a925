//! Renderers: from findings to text, one module per output format.
//!
//! Renderers only read an [`Outcome`]; they never decide what is a finding
//! or at which level. Machine formats (`json`, `sarif`, `github`) print
//! exactly one document (or command stream) on stdout and nothing else
//! there. `--statistics` replaces the findings by a count per rule
//! (`statistics.rs`).

mod github;
mod human;
mod json;
mod sarif;
mod short;
mod statistics;

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::term::termcolor::WriteColor;

use crate::diagnostic::Finding;
use crate::pipeline::{Outcome, Sources};
use crate::source::{LineCol, Span};

pub use json::JSON_SCHEMA_VERSION;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Like rustc: source snippets, labels, notes and help.
    Human,
    /// One line per finding: `path:line:col: CODE message`.
    Short,
    /// A versioned JSON document (schema in `docs/json-output.md`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::...`).
    Github,
}

impl Format {
    /// Whether the format is read by programs, so stdout must hold nothing
    /// but the document.
    pub fn is_machine(self) -> bool {
        matches!(self, Format::Json | Format::Sarif | Format::Github)
    }

    /// Whether the document itself carries the run's errors, so they need
    /// not be repeated on stderr.
    pub fn reports_errors(self) -> bool {
        matches!(self, Format::Json | Format::Github)
    }
}

/// Writes the findings of `outcome` in `format`.
pub fn render(format: Format, outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    match format {
        Format::Human => human::render(outcome, out),
        Format::Short => short::render(outcome, out),
        Format::Json => json::render(outcome, out),
        Format::Sarif => sarif::render(outcome, out),
        Format::Github => github::render(outcome, out),
    }
}

/// Writes a count of findings per rule (`--statistics`) instead of the
/// findings: JSON for `json`, a table for the other formats.
pub fn render_statistics(
    format: Format,
    outcome: &Outcome,
    out: &mut dyn WriteColor,
) -> io::Result<()> {
    statistics::render(format, outcome, out)
}

/// Where a span starts and ends, for the line-oriented formats.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Position {
    pub start: LineCol,
    pub end: LineCol,
}

pub(crate) fn position(sources: &Sources, span: Span) -> Position {
    match sources.get(span.file) {
        Some(file) => Position {
            start: file.line_col(span.start),
            end: file.line_col(span.end),
        },
        None => Position {
            start: LineCol { line: 1, column: 1 },
            end: LineCol { line: 1, column: 1 },
        },
    }
}

/// The path a finding's file is shown under.
pub(crate) fn display_path(sources: &Sources, span: Span) -> &str {
    sources
        .get(span.file)
        .map(|f| f.display.as_str())
        .unwrap_or("<unknown>")
}

/// A span's byte range clamped to the file's text and to character
/// boundaries, so that no renderer can slice out of bounds.
pub(crate) fn clamped_range(sources: &Sources, span: Span) -> Range<usize> {
    let Some(file) = sources.get(span.file) else {
        return 0..0;
    };
    let text = &file.text;
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let end = floor(span.end).max(start);
    start..end
}

/// `1 error, 2 warnings`-style counts for the summary line.
pub fn summary(findings: &[Finding], files_checked: usize) -> String {
    use crate::diagnostic::Level;
    let denied = findings.iter().filter(|f| f.level == Level::Deny).count();
    let warned = findings.iter().filter(|f| f.level == Level::Warn).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let checked = plural(files_checked, "file");
    if denied + warned == 0 {
        format!("checked {checked}: no findings")
    } else {
        format!(
            "checked {checked}: {}, {}",
            plural(denied, "error"),
            plural(warned, "warning")
        )
    }
}

/// Writes plain lines, for callers that have no colour support.
pub(crate) fn write_line(out: &mut dyn Write, line: &str) -> io::Result<()> {
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")
}
