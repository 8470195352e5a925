//! The rules: one file per rule, each with its metadata, its document (from
//! `rules/CODE-name.md`) and its check, side by side.
//!
//! A rule reads the [`Context`] (the index and the analysis of one unit) and
//! pushes findings; it knows nothing of output formats, levels from the
//! configuration or suppressions, which the pipeline applies afterwards.
//! (ML002 `unused-suppression` is judged by that suppression stage; its
//! file holds its metadata and wording.)

use crate::analyze::{Analysis, Needs};
use crate::config::Config;
use crate::diagnostic::{Finding, Label, Level};
use crate::index::{Index, ParsedFile};
use crate::source::{FileId, Span};

mod memo_effects;
mod ml001_unparsable_file;
pub(crate) mod ml002_unused_suppression;
mod ml101_nondeterministic_memoized;
mod ml102_side_effect_memoized;
mod ml103_unbounded_memo_cache;
mod ml201_overlapping_recursion;

/// Whether and how a rule's findings can be fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixability {
    /// The rule never offers a fix.
    None,
    /// Some findings carry a fix (applicability is decided per finding).
    Sometimes,
}

impl Fixability {
    pub fn as_str(self) -> &'static str {
        match self {
            Fixability::None => "no",
            Fixability::Sometimes => "yes",
        }
    }
}

/// What `memolint rules` and `memolint explain` show about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    /// One line: what it flags.
    pub summary: &'static str,
    /// The rule document, Markdown.
    pub doc: &'static str,
    pub fixability: Fixability,
    /// What the rule reads of the analysis: a run whose active rules need
    /// less skips the rest.
    pub needs: Needs,
}

/// A file that could not be read or parsed, for ML001.
#[derive(Clone, Debug)]
pub struct FileFailure {
    pub file: FileId,
    /// Byte offset of the problem, when it has one.
    pub offset: Option<usize>,
    pub message: String,
    pub cause: FailureCause,
}

/// Why a file was not checked, for the advice ML001 gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureCause {
    /// It could not be read (permissions, not a regular file, ...).
    Read,
    /// It is not UTF-8.
    Encoding,
    /// It is larger than `max-file-size`.
    TooLarge,
    /// It nests deeper than memolint's limit.
    TooDeep,
    /// syn could not parse it.
    Syntax,
}

/// What a rule can look at.
pub struct Context<'c, 'a> {
    pub index: &'c Index<'a>,
    pub analysis: &'c Analysis,
    pub config: &'c Config,
    pub failures: &'c [FileFailure],
}

impl<'a> Context<'_, 'a> {
    pub fn file(&self, index: usize) -> &'a ParsedFile {
        &self.index.files[index]
    }
}

/// A rule.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_, '_>, out: &mut Vec<Finding>);
}

/// Every rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    &[
        &ml001_unparsable_file::UnparsableFile,
        &ml002_unused_suppression::UnusedSuppression,
        &ml101_nondeterministic_memoized::NondeterministicMemoized,
        &ml102_side_effect_memoized::SideEffectMemoized,
        &ml103_unbounded_memo_cache::UnboundedMemoCache,
        &ml201_overlapping_recursion::OverlappingRecursion,
    ]
}

/// A rule by code (`ML103`, any case) or name (`unbounded-memo-cache`).
pub fn find(key: &str) -> Option<&'static dyn Rule> {
    all().iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(key) || meta.name == key
    })
}

/// A finding of `meta`'s rule at its default level; the pipeline sets the
/// configured level afterwards.
pub fn finding(
    meta: &'static RuleMeta,
    primary: Span,
    label: impl Into<String>,
    message: impl Into<String>,
) -> Finding {
    Finding {
        code: meta.code,
        name: meta.name,
        level: meta.default_level,
        message: message.into(),
        primary: Label::new(primary, label),
        labels: Vec::new(),
        notes: Vec::new(),
        help: None,
        function: None,
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule document has the sections DESIGN.md asks for, in order.
    #[test]
    fn rule_documents_have_every_section() {
        const SECTIONS: &[&str] = &[
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
            "## Fix",
            "## Options",
            "## Known limitations",
        ];
        for rule in all() {
            let meta = rule.meta();
            let title = format!("# {} {}", meta.code, meta.name);
            assert!(
                meta.doc.starts_with(&title),
                "{} must start with `{title}`",
                meta.code
            );
            let mut last = 0;
            for section in SECTIONS {
                let at = meta
                    .doc
                    .find(section)
                    .unwrap_or_else(|| panic!("{} lacks `{section}`", meta.code));
                assert!(at > last, "{}: `{section}` is out of order", meta.code);
                last = at;
            }
        }
    }

    #[test]
    fn codes_and_names_are_unique_and_findable() {
        for rule in all() {
            let meta = rule.meta();
            assert!(std::ptr::eq(find(meta.code).unwrap().meta(), meta));
            assert!(std::ptr::eq(find(meta.name).unwrap().meta(), meta));
            assert!(std::ptr::eq(
                find(&meta.code.to_lowercase()).unwrap().meta(),
                meta
            ));
        }
        assert!(find("ML999").is_none());
    }
}
