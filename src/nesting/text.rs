//! An upper bound of the token walk's estimate, read straight off the text.
//!
//! The walk in `mod.rs` reads syn's token buffer, and every identifier and
//! literal it steps over is a copy (syn's cursor has no other way past
//! them): about a twentieth of a whole check. This scan reads the bytes
//! instead, for about a third of the walk's instructions, and decides for
//! almost every file that the walk could not find it too deep. Only a file it
//! cannot clear (a bound over a limit, or text it does not follow) is
//! walked token by token, so the verdict is always the walk's.
//!
//! The bound counts as the walk does, erring only upwards:
//!
//! - a word, a literal, a punctuation character or a non-ASCII byte is at
//!   least one token (lexing can only merge them: `1.5` is one literal, a
//!   non-ASCII byte may be part of an identifier or of whitespace);
//! - `;` ends the run of a level and `,` lowers it to the unclosed `<` of
//!   the statement, which are counted but never closed (`->` and `=>`
//!   would need the tokens' spacing);
//! - after a `}`, the run ends at the next word, literal, group or `#`,
//!   except at `else` and `as`: where the walk's next token is a doc
//!   comment's `#`, the scan looks past the comment and may not end it;
//! - `#` and `!` of an attribute count, where the walk skips them;
//! - a comment is a point as deep as a doc comment's `[doc = "..."]`
//!   could reach.
//!
//! Strings, characters and comments are skipped as proc-macro2 lexes them,
//! so that the brackets match the token tree's groups; the text has been
//! lexed already, so anything unexpected only means the walk decides.

use crate::lexical::{
    after_word, block_comment_end, character_end, cooked_string_end, skip, AfterWord, Class, CLASS,
};

/// Whether the token walk ([`super::check`]) is sure to accept `text`:
/// its estimate within `limit` and braces within `item_limit`. `false`
/// means the walk must decide. Each group is a token one level deeper
/// than its bracket, so a text this accepts also nests its groups no
/// deeper than `limit`.
pub fn surely_within(text: &str, limit: usize, item_limit: usize) -> bool {
    bound(text, limit, item_limit).is_some()
}

/// The bound of the walk's estimate, or `None` once it crosses `limit`,
/// braces nest deeper than `item_limit`, or the text is not what lexing
/// accepted.
fn bound(text: &str, limit: usize, item_limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut levels: Vec<Level> = Vec::new();
    let mut top = Level::new(0, 0);
    let mut braces = 0;
    let mut deepest = 0;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let depth = match CLASS[byte as usize] {
            Class::Space => {
                // Indentation: the tightest loop here.
                i = skip(bytes, i + 1, |class| matches!(class, Class::Space));
                continue;
            }
            Class::Word => {
                let start = i;
                i = skip(bytes, i + 1, |class| matches!(class, Class::Word));
                let word = &bytes[start..i];
                match after_word(bytes, word, i)? {
                    AfterWord::Literal(end) => {
                        i = end;
                        top.token(true)
                    }
                    // `r#name`: a raw identifier, `r` here and `#` next is
                    // more than its one token.
                    AfterWord::RawIdentifier => top.token(true),
                    AfterWord::Word => top.token(word != b"else" && word != b"as"),
                }
            }
            Class::Quote => {
                i = cooked_string_end(bytes, i)?;
                top.token(true)
            }
            Class::Tick => match character_end(bytes, i) {
                Some(end) => {
                    i = end;
                    top.token(true)
                }
                // A lifetime's `'`: a joint punctuation token, then its name.
                None => {
                    i += 1;
                    top.token(false)
                }
            },
            Class::Slash => match bytes.get(i + 1) {
                Some(b'/') => {
                    i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |at| i + at);
                    top.comment()
                }
                Some(b'*') => {
                    i = block_comment_end(bytes, i)?;
                    top.comment()
                }
                _ => {
                    i += 1;
                    top.token(false)
                }
            },
            Class::Semicolon => {
                i += 1;
                top.after_brace = false;
                top.run = 0;
                top.angles = 0;
                continue;
            }
            Class::Comma => {
                i += 1;
                top.after_brace = false;
                top.run = top.angles;
                continue;
            }
            Class::Less => {
                i += 1;
                top.angles += 1;
                top.token(false)
            }
            Class::Pound => {
                i += 1;
                top.token(true)
            }
            Class::Punct | Class::NonAscii => {
                i += 1;
                top.token(false)
            }
            Class::Open(close) => {
                i += 1;
                let depth = top.token(true);
                if close == b'}' {
                    braces += 1;
                    if braces > item_limit {
                        return None;
                    }
                }
                levels.push(std::mem::replace(&mut top, Level::new(depth, close)));
                depth
            }
            Class::Close => {
                i += 1;
                if byte != top.close {
                    return None;
                }
                top = levels.pop()?;
                if byte == b'}' {
                    braces -= 1;
                    top.after_brace = true;
                }
                continue;
            }
            Class::Other => return None,
        };
        deepest = deepest.max(depth);
        if deepest > limit {
            return None;
        }
    }
    levels.is_empty().then_some(deepest)
}

