//! `--format human`: rustc-style diagnostics through codespan-reporting.

use std::collections::HashMap;
use std::io;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Chars};

use super::clamped_range;
use crate::diagnostic::{Finding, Level};
use crate::pipeline::{Outcome, Sources};
use crate::source::FileId;

pub(super) fn render(outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    // rustc draws with ASCII; users compare us with it.
    let config = term::Config {
        chars: Chars::ascii(),
        ..term::Config::default()
    };
    let mut printable = HashMap::new();
    for finding in &outcome.findings {
        let file = finding.primary.span.file;
        let Some(source) = outcome.sources.get(file) else {
            continue;
        };
        if let Some(text) = printable_text(&source.text) {
            printable.insert(file, text);
        }
    }
    let files = SourceFiles {
        sources: &outcome.sources,
        printable,
    };
    for finding in &outcome.findings {
        let diagnostic = diagnostic(&outcome.sources, finding);
        term::emit(out, &config, &files, &diagnostic).map_err(|error| match error {
            FilesError::Io(error) => error,
            other => io::Error::other(other.to_string()),
        })?;
    }
    Ok(())
}

fn diagnostic(sources: &Sources, finding: &Finding) -> Diagnostic<FileId> {
    let severity = match finding.level {
        Level::Deny => Severity::Error,
        Level::Warn | Level::Allow => Severity::Warning,
    };
    let mut labels = vec![Label::primary(
        finding.primary.span.file,
        clamped_range(sources, finding.primary.span),
    )
    .with_message(&finding.primary.message)];
    for label in &finding.labels {
        labels.push(
            Label::secondary(label.span.file, clamped_range(sources, label.span))
                .with_message(&label.message),
        );
    }
    let mut notes: Vec<String> = finding.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(help) = &finding.help {
        notes.push(format!("help: {help}"));
    }
    notes.push(format!(
        "note: `{}` is at level `{}`; `memolint explain {}` says more",
        finding.name, finding.level, finding.code
    ));
    Diagnostic::new(severity)
        .with_code(finding.code)
        .with_message(&finding.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// The text with control characters (other than tabs and line ends)
/// replaced by `?`, byte for byte so that spans still fit, or `None` when
/// there are none: checked code must not drive the user's terminal with
/// escape sequences of its own.
fn printable_text(text: &str) -> Option<String> {
    let is_bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.contains(is_bad) {
        return None;
    }
    Some(
        text.chars()
            .map(|c| {
                if is_bad(c) {
                    "?".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The run's sources as codespan-reporting's file database.
struct SourceFiles<'s> {
    sources: &'s Sources,
    /// Printable copies of texts that need them.
    printable: HashMap<FileId, String>,
}

impl<'s> Files<'s> for SourceFiles<'s> {
    type FileId = FileId;
    type Name = &'s str;
    type Source = &'s str;

    fn name(&'s self, id: FileId) -> Result<&'s str, FilesError> {
        self.sources
            .get(id)
            .map(|f| f.display.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'s self, id: FileId) -> Result<&'s str, FilesError> {
        if let Some(text) = self.printable.get(&id) {
            return Ok(text);
        }
        self.sources
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'s self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.sources.get(id).ok_or(FilesError::FileMissing)?;
        Ok(match file.line_starts().binary_search(&byte_index) {
            Ok(line) => line,
            Err(next) => next - 1,
        })
    }

    /// Our columns, which do not count a byte-order mark.
    fn column_number(
        &'s self,
        id: FileId,
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let file = self.sources.get(id).ok_or(FilesError::FileMissing)?;
        Ok(file.line_col(byte_index).column)
    }

    fn line_range(&'s self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.sources.get(id).ok_or(FilesError::FileMissing)?;
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}
