//! Load and parse: each file of a unit is read once and parsed once.
//!
//! A file that cannot be read, is not UTF-8, or does not parse becomes a
//! [`FileFailure`] (reported as ML001) with the best location available, and
//! the rest of the unit goes on.

use crate::index::ParsedFile;
use crate::rules::FileFailure;
use crate::source::{FileId, SourceFile};

/// Files that were loaded (parsed or not) and why some were not parsed.
pub struct Loaded {
    pub parsed: Vec<ParsedFile>,
    pub failures: Vec<FileFailure>,
    /// Sources of files that failed, for rendering their findings.
    pub failed_sources: Vec<SourceFile>,
}

/// Reads and parses the given files, in order.
pub fn load_and_parse(files: &[(FileId, std::path::PathBuf, String)]) -> Loaded {
    let mut loaded = Loaded {
        parsed: Vec::with_capacity(files.len()),
        failures: Vec::new(),
        failed_sources: Vec::new(),
    };
    for (id, path, display) in files {
        match load_one(*id, path, display) {
            Ok(parsed) => loaded.parsed.push(parsed),
            Err(failed) => {
                let (source, failure) = *failed;
                loaded.failures.push(failure);
                loaded.failed_sources.push(source);
            }
        }
    }
    loaded
}

fn load_one(
    id: FileId,
    path: &std::path::Path,
    display: &str,
) -> Result<ParsedFile, Box<(SourceFile, FileFailure)>> {
    let source = |text: String| SourceFile::new(id, path.to_path_buf(), display.to_string(), text);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(Box::new((
                source(String::new()),
                FileFailure {
                    file: id,
                    offset: None,
                    message: format!(
                        "cannot read file: {}",
                        crate::discover::io_error_text(&error)
                    ),
                },
            )))
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text has the same bytes up to `offset`.
            return Err(Box::new((
                source(lossy),
                FileFailure {
                    file: id,
                    offset: Some(offset),
                    message: "file is not valid UTF-8".to_string(),
                },
            )));
        }
    };
    let offset = skipped_prefix(&text);
    match syn::parse_str::<syn::File>(&text[offset..]) {
        Ok(mut ast) => {
            if offset > 0
                && text[..offset]
                    .trim_start_matches('\u{feff}')
                    .starts_with("#!")
            {
                ast.shebang = Some(text[..offset].trim_start_matches('\u{feff}').to_string());
            }
            let macro_fns = crate::index::macro_fns::extract(&ast);
            Ok(ParsedFile {
                source: source(text),
                ast,
                offset,
                macro_fns,
            })
        }
        Err(error) => {
            let start = error.span().byte_range().start + offset;
            Err(Box::new((
                source(text),
                FileFailure {
                    file: id,
                    offset: Some(start),
                    message: format!("cannot parse: {error}"),
                },
            )))
        }
    }
}

/// The benchmark's floor: what any syn-based check must at least do with
/// each file (read it, check UTF-8, parse it), and nothing more.
pub fn parse_floor<'p>(paths: impl Iterator<Item = &'p std::path::PathBuf>) {
    for path in paths {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let parsed = syn::parse_str::<syn::File>(&text[skipped_prefix(&text)..]);
        drop(std::hint::black_box(parsed));
    }
}

/// Bytes syn does not see: a byte-order mark and a shebang line (but not an
/// inner attribute `#![...]`), as `syn::parse_file` skips them.
pub(crate) fn skipped_prefix(text: &str) -> usize {
    let mut offset = 0;
    if text.starts_with('\u{feff}') {
        offset = '\u{feff}'.len_utf8();
    }
    let rest = &text[offset..];
    if let Some(after) = rest.strip_prefix("#!") {
        if !after.trim_start().starts_with('[') {
            offset += rest.find('\n').unwrap_or(rest.len());
        }
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_shebang_are_skipped_but_offsets_stay_true() {
        assert_eq!(skipped_prefix("\u{feff}fn a() {}"), 3);
        assert_eq!(skipped_prefix("#!/usr/bin/env run\nfn a() {}"), 18);
        assert_eq!(skipped_prefix("#![allow(x)]\nfn a() {}"), 0);
        assert_eq!(skipped_prefix("fn a() {}"), 0);
    }
}