/// A bracketed group being scanned (or the file), as the walk's frame.
struct Level {
    /// The depth of the group's opening bracket.
    base: usize,
    /// Tokens (at least) of the current expression at this level.
    run: usize,
    /// `<` since the run last ended.
    angles: usize,
    /// The last token was a `{...}` group.
    after_brace: bool,
    /// The bracket that closes the group (none for the file).
    close: u8,
}

impl Level {
    fn new(base: usize, close: u8) -> Level {
        Level {
            base,
            run: 0,
            angles: 0,
            after_brace: false,
            close,
        }
    }

    /// One more token, which ends the run when it follows a `{...}` and
    /// `ends_statement` (only where the walk's next token surely does, see
    /// the module docs); its depth.
    fn token(&mut self, ends_statement: bool) -> usize {
        if std::mem::take(&mut self.after_brace) && ends_statement {
            self.run = 0;
            self.angles = 0;
        }
        self.run += 1;
        self.base + self.run
    }

    /// A comment: as deep as the tokens of a doc comment's attribute
    /// could go (`#`, `[`, then `doc = "..."`), which the walk counts
    /// from the enclosing run. It leaves the run as it is.
    fn comment(&self) -> usize {
        self.base + self.run + 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's estimate, which the bound must never be below.
    fn walk(text: &str) -> usize {
        super::super::check(&text.parse().unwrap(), usize::MAX, usize::MAX).unwrap()
    }

    fn assert_bounds(text: &str) -> usize {
        let bound = bound(text, usize::MAX, usize::MAX)
            .unwrap_or_else(|| panic!("no bound for {:?}", &text[..text.len().min(80)]));
        let walked = walk(text);
        assert!(
            bound >= walked,
            "bound {bound} < walk {walked} for {:?}",
            &text[..text.len().min(80)]
        );
        bound
    }

    #[test]
    fn bounds_the_walk_on_real_code() {
        for text in [
            include_str!("mod.rs"),
            include_str!("text.rs"),
            include_str!("../index/body.rs"),
            include_str!("../index/summary.rs"),
            include_str!("../parse.rs"),
            include_str!("../suppress/comments.rs"),
        ] {
            let bound = assert_bounds(text);
            // Close enough to clear real code with room to spare.
            assert!(bound < 300, "{bound}");
        }
    }

    #[test]
    fn brackets_in_literals_and_comments_are_not_groups() {
        // Each hides a `)` that would close the group early, and a run of
        // tokens after it that a scan closing it would count too low.
        let deep = "a + ".repeat(40);
        for hidden in [
            r#"")""#,
            r#""\")\\""#,
            r##"r#")"#"##,
            r#"r")\""#,
            r#"br")""#,
            r#"b")""#,
            r#"c")""#,
            r###"cr##")"#)"##"###,
            "')'",
            r"'\''",
            r"b')'",
            r"'\u{29}'",
            "'ä'",
            "/* ) */",
            "/* /* ) */ ) */",
            "// )\n",
            "/// )\n",
            "/** ) */",
        ] {
            let text = format!("fn f() {{ g({hidden} {deep} 1) }}");
            assert_bounds(&text);
        }
    }

    #[test]
    fn lifetimes_and_labels_are_not_characters() {
        let text = "fn f<'a, 'b: 'a>(x: &'a u8) -> &'a u8 { 'outer: loop { break 'outer x; } }";
        assert_bounds(text);
        // The `'` of `'a` does not start a character with `,`.
        assert_bounds("struct S<'a,'b>(&'a u8, &'b u8);");
    }

    #[test]
    fn runs_end_after_braces_only_where_the_walk_may_end_them() {
        for text in [
            format!("fn f() {{ {} }}", "if a { 1 } else ".repeat(200) + "{ 2 }"),
            format!(
                "fn f() {{ {} }}",
                "if a { 1 } // c\n else ".repeat(200) + "{ 2 }"
            ),
            format!(
                "fn f() {{ {} }}",
                "if a { 1 } /// c\n else ".repeat(200) + "{ 2 }"
            ),
            format!("fn f() {{ x{} }}", " { 1 } as u8 + ".repeat(200)),
            format!("fn f() {{ {} 1 }}", "loop {}.await + ".repeat(200)),
            format!("fn f() {{ {} }}", "if a { 1 }\n".repeat(200)),
            "/// doc\nfn f() {}\n".repeat(200),
        ] {
            assert_bounds(&text);
        }
        // Items after items stay shallow, as in the walk.
        let items = "/// doc\n#[inline]\npub fn f(x: &u8) -> Vec<u8> { vec![*x] }\n".repeat(2000);
        assert!(assert_bounds(&items) < 30);
    }

    #[test]
    fn commas_keep_the_unclosed_angles() {
        for text in [
            format!(
                "type T = {}u8{};",
                "HashMap<u8, ".repeat(300),
                ">".repeat(300)
            ),
            format!("fn f() {{ match x {{ {} }} }}", "1 => a < b, ".repeat(300)),
            format!("fn f() -> Vec<u8> {{ g::<{}>() }}", "u8, ".repeat(300)),
        ] {
            assert_bounds(&text);
        }
    }

    #[test]
    fn attributes_and_comments_count_at_least_as_deep() {
        let text = format!("fn f() {{ {}1 }}", "- #[a] ".repeat(100));
        assert_bounds(&text);
        let text = format!("fn f() {{ {}1 }}", "- /** doc */ ".repeat(100));
        assert_bounds(&text);
        assert_bounds("fn f() { g(x, /** doc */ y) }");
        assert_bounds("//! doc\n#![allow(x)]\nfn f() {}");
        assert_bounds("r#fn r#else() { r#as(); }");
    }

    #[test]
    fn every_kind_of_nesting_is_bounded() {
        let n = 300;
        let mut texts = super::super::tests::every_kind_of_nesting(n);
        // Literals and non-ASCII text lengthen runs as any token does.
        texts.extend([
            format!("fn f() {{ x{} }}", " + 'a'".repeat(n)),
            format!("fn f() {{ x{} }}", " + \"s\"".repeat(n)),
            format!("fn f() {{ x{} }}", " + é".repeat(n)),
        ]);
        for text in texts {
            assert!(assert_bounds(&text) >= n);
            // A bound over the limit leaves the verdict to the walk.
            assert!(!surely_within(&text, n / 2, usize::MAX));
        }
    }

    #[test]
    fn braces_over_the_item_limit_leave_it_to_the_walk() {
        let blocks = format!("fn f() {{ {}{} }}", "{ ".repeat(20), "} ".repeat(20));
        assert!(surely_within(&blocks, 100, 21));
        assert!(!surely_within(&blocks, 100, 20));
    }

    #[test]
    fn text_lexing_would_refuse_is_left_to_the_walk() {
        for text in [
            "fn f() { \"open }",
            "fn f() { ( }",
            "fn f() { ) }",
            "fn f( {",
            "a \\ b",
        ] {
            assert!(!surely_within(text, usize::MAX, usize::MAX), "{text}");
        }
    }
}
