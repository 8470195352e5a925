//! How deep a file's syntax tree could go, estimated from its tokens before
//! syn sees them.
//!
//! syn parses by recursive descent, and its visitors, `Drop` and `ToTokens`
//! recurse as deep as the tree is nested. Worker threads have large stacks,
//! but a few hundred kilobytes of `((((` or `- - - -` still nest deep enough
//! to overflow any stack, and an overflow aborts the whole process where no
//! `catch_unwind` can help. So a file is measured first, without recursion,
//! and refused (ML001) when it could nest deeper than [`MAX_NESTING`].
//!
//! The measure is an upper bound, not the exact tree depth: inside each
//! delimited group it counts the tokens of the current expression (every
//! token of a statement can open one more level: `-`, `&`, `|x|`, `else if`,
//! `a.b().c()`, `a + b + c`), resets at `;` and `,` (which end an expression
//! or an element), and adds up along the chain of enclosing groups.
//! Attributes (`#[...]`, doc comments) count for nothing: they nest nothing.
//!
//! Items nested in items (modules in modules, functions in functions) are
//! limited separately and much lower, to [`MAX_ITEM_NESTING`]: the index
//! keeps each item's full path, so deeply nested items cost the square of
//! their depth in time and memory, while real code nests a handful.
//!
//! Walking the tokens costs about a twentieth of a check, so the text is
//! first scanned for an upper bound of the same estimate (`text.rs`); only
//! a file whose bound crosses a limit is walked.

mod text;

pub use text::surely_within;

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use syn::buffer::Cursor;

/// The deepest estimated nesting memolint checks. Measured on a debug build
/// (whose stack frames are several times larger than a release build's)
/// with the 256 MiB worker stacks of [`crate::pipeline`]: the most
/// stack-hungry constructs (nested types: `&&&&T`, `((T,),)`) overflow
/// near 9 000 levels, blocks near 12 000, parentheses near 19 000. Real
/// code stays far below: the deepest of 4 382 files of 120 popular crates
/// (syn, clap, serde, bitflags, winnow, ...) measures 391.
pub const MAX_NESTING: usize = 3_000;

/// The deepest nesting of items (`mod`, `fn`, `impl`, `trait` bodies) in
/// items memolint checks; the same 4 382 files nest at most 6.
pub const MAX_ITEM_NESTING: usize = 100;

/// What went too deep, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset (into the text the tokens were lexed from) of the token
    /// at which the limit was crossed.
    pub offset: usize,
    /// Items in items, rather than expressions, types or blocks.
    pub items: bool,
    /// The limit crossed.
    pub limit: usize,
}

impl TooDeep {
    /// For ML001's message.
    pub fn describe(&self) -> String {
        if self.items {
            format!(
                "items (modules, functions, impls, traits) nested more than {} deep here",
                self.limit
            )
        } else {
            format!(
                "nested too deeply: more than {} levels of expressions, types or blocks here",
                self.limit
            )
        }
    }
}

/// Walks the token tree (iteratively, so that the measure itself cannot
/// overflow) and returns the deepest estimated nesting, or where it first
/// gets deeper than `limit` (or items nest deeper than `item_limit`).
pub fn check(tokens: &TokenStream, limit: usize, item_limit: usize) -> Result<usize, TooDeep> {
    measure_items_if_needed(|| tokens.clone().into_iter(), limit, item_limit)
}

/// [`check`] on the token buffer syn parses from, which the walk borrows
/// instead of copying every token of the file as a `TokenStream` walk must.
/// syn builds that buffer recursively, one frame per group, so this is only
/// safe where the groups cannot nest too deep (see [`may_nest_groups_deeper`]).
pub fn check_cursor(cursor: Cursor<'_>, limit: usize, item_limit: usize) -> Result<usize, TooDeep> {
    let tokens = || CursorTokens {
        cursor,
        lifetime_name: None,
    };
    measure_items_if_needed(tokens, limit, item_limit)
}

/// How the walk counts nested items.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Items {
    /// Every `{...}` as an item body: an upper bound that needs no word of
    /// the text, and that real code keeps far below the limit.
    BoundedByBraces,
    /// Only the bodies of `mod`, `fn`, `impl` and `trait`.
    ByKeywords,
}

