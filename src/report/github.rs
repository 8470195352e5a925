//! `--format github`: GitHub Actions workflow commands, one per finding,
//! which the Actions runner turns into annotations on the pull request:
//!
//! ```text
//! ::warning file=src/a.rs,line=3,col=1,endLine=3,endColumn=10,title=ML103 unbounded-memo-cache::message
//! ```
//!
//! The runner splits a command at `::` and its properties at `,` and `:`,
//! so values are escaped as the runner's own toolkit escapes them
//! (`escapeData` and `escapeProperty` in `@actions/core`).

use std::io;

use codespan_reporting::term::termcolor::WriteColor;

use super::{display_path, position, write_line};
use crate::diagnostic::{Finding, Level};
use crate::pipeline::{Outcome, Sources};

pub(super) fn render(outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    for finding in &outcome.findings {
        write_line(out, &command(&outcome.sources, finding))?;
    }
    // Problems that make the run exit 2 would otherwise only be in the log.
    for error in &outcome.errors {
        write_line(
            out,
            &format!("::error title=memolint::{}", escape_data(error)),
        )?;
    }
    Ok(())
}

/// The workflow command for one finding.
fn command(sources: &Sources, finding: &Finding) -> String {
    let kind = match finding.level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "notice",
    };
    let span = finding.primary.span;
    let at = position(sources, span);
    let title = format!("{} {}", finding.code, finding.name);
    // The annotation shows the whole message; notes (the call chain) and
    // the help are what a reviewer needs to act on it.
    let mut message = finding.message.clone();
    for note in &finding.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(display_path(sources, span)),
        at.start.line,
        at.start.column,
        at.end.line,
        at.end.column,
        escape_property(&title),
        escape_data(&message),
    )
}

/// Escapes a command's message: `%`, `\r` and `\n`.
pub(crate) fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`, which
/// separate properties.
pub(crate) fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::source::{FileId, SourceFile, Span};

    #[test]
    fn message_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        // `%` first: an existing escape sequence is not decoded later.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("C:\\src\\a,b.rs\n%"),
            "C%3A\\src\\a%2Cb.rs%0A%25"
        );
        assert_eq!(escape_property("plain/path.rs"), "plain/path.rs");
    }

    #[test]
    fn a_finding_becomes_one_escaped_command_line() {
        let text = "fn a() {}\n#[cached]\nfn b(x: u64) {}\n";
        let mut sources = Sources::default();
        sources.insert(SourceFile::new(
            FileId(0),
            "dir,1/a:b.rs".into(),
            "dir,1/a:b.rs".into(),
            text.into(),
        ));
        let span = Span::new(FileId(0), 10..19);
        let finding = Finding {
            code: "ML103",
            name: "unbounded-memo-cache",
            level: Level::Deny,
            message: "50% of `b`: unbounded, really".into(),
            primary: Label::new(span, "here"),
            labels: Vec::new(),
            notes: vec!["line one\nline two".into()],
            help: Some("add `size`".into()),
            function: None,
            fix: None,
        };
        let line = command(&sources, &finding);
        assert_eq!(
            line,
            "::error file=dir%2C1/a%3Ab.rs,line=2,col=1,endLine=2,endColumn=10,\
             title=ML103 unbounded-memo-cache::50%25 of `b`: unbounded, really\
             %0Anote: line one%0Aline two%0Ahelp: add `size`"
        );
        assert!(!line.contains('\n'), "one command is one line");
    }
}
