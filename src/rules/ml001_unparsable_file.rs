//! ML001 `unparsable-file`: a file memolint could not read or parse.
//!
//! The failures are recorded by the load and parse stages; this rule turns
//! them into findings so that levels, `--select` and the output formats
//! treat them like any other rule.

use super::{finding, Context, FailureCause, Fixability, Rule, RuleMeta};
use crate::analyze::Needs;
use crate::diagnostic::{Finding, Level};
use crate::source::Span;

pub struct UnparsableFile;

static META: RuleMeta = RuleMeta {
    code: "ML001",
    name: "unparsable-file",
    default_level: Level::Warn,
    summary: "a file that could not be read or parsed, so it was not checked",
    doc: include_str!("../../rules/ML001-unparsable-file.md"),
    fixability: Fixability::None,
    needs: Needs::Nothing,
};

impl Rule for UnparsableFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for failure in cx.failures {
            let offset = failure.offset.unwrap_or(0);
            let span = Span {
                file: failure.file,
                start: offset,
                end: offset,
            };
            let mut f = finding(
                &META,
                span,
                failure.message.clone(),
                format!("file not checked: {}", failure.message),
            );
            f.help = Some(
                match failure.cause {
                    FailureCause::Read => "memolint could not read this file; check that it is a readable regular file",
                    FailureCause::Encoding => "Rust source files must be UTF-8; rustc rejects this file too",
                    FailureCause::TooLarge => "raise `max-file-size` in memolint.toml to check it, or `exclude` it",
                    FailureCause::TooDeep => "memolint does not check code nested this deeply; `exclude` the file to silence this",
                    FailureCause::Syntax => "memolint skipped this file; if rustc accepts it, the syntax is newer or older than syn supports",
                }
                .to_string(),
            );
            out.push(f);
        }
    }
}