/// Measures with items bounded by braces, and again by keywords only when
/// that bound crosses the item limit. Telling the words apart takes six
/// comparisons of every identifier's text, half the cost of the walk.
fn measure_items_if_needed<S: TokenSource>(
    tokens: impl Fn() -> S,
    limit: usize,
    item_limit: usize,
) -> Result<usize, TooDeep> {
    match measure(tokens(), limit, item_limit, Items::BoundedByBraces) {
        // Before the brace bound is crossed, the exact count cannot have
        // been either, so any other outcome is the exact one.
        Err(TooDeep { items: true, .. }) => measure(tokens(), limit, item_limit, Items::ByKeywords),
        measured => measured,
    }
}

/// Whether `text` could lex into groups nested deeper than `depth`: every
/// group but a doc comment's opens with a bracket character, so a text
/// with few of them cannot (strings and comments only make this cautious).
pub fn may_nest_groups_deeper(text: &str, depth: usize) -> bool {
    // Counted in chunks whose counts fit a byte, which the compiler turns
    // into vector code: fifteen times faster than counting one by one, and
    // every byte of every file goes through here.
    let opens: usize = text
        .as_bytes()
        .chunks(u8::MAX as usize)
        .map(|chunk| {
            let count: u8 = chunk
                .iter()
                .map(|&b| u8::from(b == b'(') + u8::from(b == b'[') + u8::from(b == b'{'))
                .sum();
            usize::from(count)
        })
        .sum();
    opens + 1 > depth
}

/// A token as the measure sees it: only what decides the estimate.
enum Token<Inner> {
    // Spans, not offsets: finding a span's offset is a search, done only
    // for the token that crosses a limit.
    Group {
        delimiter: Delimiter,
        open: Span,
        inner: Inner,
    },
    Punct {
        ch: char,
        joint: bool,
        span: Span,
    },
    /// Which word it is is asked only where it matters (see [`Word`]).
    Ident(proc_macro2::Ident),
    Literal {
        span: Span,
    },
}

/// The identifiers the measure tells apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    /// `mod`, `fn`, `impl`, `trait`: the next `{...}` is an item body.
    ItemKeyword,
    /// `else`, `as`: the expression goes on after a `{...}`.
    Continues,
    Other,
}

impl Word {
    fn of(ident: &proc_macro2::Ident) -> Word {
        if ident == "mod" || ident == "fn" || ident == "impl" || ident == "trait" {
            Word::ItemKeyword
        } else if ident == "else" || ident == "as" {
            Word::Continues
        } else {
            Word::Other
        }
    }
}

impl<Inner> Token<Inner> {
    fn offset(&self) -> usize {
        let span = match *self {
            Token::Group { open, .. } => open,
            Token::Punct { span, .. } | Token::Literal { span } => span,
            Token::Ident(ref ident) => ident.span(),
        };
        span.byte_range().start
    }

    /// Whether this token, following a `{...}` group, continues the same
    /// expression (`} else {`, `}.await`, `} + 1`, `} as T`) rather than
    /// starting the next item, statement or match arm.
    fn continues_after_brace(&self) -> bool {
        match self {
            Token::Ident(ident) => Word::of(ident) == Word::Continues,
            Token::Punct { ch, .. } => *ch != '#',
            Token::Group { .. } | Token::Literal { .. } => false,
        }
    }
}

/// Where the measure reads tokens from: a token stream, or syn's buffer.
trait TokenSource: Sized {
    fn next_token(&mut self) -> Option<Token<Self>>;
}

impl TokenSource for proc_macro2::token_stream::IntoIter {
    fn next_token(&mut self) -> Option<Token<Self>> {
        Some(match self.next()? {
            TokenTree::Group(group) => Token::Group {
                delimiter: group.delimiter(),
                open: group.span_open(),
                inner: group.stream().into_iter(),
            },
            TokenTree::Punct(punct) => Token::Punct {
                ch: punct.as_char(),
                joint: punct.spacing() == Spacing::Joint,
                span: punct.span(),
            },
            TokenTree::Ident(ident) => Token::Ident(ident),
            TokenTree::Literal(literal) => Token::Literal {
                span: literal.span(),
            },
        })
    }
}

