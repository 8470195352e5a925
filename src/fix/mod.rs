//! `memolint fix`: applying the edits rules attach to their findings.
//!
//! Edits are byte-range replacements on the text memolint read. Per file,
//! the fixes are applied in order and a fix that overlaps one already taken
//! is left for the next run; everything outside the edits stays
//! byte-identical. The result must parse again, or nothing is written. Files
//! are written atomically and only if they did not change on disk since
//! they were read (see `write.rs`); dependencies go into the owning
//! `Cargo.toml` with `toml_edit` (see `manifest.rs`).
//!
//! The code generators the rules use to build fixes live here too
//! (`lru_wrapper.rs`, `cache_bound.rs`), so that everything that writes Rust
//! is in one place.

pub mod cache_bound;
pub mod lru_wrapper;
mod manifest;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Dependency, Edit, Finding};
use crate::pipeline::Sources;
use crate::source::FileId;

pub use write::{write_atomically, WriteError};

/// What `memolint fix` was asked to do.
#[derive(Clone, Copy, Debug, Default)]
pub struct FixOptions {
    /// Also apply fixes marked `unsafe`.
    pub unsafe_fixes: bool,
    /// Compute the changes and report them as a diff; write nothing.
    pub diff_only: bool,
}

/// A finding that was not fixed, and why.
#[derive(Clone, Debug)]
pub struct NotFixed {
    pub path: String,
    pub line: usize,
    pub code: &'static str,
    pub reason: String,
}

/// What a fix run did (or, with `--diff`, would do).
#[derive(Debug, Default)]
pub struct FixReport {
    /// Files changed (or that would change), with the number of fixes.
    pub changed: Vec<(String, usize)>,
    pub not_fixed: Vec<NotFixed>,
    /// Unified diffs, with `--diff`.
    pub diff: String,
    /// Problems that stopped a file from being written (exit 2).
    pub errors: Vec<String>,
}

/// Applies the applicable fixes of `findings` to the files in `sources`.
pub fn apply(findings: &[Finding], sources: &Sources, options: FixOptions) -> FixReport {
    let mut report = FixReport::default();
    let mut by_file: BTreeMap<FileId, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        let Some(fix) = &finding.fix else {
            // Rules that never fix need no excuse; the re-check lists them.
            let rule_fixes = crate::rules::find(finding.code)
                .is_some_and(|rule| rule.meta().fixability != crate::rules::Fixability::None);
            if rule_fixes {
                report
                    .not_fixed
                    .push(not_fixed(sources, finding, no_fix_reason(finding)));
            }
            continue;
        };
        if fix.applicability == Applicability::Unsafe && !options.unsafe_fixes {
            report.not_fixed.push(not_fixed(
                sources,
                finding,
                "the fix may change behaviour; apply it with `--unsafe-fixes`".to_string(),
            ));
            continue;
        }
        by_file
            .entry(finding.primary.span.file)
            .or_default()
            .push(finding);
    }

    let mut dependencies: BTreeMap<PathBuf, Vec<Dependency>> = BTreeMap::new();
    for (file_id, file_findings) in by_file {
        let Some(file) = sources.get(file_id) else {
            continue;
        };
        if reparse(&file.text).is_err() {
            // Edits on a file syn cannot read cannot be checked afterwards.
            for finding in file_findings {
                report.not_fixed.push(not_fixed(
                    sources,
                    finding,
                    "the file does not parse, so its fixes cannot be checked".to_string(),
                ));
            }
            continue;
        }
        let mut taken: Vec<&Edit> = Vec::new();
        let mut applied = 0;
        for finding in file_findings {
            let fix = finding
                .fix
                .as_ref()
                .expect("only findings with fixes are grouped");
            let in_this_file = fix.edits.iter().all(|e| e.span.file == file_id);
            let overlaps = fix.edits.iter().any(|edit| {
                taken.iter().any(|t| {
                    edit.span.start < t.span.end && t.span.start < edit.span.end
                        || edit.span.start == t.span.start && edit.span.end == t.span.end
                })
            });
            if !in_this_file || overlaps {
                report.not_fixed.push(not_fixed(
                    sources,
                    finding,
                    "overlaps another fix in this run; run `memolint fix` again".to_string(),
                ));
                continue;
            }
            taken.extend(fix.edits.iter());
            applied += 1;
            if let Some(dependency) = &fix.dependency {
                if let Some(manifest) = manifest::owning_manifest(&file.path) {
                    dependencies
                        .entry(manifest)
                        .or_default()
                        .push(dependency.clone());
                }
            }
        }
        if applied == 0 {
            continue;
        }
        let new_text = splice(&file.text, &taken);
        if let Err(error) = reparse(&new_text) {
            report.errors.push(format!(
                "internal error: the fixes for {} produce code that does not parse ({error}); the file was left unchanged (please report this bug)",
                file.display
            ));
            continue;
        }
        if options.diff_only {
            report
                .diff
                .push_str(&unified_diff(&file.display, &file.text, &new_text));
        } else if let Err(error) = write_atomically(&file.path, &file.text, &new_text) {
            report.errors.push(format!("{}: {error}", file.display));
            continue;
        }
        report.changed.push((file.display.clone(), applied));
    }

    for (manifest_path, needed) in dependencies {
        let changes = match manifest::add_dependencies(&manifest_path, &needed) {
            Ok(changes) => changes,
            Err(error) => {
                report
                    .errors
                    .push(format!("{}: {error}", display_path(&manifest_path)));
                continue;
            }
        };
        for change in changes {
            let display = display_path(&change.path);
            if options.diff_only {
                report
                    .diff
                    .push_str(&unified_diff(&display, &change.old, &change.new));
            } else if let Err(error) = write_atomically(&change.path, &change.old, &change.new) {
                report.errors.push(format!("{display}: {error}"));
                continue;
            }
            report.changed.push((display, 1));
        }
    }
    report
}

