//! What a suppression comment covers, as a byte range of its file:
//!
//! - at the end of a line of code: that line;
//! - on a line of its own: the next line of code, and, when an item (a
//!   function, an impl, a module, ...) starts there or has an attribute or
//!   doc comment there, the whole item. Other comment lines may sit in
//!   between; a blank line detaches the comment (it then covers nothing);
//! - `//!`: the module or function whose inner doc it is, which at the top
//!   of a file is the whole file.
//!
//! Items come from syn's tree. Only items that contain a place of interest
//! are looked into, so a file with no suppression costs nothing and one
//! with a few costs about one extra walk over its items.

use std::ops::Range;

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::comments::Lexed;
use super::directive::Directive;
use crate::source::SourceFile;

/// The part of a file a suppression applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    File,
    /// A finding whose primary span starts in this byte range is covered.
    Range(Range<usize>),
    /// A comment on its own line with a blank line (or the end of the file)
    /// below it: it covers nothing.
    Detached,
}

impl Coverage {
    pub fn contains(&self, offset: usize) -> bool {
        match self {
            Coverage::File => true,
            Coverage::Range(range) => range.contains(&offset),
            Coverage::Detached => false,
        }
    }
}

/// A syn tree and where its text starts in the file (after a BOM or a
/// shebang line).
pub struct Ast<'a> {
    pub file: &'a syn::File,
    pub offset: usize,
}

/// Where each directive's coverage is decided, before items are known.
enum Anchor {
    Line(Range<usize>),
    /// The first byte of code on the next line of code, and that line.
    NextCode {
        at: usize,
        line: Range<usize>,
    },
    Inner {
        at: usize,
    },
    Detached,
}

/// The coverage of each directive, in order.
pub fn coverage(
    source: &SourceFile,
    lexed: &Lexed,
    directives: &[&Directive],
    ast: Option<Ast<'_>>,
) -> Vec<Coverage> {
    let anchors: Vec<Anchor> = directives
        .iter()
        .map(|d| anchor(source, lexed, d))
        .collect();
    let points: Vec<usize> = anchors
        .iter()
        .filter_map(|a| match a {
            Anchor::NextCode { at, .. } | Anchor::Inner { at } => Some(*at),
            Anchor::Line(_) | Anchor::Detached => None,
        })
        .collect();
    let mut items = Vec::new();
    if let (Some(ast), false) = (ast, points.is_empty()) {
        let mut collector = ItemCollector {
            offset: ast.offset,
            points: &points,
            items: &mut items,
        };
        collector.visit_file(ast.file);
    }
    anchors
        .into_iter()
        .map(|anchor| match anchor {
            Anchor::Line(range) => Coverage::Range(range),
            Anchor::Detached => Coverage::Detached,
            Anchor::NextCode { at, line } => items
                .iter()
                .filter(|item| item.range.start == at || item.attr_starts.contains(&at))
                .max_by_key(|item| item.range.len())
                .map_or(Coverage::Range(line.clone()), |item| {
                    Coverage::Range(item.range.start.min(line.start)..item.range.end.max(line.end))
                }),
            Anchor::Inner { at } => items
                .iter()
                .filter(|item| item.range.start < at && at < item.range.end)
                .min_by_key(|item| item.range.len())
                .map_or(Coverage::File, |item| Coverage::Range(item.range.clone())),
        })
        .collect()
}

fn anchor(source: &SourceFile, lexed: &Lexed, directive: &Directive) -> Anchor {
    let text = source.text.as_str();
    let starts = source.line_starts();
    let line_range = |line: usize| {
        let end = starts.get(line + 1).copied().unwrap_or(text.len());
        starts[line]..end
    };
    let line = source.line_col(directive.comment.start).line - 1;
    if directive.inner {
        return Anchor::Inner {
            at: directive.comment.start,
        };
    }
    let before = &text[starts[line]..directive.comment.start];
    if !before.trim().is_empty() {
        return Anchor::Line(line_range(line));
    }
    // On its own line: find the next line of code, stepping over comments.
    let mut at = directive.comment.end;
    loop {
        // Past the end of the current comment, on its line, or on the next.
        let rest_of_line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let rest = &text[at..rest_of_line_end];
        let next = if rest.trim().is_empty() {
            if rest_of_line_end >= text.len() {
                return Anchor::Detached;
            }
            let next_line = source.line_col(rest_of_line_end + 1).line - 1;
            let range = line_range(next_line);
            let content = &text[range.clone()];
            if content.trim().is_empty() {
                return Anchor::Detached;
            }
            range.start + (content.len() - content.trim_start().len())
        } else {
            at + (rest.len() - rest.trim_start().len())
        };
        match lexed.comment_at(next) {
            Some(comment) => at = comment.range.end,
            None => {
                let line = source.line_col(next).line - 1;
                return Anchor::NextCode {
                    at: next,
                    line: line_range(line),
                };
            }
        }
    }
}

/// An item's byte range (attributes included) and where each of its
/// outer attributes starts.
struct ItemInfo {
    range: Range<usize>,
    attr_starts: Vec<usize>,
}

/// Collects the items that contain a point of interest, looking inside
/// only those.
struct ItemCollector<'p> {
    offset: usize,
    points: &'p [usize],
    items: &'p mut Vec<ItemInfo>,
}

impl ItemCollector<'_> {
    /// Records the item if it contains a point; returns whether it does.
    fn consider(&mut self, span: proc_macro2::Span, attrs: &[syn::Attribute]) -> bool {
        let bytes = span.byte_range();
        let range = bytes.start + self.offset..bytes.end + self.offset;
        if !self
            .points
            .iter()
            .any(|p| range.start <= *p && *p < range.end)
        {
            return false;
        }
        let attr_starts = attrs
            .iter()
            .filter(|attr| matches!(attr.style, syn::AttrStyle::Outer))
            .map(|attr| attr.pound_token.span.byte_range().start + self.offset)
            .collect();
        self.items.push(ItemInfo { range, attr_starts });
        true
    }
}

impl<'ast> Visit<'ast> for ItemCollector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if self.consider(item.span(), item_attrs(item)) {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if self.consider(item.span(), attrs) {
            visit::visit_impl_item(self, item);
        }
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::TraitItem::Const(i) => &i.attrs,
            syn::TraitItem::Fn(i) => &i.attrs,
            syn::TraitItem::Type(i) => &i.attrs,
            syn::TraitItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if self.consider(item.span(), attrs) {
            visit::visit_trait_item(self, item);
        }
    }

    fn visit_foreign_item(&mut self, item: &'ast syn::ForeignItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ForeignItem::Fn(i) => &i.attrs,
            syn::ForeignItem::Static(i) => &i.attrs,
            syn::ForeignItem::Type(i) => &i.attrs,
            syn::ForeignItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if self.consider(item.span(), attrs) {
            visit::visit_foreign_item(self, item);
        }
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}
