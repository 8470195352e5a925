//! A small Rust lexer that finds comments and tells code from literals.
//!
//! Comments are not in syn's tree, so suppression comments are found in
//! the text. Scanning for `//` is not enough: `"http://x"` holds one and a
//! block comment may hide another. This lexer knows exactly what it must to
//! get that right (strings with escapes, raw strings, byte and C strings,
//! char literals versus lifetimes, nested block comments) and nothing more.
//! It never fails: text that is not valid Rust still lexes to something.

use std::ops::Range;

/// What a comment is, by its opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...` (and `//// ...`, which is not a doc comment).
    Line,
    /// `/// ...`: documents the next item.
    OuterDoc,
    /// `//! ...`: documents the enclosing module or function.
    InnerDoc,
    /// `/* ... */`, doc or not.
    Block,
}

/// A comment: its bytes without the line break that ends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: Range<usize>,
    pub kind: CommentKind,
}

/// The comments of a text, and every range that is not code.
#[derive(Debug, Default)]
pub struct Lexed {
    pub comments: Vec<Comment>,
    /// Comments and literals, in text order, not overlapping.
    non_code: Vec<Range<usize>>,
}

impl Lexed {
    /// Whether `offset` is in code: not inside a comment or a literal
    /// (the first byte of either counts as code, it is where it starts).
    pub fn in_code(&self, offset: usize) -> bool {
        let i = self.non_code.partition_point(|r| r.start < offset);
        i == 0 || self.non_code[i - 1].end <= offset
    }

    /// The comment starting at `offset`, if one does.
    pub fn comment_at(&self, offset: usize) -> Option<&Comment> {
        let i = self.comments.partition_point(|c| c.range.start < offset);
        self.comments.get(i).filter(|c| c.range.start == offset)
    }
}

pub fn lex(text: &str) -> Lexed {
    let bytes = text.as_bytes();
    let mut lexed = Lexed::default();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(bytes, i);
                let kind = match (bytes.get(start + 2), bytes.get(start + 3)) {
                    (Some(b'!'), _) => CommentKind::InnerDoc,
                    (Some(b'/'), Some(b'/')) => CommentKind::Line,
                    (Some(b'/'), _) => CommentKind::OuterDoc,
                    _ => CommentKind::Line,
                };
                lexed.comments.push(Comment {
                    range: start..i,
                    kind,
                });
                lexed.non_code.push(start..i);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(bytes, i);
                lexed.comments.push(Comment {
                    range: start..i,
                    kind: CommentKind::Block,
                });
                lexed.non_code.push(start..i);
            }
            b'"' => {
                i = string_end(bytes, i + 1);
                lexed.non_code.push(start..i);
            }
            b'\'' => {
                if let Some(end) = char_literal_end(text, i + 1) {
                    i = end;
                    lexed.non_code.push(start..i);
                } else {
                    // A lifetime or label: its name lexes as an identifier.
                    i += 1;
                }
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric() || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                let literal_end = match (&text[start..i], bytes.get(i)) {
                    ("r" | "br" | "cr", Some(b'#' | b'"')) => raw_string_end(bytes, i),
                    ("b" | "c", Some(b'"')) => Some(string_end(bytes, i + 1)),
                    ("b", Some(b'\'')) => char_literal_end(text, i + 1),
                    _ => None,
                };
                if let Some(end) = literal_end {
                    i = end;
                    lexed.non_code.push(start..i);
                }
            }
            c if c.is_ascii_digit() => {
                // `1u8`, `0x1f`, `1e3`: one token; `1.0` is two, harmlessly.
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    lexed
}

/// The end of a line comment: the `\n` (or the `\r\n`) that ends it.
fn line_end(bytes: &[u8], from: usize) -> usize {
    let mut end = bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| from + n);
    if end > from && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

/// Block comments nest in Rust.
fn block_comment_end(bytes: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// After the opening `"`: the byte after the closing one.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// At the `#`s or `"` after `r`: the end of a raw string, or `None` for a
/// raw identifier (`r#type`).
fn raw_string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let hashes = bytes[i..].iter().take_while(|&&b| b == b'#').count();
    i += hashes;
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(bytes.len())
}

/// After an opening `'`: the end of a char literal, or `None` when the quote
/// starts a lifetime (`'a` with no closing quote right after one char).
fn char_literal_end(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.get(i)? {
        b'\\' => {
            // An escape: `'\n'`, `'\''`, `'\u{1F600}'`.
            let close = bytes
                .get(i + 2..)?
                .iter()
                .position(|&b| b == b'\'' || b == b'\n')?;
            (bytes[i + 2 + close] == b'\'').then_some(i + 2 + close + 1)
        }
        b'\'' => None,
        _ => {
            let c = text[i..].chars().next()?;
            let after = i + c.len_utf8();
            (bytes.get(after) == Some(&b'\'')).then_some(after + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<(&str, CommentKind)> {
        lex(text)
            .comments
            .iter()
            .map(|c| (&text[c.range.clone()], c.kind))
            .collect()
    }

    #[test]
    fn comments_of_every_kind() {
        let text =
            "//! inner\n/// outer\n//// plain\nfn a() {} // trail\r\n/* b /* nested */ still */ x";
        assert_eq!(
            comments(text),
            vec![
                ("//! inner", CommentKind::InnerDoc),
                ("/// outer", CommentKind::OuterDoc),
                ("//// plain", CommentKind::Line),
                ("// trail", CommentKind::Line),
                ("/* b /* nested */ still */", CommentKind::Block),
            ]
        );
    }

    #[test]
    fn comment_markers_inside_literals_are_not_comments() {
        let text = r####"
let url = "http://x.org/* not */"; // real one
let raw = r#"// inside "quoted" raw"#; let b = br"//"; let c = c"//";
let esc = "a \" // still a string"; let ch = '"'; let q = '\''; // two
fn f<'a>(x: &'a str) -> &'a str { x } // three
let r#type = 1; // four
"####;
        let found: Vec<&str> = comments(text).into_iter().map(|(t, _)| t).collect();
        assert_eq!(found, vec!["// real one", "// two", "// three", "// four"]);
    }

    #[test]
    fn in_code_tells_literals_and_comments_apart() {
        let text = "let s = \"a\nb\"; // c\nx";
        let lexed = lex(text);
        assert!(lexed.in_code(0));
        assert!(lexed.in_code(8), "the opening quote starts the literal");
        assert!(!lexed.in_code(11), "inside the string, on its second line");
        assert!(!lexed.in_code(17), "inside the comment");
        assert!(lexed.in_code(text.len() - 1));
    }

    #[test]
    fn unterminated_constructs_end_at_the_end() {
        assert_eq!(comments("/* open"), vec![("/* open", CommentKind::Block)]);
        assert!(comments("\"open // no").is_empty());
        assert_eq!(comments("'").len(), 0);
    }
}
