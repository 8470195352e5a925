//! `--statistics`: how many findings each rule has, most frequent first,
//! instead of the findings themselves (as `ruff check --statistics`). Useful
//! before adopting a rule or writing a baseline.

use std::io;

use codespan_reporting::term::termcolor::WriteColor;
use serde::Serialize;

use super::{write_line, Format};
use crate::diagnostic::Finding;
use crate::pipeline::Outcome;

#[derive(Debug, PartialEq, Eq, Serialize)]
struct RuleCount {
    code: &'static str,
    name: &'static str,
    count: usize,
    /// How many of them carry a fix.
    fixable: usize,
}

fn counts(findings: &[Finding]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for finding in findings {
        let fixable = usize::from(finding.fix.is_some());
        match counts.iter_mut().find(|c| c.code == finding.code) {
            Some(count) => {
                count.count += 1;
                count.fixable += fixable;
            }
            None => counts.push(RuleCount {
                code: finding.code,
                name: finding.name,
                count: 1,
                fixable,
            }),
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    counts
}

pub(super) fn render(
    format: Format,
    outcome: &Outcome,
    out: &mut dyn WriteColor,
) -> io::Result<()> {
    let counts = counts(&outcome.findings);
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &counts)?;
        return out.write_all(b"\n");
    }
    if counts.is_empty() {
        return Ok(());
    }
    let name_width = counts.iter().map(|c| c.name.len()).max().unwrap_or(0);
    write_line(
        out,
        &format!(
            "{:>5}  {:<5}  {:<name_width$}  fixable",
            "count", "code", "name"
        ),
    )?;
    for count in &counts {
        write_line(
            out,
            &format!(
                "{:>5}  {:<5}  {:<name_width$}  {}",
                count.count, count.code, count.name, count.fixable
            ),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Fix, Label, Level};
    use crate::source::{FileId, Span};

    fn finding(code: &'static str, name: &'static str, fixable: bool) -> Finding {
        Finding {
            code,
            name,
            level: Level::Warn,
            message: String::new(),
            primary: Label::new(Span::new(FileId(0), 0..0), ""),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            function: None,
            fix: fixable.then(|| Fix {
                message: String::new(),
                applicability: Applicability::Safe,
                edits: Vec::new(),
                dependency: None,
            }),
        }
    }

    #[test]
    fn most_frequent_rule_first_with_fixable_counts() {
        let findings = vec![
            finding("ML103", "unbounded-memo-cache", false),
            finding("ML002", "unused-suppression", true),
            finding("ML002", "unused-suppression", false),
        ];
        assert_eq!(
            counts(&findings),
            vec![
                RuleCount {
                    code: "ML002",
                    name: "unused-suppression",
                    count: 2,
                    fixable: 1
                },
                RuleCount {
                    code: "ML103",
                    name: "unbounded-memo-cache",
                    count: 1,
                    fixable: 0
                },
            ]
        );
    }
}
