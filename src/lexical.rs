//! Rust text read byte by byte, as proc-macro2 lexes it, for the scans
//! that must not pay for tokens: the nesting bound (`nesting/text.rs`) and
//! the pre-pass (`prepass/scan.rs`).
//!
//! Each helper finds where a literal or a comment ends, so that a scan
//! sees brackets and words only where the lexer's tokens have them. Each
//! returns `None` where the text is not what lexing would accept, and the
//! scan then leaves the decision to the tokens.

/// What a byte starts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Space,
    Word,
    Quote,
    Tick,
    Slash,
    Semicolon,
    Comma,
    Less,
    Pound,
    Punct,
    Open(u8),
    Close,
    NonAscii,
    Other,
}

pub const CLASS: [Class; 256] = {
    let mut class = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        class[b] = match byte {
            b' ' | 0x09..=0x0d => Class::Space,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => Class::Word,
            b'"' => Class::Quote,
            b'\'' => Class::Tick,
            b'/' => Class::Slash,
            b';' => Class::Semicolon,
            b',' => Class::Comma,
            b'<' => Class::Less,
            b'#' => Class::Pound,
            // proc-macro2's punctuation characters, less the ones above.
            b'~' | b'!' | b'@' | b'$' | b'%' | b'^' | b'&' | b'*' | b'-' | b'=' | b'+' | b'|'
            | b':' | b'.' | b'>' | b'?' => Class::Punct,
            b'(' => Class::Open(b')'),
            b'[' => Class::Open(b']'),
            b'{' => Class::Open(b'}'),
            b')' | b']' | b'}' => Class::Close,
            0x80..=0xff => Class::NonAscii,
            _ => Class::Other,
        };
        b += 1;
    }
    class
};

/// The first byte at or after `from` whose class is not `skipped`.
pub fn skip(bytes: &[u8], from: usize, skipped: impl Fn(Class) -> bool) -> usize {
    let rest = &bytes[from.min(bytes.len())..];
    from + rest
        .iter()
        .position(|&b| !skipped(CLASS[b as usize]))
        .unwrap_or(rest.len())
}

/// What follows a word that may prefix a literal.
pub enum AfterWord {
    /// The word was a literal's prefix (`b"..."`, `b'x'`, `r#"..."#`,
    /// `br"..."`, `c"..."`); the literal ends here.
    Literal(usize),
    /// `r#name`: a raw identifier; `name` starts after the `#`.
    RawIdentifier,
    /// Nothing: the word is a word.
    Word,
}

/// What the word `word`, ending at `end`, starts with what follows it;
/// `None` where a literal's prefix starts something lexing would reject.
pub fn after_word(bytes: &[u8], word: &[u8], end: usize) -> Option<AfterWord> {
    Some(match (word, bytes.get(end)) {
        (b"b" | b"c", Some(b'"')) => AfterWord::Literal(cooked_string_end(bytes, end)?),
        (b"b", Some(b'\'')) => AfterWord::Literal(character_end(bytes, end)?),
        (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => match raw_string_end(bytes, end) {
            Some(literal_end) => AfterWord::Literal(literal_end),
            None if word == b"r" => AfterWord::RawIdentifier,
            None => return None,
        },
        _ => AfterWord::Word,
    })
}

/// After the `"` at `quote` of a string with escapes.
pub fn cooked_string_end(bytes: &[u8], quote: usize) -> Option<usize> {
    let mut i = quote + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        match bytes[i] {
            b'"' => return Some(i + 1),
            _ => i += 2,
        }
    }
}

/// After a raw string whose `#`s or `"` start at `at`; `None` if no `"`
/// follows the `#`s.
pub fn raw_string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let hashes = bytes[at..].iter().take_while(|&&b| b == b'#').count();
    let open = at + hashes;
    if bytes.get(open) != Some(&b'"') {
        return None;
    }
    let mut i = open + 1;
    loop {
        let quote = i + memchr::memchr(b'"', bytes.get(i..)?)?;
        let closing = bytes.get(quote + 1..quote + 1 + hashes)?;
        if closing.iter().all(|&b| b == b'#') {
            return Some(quote + 1 + hashes);
        }
        i = quote + 1;
    }
}

/// After the character literal whose `'` is at `tick`, or `None` when the
/// `'` starts a lifetime: proc-macro2 takes a `'`, one character (or an
/// escape) and a `'` as a character before anything else.
pub fn character_end(bytes: &[u8], tick: usize) -> Option<usize> {
    let first = *bytes.get(tick + 1)?;
    if first == b'\\' {
        // `'\n'`, `'\''`, `'\x7f'`, `'\u{..}'`: no `'` after the escaped
        // character until the closing one.
        let rest = bytes.get(tick + 3..)?;
        return Some(tick + 3 + rest.iter().position(|&b| b == b'\'')? + 1);
    }
    let len = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    (bytes.get(tick + 1 + len) == Some(&b'\'')).then_some(tick + 2 + len)
}

/// After the block comment starting at `at`, nested ones included, as
/// proc-macro2 finds its end.
pub fn block_comment_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 1;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            if depth == 0 {
                return Some(i + 2);
            }
            i += 1;
        }
        i += 1;
    }
    None
}