/// Why a finding has no fix: the rule's own note when it gave one.
fn no_fix_reason(finding: &Finding) -> String {
    finding
        .notes
        .iter()
        .find_map(|note| note.strip_prefix("no automatic fix: "))
        .map(str::to_string)
        .unwrap_or_else(|| format!("`{}` offers no automatic fix", finding.name))
}

fn not_fixed(sources: &Sources, finding: &Finding, reason: String) -> NotFixed {
    let span = finding.primary.span;
    let (path, line) = match sources.get(span.file) {
        Some(file) => (file.display.clone(), file.line_col(span.start).line),
        None => (String::from("<unknown>"), 0),
    };
    NotFixed {
        path,
        line,
        code: finding.code,
        reason,
    }
}

/// The text with `edits` applied; edits are sorted by position, and an
/// insertion and a replacement at the same offset keep their order.
fn splice(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 1024);
    let mut at = 0;
    for edit in sorted {
        let start = edit.span.start.min(text.len()).max(at);
        out.push_str(&text[at..start]);
        out.push_str(&edit.replacement);
        at = edit.span.end.min(text.len()).max(start);
    }
    out.push_str(&text[at..]);
    out
}

/// Parses fixed text the way `parse.rs` parses files.
fn reparse(text: &str) -> Result<(), String> {
    let offset = crate::parse::skipped_prefix(text);
    // Fixed files nest as deep as the check accepted: parse (and drop the
    // tree) on a large stack, not on the main thread's.
    crate::parse::on_large_stack(|| {
        syn::parse_file(&text[offset..])
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
}

fn unified_diff(display: &str, old: &str, new: &str) -> String {
    let (a, b) = if Path::new(display).is_absolute() {
        (display.to_string(), display.to_string())
    } else {
        (format!("a/{display}"), format!("b/{display}"))
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}

fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit {
            span: Span::new(FileId(0), start..end),
            replacement: replacement.to_string(),
        }
    }

    #[test]
    fn splice_keeps_everything_outside_the_edits() {
        let text = "fn a() {}\r\n// keep\r\nfn b() {}\r\n";
        let e1 = edit(0, 2, "pub fn");
        let e2 = edit(text.len(), text.len(), "// end\r\n");
        assert_eq!(
            splice(text, &[&e2, &e1]),
            "pub fn a() {}\r\n// keep\r\nfn b() {}\r\n// end\r\n"
        );
    }

    #[test]
    fn reparse_rejects_broken_code() {
        assert!(reparse("fn a() {}").is_ok());
        assert!(reparse("\u{feff}#!/usr/bin/env run\nfn a() {}").is_ok());
        assert!(reparse("fn a( {}").is_err());
    }
}
