//! `--format short`: one line per finding, `path:line:col: CODE message`,
//! the shape editors and `grep` understand.

use std::io;

use codespan_reporting::term::termcolor::WriteColor;

use super::{display_path, position, write_line};
use crate::pipeline::Outcome;

pub(super) fn render(outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    for finding in &outcome.findings {
        let span = finding.primary.span;
        let at = position(&outcome.sources, span).start;
        let line = format!(
            "{}:{}: {} {}",
            display_path(&outcome.sources, span),
            at,
            finding.code,
            finding.message
        );
        write_line(out, &line)?;
    }
    Ok(())
}
