//! Load and parse: each file of a unit is read once and parsed once.
//!
//! A file that cannot be read, is larger than `max-file-size`, is not UTF-8,
//! nests deeper than [`nesting`] allows or does not parse becomes a
//! [`FileFailure`] (reported as ML001) with the best location available, and
//! the rest of the unit goes on.

use std::io::Read;

use crate::nesting;

use crate::index::ParsedFile;
use crate::rules::{FailureCause, FileFailure};
use crate::source::{FileId, SourceFile};

/// Files that were loaded (parsed or not) and why some were not parsed.
pub struct Loaded {
    pub parsed: Vec<ParsedFile>,
    pub failures: Vec<FileFailure>,
    /// Sources of files that failed, for rendering their findings.
    pub failed_sources: Vec<SourceFile>,
}

/// The deepest groups syn may build its token buffer for (recursively, a
/// frame per level) before the nesting is measured: a debug build needs
/// about 670 bytes of stack per level, a thirtieth of the workers' stacks
/// at this depth.
const MAX_BUFFERED_GROUP_DEPTH: usize = 20_000;

// A text the nesting bound clears nests its groups no deeper than the
// bound's limit, so syn may buffer it without measuring it first.
const _: () = assert!(nesting::MAX_NESTING <= MAX_BUFFERED_GROUP_DEPTH);

/// Reads the given files, asks `select` which of their texts (after the
/// BOM and shebang; `None` for a file that could not be read) to parse,
/// and parses those, in order; files larger than `max_file_size` bytes are
/// not read. `prepare` gets each parsed file right after it is parsed,
/// while its tree is whole and in cache (the pipeline reads its
/// suppressions there and summarises its bodies). A file `select` leaves
/// out is in neither list.
pub fn load_and_parse(
    files: &[(FileId, std::path::PathBuf, String)],
    max_file_size: u64,
    select: impl FnOnce(&[Option<&str>]) -> Vec<bool>,
    mut prepare: impl FnMut(&mut ParsedFile),
) -> Loaded {
    let mut loaded = Loaded {
        parsed: Vec::with_capacity(files.len()),
        failures: Vec::new(),
        failed_sources: Vec::new(),
    };
    let read: Vec<Result<String, Failed>> = files
        .iter()
        .map(|(id, path, display)| {
            crate::guard::enter_file(*id);
            read_text(*id, path, display, max_file_size)
        })
        .collect();
    let offsets: Vec<usize> = read
        .iter()
        .map(|text| text.as_ref().map_or(0, |text| skipped_prefix(text)))
        .collect();
    let texts: Vec<Option<&str>> = read
        .iter()
        .zip(&offsets)
        .map(|(text, &offset)| text.as_ref().ok().map(|text| &text[offset..]))
        .collect();
    let selected = select(&texts);
    drop(texts);
    let files = files.iter().zip(offsets);
    for ((((id, path, display), offset), text), selected) in files.zip(read).zip(selected) {
        crate::guard::enter_file(*id);
        let outcome = match text {
            Ok(text) if selected => parse_text(*id, path, display, text, offset),
            Ok(_) => continue,
            Err(failed) => Err(failed),
        };
        match outcome {
            Ok(mut parsed) => {
                prepare(&mut parsed);
                loaded.parsed.push(parsed);
            }
            Err(failed) => {
                let (source, failure) = *failed;
                loaded.failures.push(failure);
                loaded.failed_sources.push(source);
            }
        }
    }
    loaded
}

/// Every text that could be read: for [`load_and_parse`] when all files
/// are to be parsed.
pub fn every_file(texts: &[Option<&str>]) -> Vec<bool> {
    texts.iter().map(Option::is_some).collect()
}

/// A file that could not be read or parsed: its text as far as it goes,
/// and why.
type Failed = Box<(SourceFile, FileFailure)>;

fn failed(
    id: FileId,
    path: &std::path::Path,
    display: &str,
    text: String,
    offset: Option<usize>,
    cause: FailureCause,
    message: String,
) -> Failed {
    Box::new((
        SourceFile::new(id, path.to_path_buf(), display.to_string(), text),
        FileFailure {
            file: id,
            offset,
            message,
            cause,
        },
    ))
}

/// Reads a file as UTF-8 text.
fn read_text(
    id: FileId,
    path: &std::path::Path,
    display: &str,
    max_file_size: u64,
) -> Result<String, Failed> {
    let bytes = match read_limited(path, max_file_size) {
        Ok(bytes) => bytes,
        Err((cause, message)) => {
            return Err(failed(
                id,
                path,
                display,
                String::new(),
                None,
                cause,
                message,
            ))
        }
    };
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
        // The lossy text has the same bytes up to `offset`.
        failed(
            id,
            path,
            display,
            lossy,
            Some(offset),
            FailureCause::Encoding,
            "file is not valid UTF-8".to_string(),
        )
    })
}