/// syn's buffer read as the same tokens a `TokenStream` yields: a lifetime
/// is a joint `'` and then its name.
struct CursorTokens<'a> {
    cursor: Cursor<'a>,
    /// The name of the lifetime whose `'` came last.
    lifetime_name: Option<proc_macro2::Ident>,
}

impl TokenSource for CursorTokens<'_> {
    fn next_token(&mut self) -> Option<Token<Self>> {
        if let Some(name) = self.lifetime_name.take() {
            return Some(Token::Ident(name));
        }
        let cursor = self.cursor;
        if cursor.eof() {
            return None;
        }
        if let Some((inside, delimiter, span, after)) = cursor.any_group() {
            self.cursor = after;
            return Some(Token::Group {
                delimiter,
                open: span.open(),
                inner: CursorTokens {
                    cursor: inside,
                    lifetime_name: None,
                },
            });
        }
        if let Some((punct, after)) = cursor.punct() {
            self.cursor = after;
            return Some(Token::Punct {
                ch: punct.as_char(),
                joint: punct.spacing() == Spacing::Joint,
                span: punct.span(),
            });
        }
        if let Some((ident, after)) = cursor.ident() {
            self.cursor = after;
            return Some(Token::Ident(ident));
        }
        if let Some((literal, after)) = cursor.literal() {
            self.cursor = after;
            return Some(Token::Literal {
                span: literal.span(),
            });
        }
        if let Some((lifetime, after)) = cursor.lifetime() {
            self.cursor = after;
            self.lifetime_name = Some(lifetime.ident);
            return Some(Token::Punct {
                ch: '\'',
                joint: true,
                span: lifetime.apostrophe,
            });
        }
        // A lone `'` (which lexing does not produce): whatever it is, it is
        // one token.
        let (tree, after) = cursor.token_tree()?;
        self.cursor = after;
        Some(Token::Literal { span: tree.span() })
    }
}

