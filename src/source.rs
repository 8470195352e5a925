//! Source files as memolint sees them: text, a stable id and a line index.
//!
//! Every location memolint reports is a byte range into the original text of
//! one file. Lines and columns are derived here, in one place, so that every
//! output format agrees on them (1-based lines, 1-based columns counted in
//! characters, as rustc does).

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// Identifies a file for the whole run. Assigned once, at discovery, so that
/// findings from different worker threads can name files without sharing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span {
            file,
            start: range.start,
            end: range.end,
        }
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A file's text with the path it is displayed under.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user would write it: relative to the working
    /// directory when the file is below it.
    pub display: String,
    pub path: PathBuf,
    pub text: String,
    /// Computed on first use: most files of a run are never rendered.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// See [`SourceFile::offset_of`].
    newline_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and 1-based column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, display: String, text: String) -> Self {
        SourceFile {
            id,
            display,
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
            newline_starts: std::sync::OnceLock::new(),
        }
    }

    /// Line and column of a byte offset. Offsets past the end or inside a
    /// multi-byte character are clamped to the nearest valid position.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line_starts = self.line_starts();
        let line_index = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut line_start = line_starts[line_index];
        // A byte-order mark is not a character of the first line.
        if line_start == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            line_start = 3;
        }
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// The byte offset of a 1-based line and a 0-based column in
    /// characters, as proc-macro2 numbers them (lines end at `\n` only);
    /// `None` past the end. proc-macro2's own `byte_range` maps characters
    /// to bytes through a table it grows on every call, which costs more
    /// than everything else the index does with a span; here it is one
    /// addition where the line is ASCII up to the column (most lines of
    /// most files), a walk along the line otherwise (`None` far along a
    /// line, so that a text on one long line does not cost the square of
    /// its length).
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let starts = self.newline_starts.get_or_init(|| {
            // Every file the index reads is scanned here; `memchr` finds
            // the line ends several at a time.
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        let start = *starts.get(line.checked_sub(1)?)?;
        let rest = &self.text[start..];
        if rest.as_bytes().get(..column).is_some_and(<[u8]>::is_ascii) {
            return Some(start + column);
        }
        if column > MAX_COLUMN_WALK {
            return None;
        }
        match rest.char_indices().nth(column) {
            Some((at, _)) => Some(start + at),
            None => (rest.chars().count() == column).then_some(self.text.len()),
        }
    }

    /// The text of a span, clamped to valid boundaries.
    pub fn slice(&self, span: Span) -> &str {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.min(self.text.len())).max(start);
        &self.text[start..end]
    }
}

/// The furthest column [`SourceFile::offset_of`] walks to in a text that
/// is not ASCII.
const MAX_COLUMN_WALK: usize = 1_000;

/// Byte offsets where lines start. A line ends at `\n`, or at a `\r` that is
/// not followed by `\n` (old Mac line endings), as rustc counts them.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "a.rs".into(), "a.rs".into(), text.into())
    }

    /// `offset_of` agrees with proc-macro2's own `byte_range` on every
    /// token's start and end, in ASCII and other texts, `\r\n` included.
    #[test]
    fn offsets_of_lines_and_columns_agree_with_proc_macro2() {
        fn tokens(stream: proc_macro2::TokenStream, out: &mut Vec<proc_macro2::Span>) {
            for tree in stream {
                out.push(tree.span());
                if let proc_macro2::TokenTree::Group(group) = tree {
                    out.push(group.span_close());
                    tokens(group.stream(), out);
                }
            }
        }
        let long_line = format!("const S: &str = \"é\"; {}", "let x = 1; ".repeat(200));
        for text in [
            "fn a() -> u8 {\r\n    let b = [1, 2];\n    b[0]\n}\n",
            "/// Ünïcödé docs\nfn π(x: f64) -> f64 { x * \"ß\".len() as f64 }\r\n// ✓\nstruct S;",
            &long_line,
        ] {
            let source = file(text);
            let mut spans = Vec::new();
            tokens(text.parse().unwrap(), &mut spans);
            let mut walked = 0;
            for span in spans {
                for (at, expected) in [
                    (span.start(), span.byte_range().start),
                    (span.end(), span.byte_range().end),
                ] {
                    if let Some(offset) = source.offset_of(at.line, at.column) {
                        assert_eq!(offset, expected, "{at:?} in {text:?}");
                        walked += 1;
                    } else {
                        // Only far along a long line that is not ASCII.
                        assert!(at.column > MAX_COLUMN_WALK && !text.is_ascii());
                    }
                }
            }
            assert!(walked > 10);
        }
        assert_eq!(file("ab\nc").offset_of(3, 0), None);
        assert_eq!(file("ab\nc").offset_of(2, 1), Some(4));
        assert_eq!(file("é\nc").offset_of(2, 2), None);
    }

    #[test]
    fn lines_and_columns_count_characters() {
        let f = file("fn a() {}\nlet é = 1;\r\nx\ry");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(10), LineCol { line: 2, column: 1 });
        // `=` comes after the two-byte `é`: column counts characters.
        assert_eq!(f.line_col(17), LineCol { line: 2, column: 7 });
        assert_eq!(f.line_col(23), LineCol { line: 3, column: 1 });
        assert_eq!(f.line_col(25), LineCol { line: 4, column: 1 });
        assert_eq!(f.line_col(1000).line, 4);
    }

    #[test]
    fn a_byte_order_mark_takes_no_column() {
        let f = file("\u{feff}fn a() {}\nb");
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(6), LineCol { line: 1, column: 4 });
        assert_eq!(f.line_col(13), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let f = file("é");
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(f.slice(Span::new(FileId(0), 1..2)), "é");
    }
}