/// Parses a file's text, whose BOM and shebang end at `offset`.
fn parse_text(
    id: FileId,
    path: &std::path::Path,
    display: &str,
    text: String,
    offset: usize,
) -> Result<ParsedFile, Failed> {
    let source = |text: String| SourceFile::new(id, path.to_path_buf(), display.to_string(), text);
    let fail = |text: String, offset: Option<usize>, cause: FailureCause, message: String| {
        Err(failed(id, path, display, text, offset, cause, message))
    };
    // Lexing does not recurse (proc-macro2 keeps its own stack), so the
    // nesting can be measured before syn's recursive descent starts.
    let tokens = match text[offset..].parse::<proc_macro2::TokenStream>() {
        Ok(tokens) => tokens,
        Err(error) => {
            let start = error.span().byte_range().start + offset;
            let message = format!("cannot parse: {}", lex_error_text(&text, start));
            return fail(text, Some(start), FailureCause::Syntax, message);
        }
    };
    // Most texts are cleared by a bound read off the text, which also
    // bounds how deep their groups nest. Of the others, syn builds its
    // token buffer recursively, so a text that could nest its groups deep
    // enough to matter is measured on the token stream first; any other
    // is measured on syn's buffer, which costs no copy of the stream.
    let (limit, item_limit) = (nesting::MAX_NESTING, nesting::MAX_ITEM_NESTING);
    let parsed = if nesting::surely_within(&text[offset..], limit, item_limit) {
        Ok(syn::parse2::<syn::File>(tokens))
    } else if nesting::may_nest_groups_deeper(&text[offset..], MAX_BUFFERED_GROUP_DEPTH) {
        nesting::check(&tokens, limit, item_limit).map(|_| syn::parse2::<syn::File>(tokens))
    } else {
        parse_measured(tokens)
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(too_deep) => {
            let start = too_deep.offset + offset;
            return fail(
                text,
                Some(start),
                FailureCause::TooDeep,
                too_deep.describe(),
            );
        }
    };
    match parsed {
        Ok(mut ast) => {
            if offset > 0
                && text[..offset]
                    .trim_start_matches('\u{feff}')
                    .starts_with("#!")
            {
                ast.shebang = Some(text[..offset].trim_start_matches('\u{feff}').to_string());
            }
            Ok(ParsedFile::new(source(text), ast, offset))
        }
        Err(error) => {
            let start = error.span().byte_range().start + offset;
            fail(
                text,
                Some(start),
                FailureCause::Syntax,
                format!("cannot parse: {error}"),
            )
        }
    }
}

/// Parses a file whose nesting is measured first on syn's own token buffer,
/// in the same `parse2` call: a file that nests too deep is not parsed.
fn parse_measured(
    tokens: proc_macro2::TokenStream,
) -> Result<syn::Result<syn::File>, nesting::TooDeep> {
    let measure_then_parse = |input: syn::parse::ParseStream| {
        let measured = nesting::check_cursor(
            input.cursor(),
            nesting::MAX_NESTING,
            nesting::MAX_ITEM_NESTING,
        );
        match measured {
            Ok(_) => input.parse::<syn::File>().map(Ok),
            Err(too_deep) => {
                // Consumed, so that syn does not report the rest as unexpected.
                input.parse::<proc_macro2::TokenStream>()?;
                Ok(Err(too_deep))
            }
        }
    };
    match syn::parse::Parser::parse2(measure_then_parse, tokens) {
        Ok(Ok(ast)) => Ok(Ok(ast)),
        Ok(Err(too_deep)) => Err(too_deep),
        Err(error) => Ok(Err(error)),
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

/// proc-macro2 says only "cannot parse string into token stream"; the
/// character it stopped at tells more.
fn lex_error_text(text: &str, offset: usize) -> String {
    match text.get(offset..).and_then(|rest| rest.chars().next()) {
        Some(c @ ('(' | '[' | '{')) => format!("unclosed delimiter `{c}`"),
        Some(c @ (')' | ']' | '}')) => format!("unexpected closing delimiter `{c}`"),
        Some(c) if c.is_control() || c == '\u{feff}' => {
            format!("unexpected character U+{:04X} in the source", c as u32)
        }
        Some(c) => format!("invalid token starting with `{c}`"),
        None => "unexpected end of file".to_string(),
    }
}

/// Reads a regular file of at most `limit` bytes. Anything else (a
/// directory, a FIFO that would block, a device, a file too large) is
/// refused with a message for ML001, before a byte is read where possible.
fn read_limited(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, (FailureCause, String)> {
    let cannot_read = |error: std::io::Error| {
        (
            FailureCause::Read,
            format!(
                "cannot read file: {}",
                crate::discover::io_error_text(&error)
            ),
        )
    };
    let metadata = std::fs::metadata(path).map_err(cannot_read)?;
    if !metadata.is_file() {
        return Err((
            FailureCause::Read,
            "cannot read file: not a regular file".to_string(),
        ));
    }
    let too_large = |size: u64| {
        (
            FailureCause::TooLarge,
            format!(
                "file is {}, larger than the limit of {} (`max-file-size`)",
                crate::config::format_size(size),
                crate::config::format_size(limit)
            ),
        )
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The file may grow between `metadata` and `read`.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Runs `work` (which parses or walks syntax trees) on a thread with the
/// workers' large stack, so that code nested as deep as the check accepts
/// cannot overflow the 8 MiB main thread; inline if no thread can start.
pub fn on_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(work));
    let run = || {
        let work = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        work.map(|work| work())
    };
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("memolint-parse".to_string())
            .stack_size(crate::pipeline::WORKER_STACK_SIZE)
            .spawn_scoped(scope, run)
            .ok()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
    });
    // If no thread could start, the work is still in its slot.
    result.flatten().or_else(run).expect("the work runs once")
}

/// Bytes syn does not see: a byte-order mark and a shebang line (but not an
/// inner attribute `#![...]`), as `syn::parse_file` skips them.
pub fn skipped_prefix(text: &str) -> usize {
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