fn measure<S: TokenSource>(
    tokens: S,
    limit: usize,
    item_limit: usize,
    counting: Items,
) -> Result<usize, TooDeep> {
    struct Frame<S> {
        tokens: S,
        /// Depth of the enclosing group.
        base: usize,
        /// Tokens of the current expression at this level.
        run: usize,
        /// Unclosed `<` of the current item: a `,` inside generic
        /// arguments does not end the nesting they open.
        angles: usize,
        /// The previous token was a `{...}` group: an item or a block
        /// statement may end there.
        after_brace: bool,
        /// The previous token was a joint `-` or `=` (so `>` is an arrow).
        arrow: Option<char>,
        /// Inside an attribute: after `#` (and `!`), before its `[...]`.
        attribute: bool,
        /// Items this group is the body of, counting outwards.
        items: usize,
        /// The current statement started an item (`mod`, `fn`, ...), so its
        /// next `{...}` is an item body.
        item_keyword: bool,
    }
    let frame = |tokens, base, items| Frame {
        tokens,
        base,
        run: 0,
        angles: 0,
        after_brace: false,
        arrow: None,
        attribute: false,
        items,
        item_keyword: false,
    };
    let mut deepest = 0;
    let mut stack = vec![frame(tokens, 0, 0)];
    while let Some(top) = stack.last_mut() {
        let Some(token) = top.tokens.next_token() else {
            stack.pop();
            continue;
        };
        if top.after_brace && !token.continues_after_brace() {
            top.run = 0;
            top.angles = 0;
            top.item_keyword = false;
        }
        top.after_brace = false;
        let arrow = top.arrow.take();
        let attribute = std::mem::replace(&mut top.attribute, false);
        match &token {
            Token::Punct { ch: '#', .. } => {
                top.attribute = true;
                continue;
            }
            Token::Punct { ch: '!', .. } if attribute => {
                top.attribute = true;
                continue;
            }
            Token::Group {
                delimiter: Delimiter::Bracket,
                ..
            } if attribute => {
                let (base, items) = (top.base + top.run + 1, top.items);
                let Token::Group { inner, .. } = token else {
                    unreachable!("matched a group above")
                };
                stack.push(frame(inner, base, items));
                continue;
            }
            Token::Punct { ch, joint, .. } => match ch {
                ';' => {
                    top.run = 0;
                    top.angles = 0;
                    top.item_keyword = false;
                    continue;
                }
                ',' => {
                    top.run = top.angles;
                    top.item_keyword = false;
                    continue;
                }
                '<' => {
                    top.angles += 1;
                    top.run += 1;
                }
                '>' => {
                    match arrow {
                        // `->` closes nothing.
                        Some('-') => {}
                        // `=>` ends a match arm's pattern and guard.
                        Some(_) => top.angles = 0,
                        None => top.angles = top.angles.saturating_sub(1),
                    }
                    top.run += 1;
                }
                &c => {
                    if (c == '-' || c == '=') && *joint {
                        top.arrow = Some(c);
                    }
                    top.run += 1;
                }
            },
            Token::Ident(ident) => {
                if counting == Items::ByKeywords && Word::of(ident) == Word::ItemKeyword {
                    top.item_keyword = true;
                }
                top.run += 1;
            }
            _ => top.run += 1,
        }
        let depth = top.base + top.run;
        deepest = deepest.max(depth);
        if depth > limit {
            return Err(TooDeep {
                offset: token.offset(),
                items: false,
                limit,
            });
        }
        if let Token::Group {
            delimiter,
            open,
            inner,
        } = token
        {
            let mut items = top.items;
            if delimiter == Delimiter::Brace {
                top.after_brace = true;
                let item_body = std::mem::replace(&mut top.item_keyword, false);
                if item_body || counting == Items::BoundedByBraces {
                    items += 1;
                    if items > item_limit {
                        return Err(TooDeep {
                            offset: open.byte_range().start,
                            items: true,
                            limit: item_limit,
                        });
                    }
                }
            }
            stack.push(frame(inner, depth, items));
        }
    }
    Ok(deepest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(text: &str) -> usize {
        assert_sources_agree(text, usize::MAX, usize::MAX);
        check(&text.parse().unwrap(), usize::MAX, usize::MAX).unwrap()
    }

    #[test]
    fn ordinary_code_is_shallow() {
        let text = include_str!("../index/body.rs");
        assert!(depth(text) < 100, "{}", depth(text));
        let many_items = "/// doc\npub fn f(x: &u8) -> Vec<u8> { vec![*x] }\n".repeat(2000);
        assert!(depth(&many_items) < 20, "{}", depth(&many_items));
        let long_match = format!(
            "fn f(x: u8) -> u8 {{ match x {{ {} _ => 0 }} }}",
            (0..2000)
                .map(|i| format!("{i} if x < 3 => {{ {i} }}\n"))
                .collect::<String>()
        );
        assert!(depth(&long_match) < 20, "{}", depth(&long_match));
        let comma_arms = format!(
            "fn f(x: u8) -> u8 {{ match x {{ {} _ => 0 }} }}",
            (0..2000)
                .map(|i| format!("{i} if x < 3 => {i},\n"))
                .collect::<String>()
        );
        assert!(depth(&comma_arms) < 20, "{}", depth(&comma_arms));
        let statements = format!(
            "fn f(x: u8) {{ {} }}",
            "if x < 3 { g() }\nlet y = a.b().c() + 1;\n".repeat(2000)
        );
        assert!(depth(&statements) < 20, "{}", depth(&statements));
    }

    /// Both token sources give the same measure and stop at the same token.
    fn assert_sources_agree(text: &str, limit: usize, item_limit: usize) {
        let tokens: TokenStream = text.parse().unwrap();
        let on_stream = check(&tokens, limit, item_limit);
        let buffer = syn::buffer::TokenBuffer::new2(tokens);
        let on_buffer = check_cursor(buffer.begin(), limit, item_limit);
        assert_eq!(on_stream, on_buffer, "{}", &text[..text.len().min(60)]);
    }

    #[test]
    fn buffer_and_stream_measure_alike() {
        let lifetimes =
            "fn f<'a, 'b: 'a>(x: &'a u8) -> &'a u8 { 'outer: loop { break 'outer x; } }";
        for text in [
            include_str!("../index/body.rs"),
            include_str!("mod.rs"),
            include_str!("../parse.rs"),
            lifetimes,
            "mod a { fn b() { let c = || { impl X { fn d() {} } }; } }",
        ] {
            assert_sources_agree(text, usize::MAX, usize::MAX);
            assert_sources_agree(text, 12, 2);
        }
        let deep = format!("fn f() {{ {}1{} }}", "(".repeat(50), ")".repeat(50));
        assert_sources_agree(&deep, 20, 5);
    }

    #[test]
    fn only_texts_with_many_brackets_may_nest_groups_deep() {
        assert!(!may_nest_groups_deeper("fn f() { g(x[0]) }", 5));
        assert!(may_nest_groups_deeper("fn f() { g(x[0]) }", 4));
        // A doc comment is a group without a bracket.
        assert!(may_nest_groups_deeper("/// doc", 0));
        // Counted across chunks, whole chunks of brackets included.
        let brackets = "([{".repeat(200) + "x";
        assert!(may_nest_groups_deeper(&brackets, 600));
        assert!(!may_nest_groups_deeper(&brackets, 601));
    }

    /// Texts nested `n` deep, one per kind of nesting the measure counts
    /// (the text bound's tests take them too).
    pub(super) fn every_kind_of_nesting(n: usize) -> Vec<String> {
        vec![
            format!("fn f() {{ {}1{} }}", "(".repeat(n), ")".repeat(n)),
            format!("fn f() {{ {}1 }}", "- ".repeat(n)),
            format!("fn f() {{ {}1 }}", "|x| ".repeat(n)),
            format!("type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n)),
            format!(
                "type T = {}u8{};",
                "Box<dyn Fn() -> ".repeat(n),
                ">".repeat(n)
            ),
            format!("type T = {}u8{};", "HashMap<u8, ".repeat(n), ">".repeat(n)),
            format!("fn f() {{ a{} }}", ".b()".repeat(n)),
            format!("fn f() {{ a{} }}", " + a".repeat(n)),
            format!("fn f() {{ {} }}", "if a { 1 } else ".repeat(n) + "{ 2 }"),
            format!("{}{}", "mod m { ".repeat(n), "}".repeat(n)),
            format!("fn f() {{ {}1 }}", "#[a] - ".repeat(n)),
        ]
    }

    #[test]
    fn every_kind_of_nesting_counts() {
        let n = 300;
        for text in every_kind_of_nesting(n) {
            assert!(depth(&text) >= n, "{} for {}", depth(&text), &text[..60]);
        }
    }

    #[test]
    fn reports_where_the_limit_is_crossed() {
        let text = format!("fn f() {{ {}1{} }}", "(".repeat(50), ")".repeat(50));
        let error = check(&text.parse().unwrap(), 20, 5).unwrap_err();
        // `fn f() {` is depth 4 at the brace; the 17th `(` crosses 20.
        assert_eq!(error.offset, "fn f() { ".len() + 16);
        assert!(!error.items);

        let text = "mod a { fn b() { let c = || { impl X { fn d() {} } }; } }";
        assert!(check(&text.parse().unwrap(), 100, 4).is_ok());
        let error = check(&text.parse().unwrap(), 100, 3).unwrap_err();
        assert_eq!(&text[error.offset..], "{} } }; } }");
        assert!(error.items);
        // Blocks are not items, however deep they go.
        let blocks = format!("fn f() {{ {}{} }}", "{ ".repeat(20), "} ".repeat(20));
        assert!(check(&blocks.parse().unwrap(), 100, 3).is_ok());
        assert_sources_agree(&blocks, 100, 3);
    }

    #[test]
    fn attributes_and_doc_comments_count_for_nothing() {
        let docs = "//! doc\n".repeat(3000) + &"/// doc\n#[inline]\n".repeat(3000) + "fn f() {}";
        assert!(depth(&docs) < 10, "{}", depth(&docs));
        let text = format!("fn f() {{ {}1 }}", "- #[a] ".repeat(100));
        assert!(depth(&text) >= 100, "{}", depth(&text));
    }
}
