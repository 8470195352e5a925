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

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

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
    struct Frame {
        iter: proc_macro2::token_stream::IntoIter,
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
    let frame = |iter, base, items| Frame {
        iter,
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
    let mut stack = vec![frame(tokens.clone().into_iter(), 0, 0)];
    while let Some(top) = stack.last_mut() {
        let Some(token) = top.iter.next() else {
            stack.pop();
            continue;
        };
        if top.after_brace && !continues_after_brace(&token) {
            top.run = 0;
            top.angles = 0;
            top.item_keyword = false;
        }
        top.after_brace = false;
        let arrow = top.arrow.take();
        let attribute = std::mem::replace(&mut top.attribute, false);
        match &token {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                top.attribute = true;
                continue;
            }
            TokenTree::Punct(p) if attribute && p.as_char() == '!' => {
                top.attribute = true;
                continue;
            }
            TokenTree::Group(g) if attribute && g.delimiter() == Delimiter::Bracket => {
                let (base, items) = (top.base + top.run + 1, top.items);
                stack.push(frame(g.stream().into_iter(), base, items));
                continue;
            }
            TokenTree::Punct(p) => match p.as_char() {
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
                c => {
                    if (c == '-' || c == '=') && p.spacing() == Spacing::Joint {
                        top.arrow = Some(c);
                    }
                    top.run += 1;
                }
            },
            TokenTree::Ident(ident) => {
                if ident == "mod" || ident == "fn" || ident == "impl" || ident == "trait" {
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
                offset: token.span().byte_range().start,
                items: false,
                limit,
            });
        }
        if let TokenTree::Group(group) = token {
            let mut items = top.items;
            if group.delimiter() == Delimiter::Brace {
                top.after_brace = true;
                if std::mem::replace(&mut top.item_keyword, false) {
                    items += 1;
                    if items > item_limit {
                        return Err(TooDeep {
                            offset: group.span_open().byte_range().start,
                            items: true,
                            limit: item_limit,
                        });
                    }
                }
            }
            stack.push(frame(group.stream().into_iter(), depth, items));
        }
    }
    Ok(deepest)
}

/// Whether the token after a `{...}` group continues the same expression
/// (`} else {`, `}.await`, `} + 1`, `} as T`) rather than starting the
/// next item, statement or match arm.
fn continues_after_brace(token: &TokenTree) -> bool {
    match token {
        TokenTree::Ident(ident) => ident == "else" || ident == "as",
        TokenTree::Punct(p) => p.as_char() != '#',
        TokenTree::Group(_) | TokenTree::Literal(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(text: &str) -> usize {
        check(&text.parse().unwrap(), usize::MAX, usize::MAX).unwrap()
    }

    #[test]
    fn ordinary_code_is_shallow() {
        let text = include_str!("index/body.rs");
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

    #[test]
    fn every_kind_of_nesting_counts() {
        let n = 300;
        for text in [
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
        ] {
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
    }

    #[test]
    fn attributes_and_doc_comments_count_for_nothing() {
        let docs = "//! doc\n".repeat(3000) + &"/// doc\n#[inline]\n".repeat(3000) + "fn f() {}";
        assert!(depth(&docs) < 10, "{}", depth(&docs));
        let text = format!("fn f() {{ {}1 }}", "- #[a] ".repeat(100));
        assert!(depth(&text) >= 100, "{}", depth(&text));
    }
}
