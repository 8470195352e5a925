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
//! or an element), and adds up along the chain of enclosing groups. Real code
//! stays far below the limit; only machine-made pathological input reaches it.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The deepest estimated nesting memolint checks. Measured on a debug build
/// with the 256 MiB worker stacks of [`crate::pipeline`]: the most
/// stack-hungry constructs (nested parentheses and closures) overflow
/// somewhere above 40 000 levels, so this leaves a wide margin for all
/// phases, while real code rarely goes past a few hundred.
pub const MAX_NESTING: usize = 5_000;

/// Where the estimate first exceeded the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset (into the text the tokens were lexed from) of the token
    /// at which the limit was crossed.
    pub offset: usize,
}

/// Walks the token tree (iteratively, so that the measure itself cannot
/// overflow) and returns where it first gets deeper than `limit`.
pub fn check(tokens: &TokenStream, limit: usize) -> Result<usize, TooDeep> {
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
    }
    let mut deepest = 0;
    let mut stack = vec![Frame {
        iter: tokens.clone().into_iter(),
        base: 0,
        run: 0,
        angles: 0,
        after_brace: false,
        arrow: None,
    }];
    while let Some(frame) = stack.last_mut() {
        let Some(token) = frame.iter.next() else {
            stack.pop();
            continue;
        };
        if frame.after_brace && !continues_after_brace(&token) {
            frame.run = 0;
            frame.angles = 0;
        }
        frame.after_brace = false;
        let arrow = frame.arrow.take();
        match &token {
            TokenTree::Punct(p) => match p.as_char() {
                ';' => {
                    frame.run = 0;
                    frame.angles = 0;
                    continue;
                }
                ',' => {
                    frame.run = frame.angles;
                    continue;
                }
                '<' => {
                    frame.angles += 1;
                    frame.run += 1;
                }
                '>' => {
                    match arrow {
                        // `->` closes nothing.
                        Some('-') => {}
                        // `=>` ends a match arm's pattern and guard.
                        Some(_) => frame.angles = 0,
                        None => frame.angles = frame.angles.saturating_sub(1),
                    }
                    frame.run += 1;
                }
                c => {
                    if (c == '-' || c == '=') && p.spacing() == Spacing::Joint {
                        frame.arrow = Some(c);
                    }
                    frame.run += 1;
                }
            },
            _ => frame.run += 1,
        }
        let depth = frame.base + frame.run;
        deepest = deepest.max(depth);
        if depth > limit {
            return Err(TooDeep {
                offset: token.span().byte_range().start,
            });
        }
        if let TokenTree::Group(group) = token {
            frame.after_brace = group.delimiter() == Delimiter::Brace;
            stack.push(Frame {
                iter: group.stream().into_iter(),
                base: depth,
                run: 0,
                angles: 0,
                after_brace: false,
                arrow: None,
            });
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
        check(&text.parse().unwrap(), usize::MAX).unwrap()
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
        ] {
            assert!(depth(&text) >= n, "{} for {}", depth(&text), &text[..60]);
        }
    }

    #[test]
    fn reports_where_the_limit_is_crossed() {
        let text = format!("fn f() {{ {}1{} }}", "(".repeat(50), ")".repeat(50));
        let error = check(&text.parse().unwrap(), 20).unwrap_err();
        // `fn f() {` is depth 4 at the brace; the 17th `(` crosses 20.
        assert_eq!(&text[error.offset..error.offset + 1], "(");
    }
}
