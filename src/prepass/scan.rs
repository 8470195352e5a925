//! One file's text read as words and items, without tokens or a tree.
//!
//! The scan sees what proc-macro2 would lex (comments, strings, character
//! literals and lifetimes are skipped with `crate::lexical`) and records
//! two things: every identifier, interned, in order; and the items it can
//! tell from keywords (`fn`, `struct`, `static`, `use`, ...), each with the
//! name it defines and the range of words it spans. Items are found at any
//! depth, so a function nested in a body or declared inside
//! `thread_local!` counts too. The values of `#[path]` attributes are kept
//! for the closure. Whatever the scan cannot read for sure (text that would
//! not lex, a `#[path]` with escapes) makes it give up, and the whole unit
//! is parsed as before.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::lexical::{
    after_word, block_comment_end, character_end, cooked_string_end, skip, AfterWord, Class, CLASS,
};

/// Word ids of one analysis unit: the same identifier has the same id in
/// every file of the unit.
#[derive(Default)]
pub struct Interner<'t> {
    ids: FxHashMap<&'t str, u32>,
}

/// Words that are keywords where an `impl` header may have them: no type
/// is named by them.
const HEADER_KEYWORDS: &[&str] = &[
    "for", "where", "dyn", "unsafe", "Self", "self", "crate", "super", "async", "extern", "pub",
    "in", "move", "ref", "mut", "as", "Sized",
];

impl<'t> Interner<'t> {
    /// The ids of the words an `impl` header holds that name no type.
    pub fn header_keywords(&mut self) -> Vec<u32> {
        HEADER_KEYWORDS.iter().map(|k| self.intern(k)).collect()
    }

    pub fn intern(&mut self, word: &'t str) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(word).or_insert(next)
    }

    pub fn get(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Fn,
    /// `struct`, `enum`, `union`, `trait`, `type`.
    Type,
    /// `static` (also inside `thread_local!` and `lazy_static!`) or `const`.
    Static,
    /// One name a `use` (or `extern crate`) brings in: its last segment or
    /// its alias.
    Use,
    /// A `use` ending in `*`: what it brings in cannot be named.
    Glob,
    /// `mod name;` or an inline `mod name { ... }`, whose items are items
    /// of the file.
    Mod,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub kind: ItemKind,
    /// The defined name's word id (`u32::MAX` for a glob).
    pub name: u32,
    /// The item's own words (those of items nested in it are theirs): a
    /// function's signature and body, a type's definition, a whole `use`
    /// statement.
    pub words: Vec<u32>,
    /// The words of a function's body that are called (`f(..)`, `.f(..)`).
    pub calls: Vec<u32>,
    /// For a function in an `impl` or a `trait`: the words of its header
    /// (`impl<T> Trait for Type<T>`), which name the types its calls on
    /// `self` resolve through.
    pub header: Option<Range<u32>>,
    /// A function whose signature has `->`.
    pub returns: bool,
    /// A function with a parameter of type `&mut` (`&mut self`, `x: &mut
    /// T`), which the recursion analysis never flags (see
    /// `analyze::recursion::signature`).
    pub mut_param: bool,
    /// A function that may keep a memo table in a `&mut` parameter, or a
    /// static that may hold a cache (see `analyze::memoized`).
    pub cache: bool,
    /// A name a `use` brings in under another name (`use a::f as g;`), or
    /// a type alias (`type A = B;`).
    pub renames: bool,
}

impl Item {
    /// A name a `use` brings in (or a glob's `u32::MAX`), with the words
    /// of the whole statement.
    fn imported(kind: ItemKind, name: u32, words: &[u32], renames: bool) -> Item {
        Item {
            kind,
            name,
            words: words.to_vec(),
            calls: Vec::new(),
            header: None,
            returns: false,
            mut_param: false,
            cache: false,
            renames,
        }
    }
}

/// What the scan found in one file.
#[derive(Default)]
pub struct FileScan {
    /// Every identifier but the keywords the scan acts on, in order.
    pub words: Vec<u32>,
    pub items: Vec<Item>,
    /// Words that follow `as`: aliases a memoizing attribute may be
    /// imported under.
    pub aliases: Vec<u32>,
    /// Words that may be a path's segment or a macro's name: followed by
    /// `::` or `!`, after `:`, or in an attribute or a `use`. A memoizer
    /// is named by such a word (`#[cached]`, `use cached::proc_macro::*`,
    /// `cached! { .. }`), not by a variable called `cached`.
    pub path_words: Vec<u32>,
    /// The text names memolint in a comment (a suppression, perhaps).
    pub mentions_memolint: bool,
    /// The values of its `#[path = ".."]` attributes: where modules it
    /// declares are, wherever the directories say.
    pub module_paths: Vec<String>,
}

/// What the map types and cells a hand-rolled cache is kept in have in
/// their names (`analyze::memoized::TABLE_TYPES` and `ONCE_TYPES`).
const CACHE_TYPE_WORDS: &[&str] = &["Map", "Cache", "OnceLock", "OnceCell"];

/// Whether a function with this signature may take a memo table as a
/// `&mut` parameter: a map (`&mut HashMap<..>`) or slots
/// (`&mut Vec<Option<..>>`, `&mut [Option<..>]`).
fn may_take_memo(signature: &str) -> bool {
    if !signature.contains("mut") {
        return false;
    }
    if ["Map", "Cache"].iter().any(|t| signature.contains(t)) {
        return true;
    }
    signature.contains("Option") && {
        let squeezed: String = signature.split_whitespace().collect();
        squeezed.contains("<Option<") || squeezed.contains("[Option<")
    }
}

/// Whether a signature surely has a parameter whose type is a `&mut`
/// reference: `&mut self`, or `name: &mut T` (a `&mut` anywhere else, as
/// in `f: fn(&mut u32)`, does not count).
fn takes_mut_ref(signature: &str) -> bool {
    if !signature.contains("mut") {
        return false;
    }
    let squeezed: String = signature.split_whitespace().collect();
    squeezed.contains("&mutself") || squeezed.contains(":&mut")
}

/// A keyword that starts an item, with what it starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Starts {
    Item(ItemKind),
    Impl,
    Use,
}

/// An item whose header is being read, up to its `;` or its `{`.
struct Pending {
    starts: Starts,
    /// How many groups were open at its keyword.
    depth: usize,
    /// Where its words start in the file's.
    first_word: u32,
    words: Vec<u32>,
    first_byte: usize,
    name: Option<u32>,
    /// A `use`: the last word read, a leaf if `,`, `}` or `;` follows.
    last_word: Option<u32>,
    after_as: bool,
    leaves: Vec<u32>,
    /// The leaves that are aliases (`as g`).
    aliases: Vec<u32>,
    glob: bool,
    every_word: bool,
    /// A function with const generic parameters, where `{` after `<`,
    /// `,` or `=` is a const argument, not the body.
    const_generics: bool,
}

/// An open bracket.
struct Group {
    close: u8,
    /// The item whose body this is; it ends with the group.
    owner: Option<usize>,
    /// The innermost item whose body this group is in.
    innermost: Option<usize>,
    /// The header of the innermost `impl` or `trait` block this group is
    /// (or is in).
    header: Option<Range<u32>>,
    /// Inside `#[...]`.
    attribute: bool,
}

/// Scans `text` (after its BOM and shebang), or `None` if the scan cannot
/// be sure of what it read.
pub fn scan<'t>(text: &'t str, interner: &mut Interner<'t>) -> Option<FileScan> {
    let bytes = text.as_bytes();
    let mut out = FileScan {
        mentions_memolint: memchr::memmem::find(bytes, b"memolint").is_some(),
        ..FileScan::default()
    };
    let mut groups: Vec<Group> = Vec::new();
    let mut pending: Option<Pending> = None;
    // The previous token was a `#` (or `#!`), so a `[` opens an attribute.
    let mut after_pound = false;
    // The previous token was `as`.
    let mut after_as = false;
    // The first byte of the last token (comments are no tokens).
    let mut last = b';';
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let was_pound = std::mem::take(&mut after_pound);
        let prev = std::mem::replace(&mut last, byte);
        match CLASS[byte as usize] {
            Class::Space => {
                i = skip(bytes, i + 1, |class| matches!(class, Class::Space));
                after_pound = was_pound;
                last = prev;
                continue;
            }
            Class::Word => {
                let start = i;
                i = skip(bytes, i + 1, |class| matches!(class, Class::Word));
                let word = &text[start..i];
                match after_word(bytes, word.as_bytes(), i)? {
                    AfterWord::Literal(end) => {
                        i = end;
                        continue;
                    }
                    AfterWord::RawIdentifier => {
                        // Its name is never a keyword.
                        let name_start = i + 1;
                        i = skip(bytes, name_start, |class| matches!(class, Class::Word));
                        let id = interner.intern(&text[name_start..i]);
                        // Taken for a call, which only adds an edge.
                        word_read(
                            &mut out,
                            &mut pending,
                            true,
                            groups.last().and_then(|g| g.innermost),
                            &mut after_as,
                            id,
                        );
                        continue;
                    }
                    AfterWord::Word => {}
                }
                if word.starts_with(|c: char| c.is_ascii_digit()) {
                    // A number (`1u32`, `0x7f`): no name.
                    continue;
                }
                // `*const T`, `*mut T`: a pointer type.
                let keyword =
                    item_keyword(word).filter(|_| prev != b'*' && names_follow(bytes, i, word));
                if let Some(starts) = keyword {
                    match &pending {
                        None => {
                            pending = Some(Pending {
                                starts,
                                depth: groups.len(),
                                first_word: out.words.len() as u32,
                                words: Vec::new(),
                                first_byte: start,
                                name: None,
                                last_word: None,
                                after_as: false,
                                leaves: Vec::new(),
                                aliases: Vec::new(),
                                glob: false,
                                every_word: false,
                                const_generics: false,
                            });
                            continue;
                        }
                        // `const fn`, `unsafe extern "C" fn`: the function.
                        Some(p)
                            if p.name.is_none()
                                && p.starts == Starts::Item(ItemKind::Static)
                                && word == "fn" =>
                        {
                            pending.as_mut()?.starts = Starts::Item(ItemKind::Fn);
                            pending.as_mut()?.first_byte = start;
                            continue;
                        }
                        // Const generics: a `{ N }` argument could look
                        // like the body.
                        Some(p)
                            if p.starts == Starts::Item(ItemKind::Fn)
                                && word == "const"
                                && matches!(prev, b'<' | b',') =>
                        {
                            pending.as_mut()?.const_generics = true;
                            continue;
                        }
                        // `fn(u32) -> u32` in a signature, `impl Trait`
                        // in a return type: part of the header.
                        Some(_) => continue,
                    }
                }
                match word {
                    "as" => {
                        after_as = true;
                        if let Some(p) = pending.as_mut() {
                            p.after_as = true;
                        }
                        continue;
                    }
                    // `static mut X`, `static ref X` (lazy_static!),
                    // `extern crate`.
                    "mut" | "ref" | "crate"
                        if pending.as_ref().is_some_and(|p| p.name.is_none()) =>
                    {
                        continue
                    }
                    // `use a::{self, b}` brings in `a`: every word may be
                    // a name it brings in.
                    "self" => {
                        if let Some(p) = pending.as_mut().filter(|p| p.starts == Starts::Use) {
                            p.every_word = true;
                        }
                    }
                    "path" if groups.last().is_some_and(|g| g.attribute) => {
                        if let Some((value, end)) = path_value(text, i)? {
                            out.module_paths.push(value);
                            i = end;
                            continue;
                        }
                    }
                    _ => {}
                }
                let id = interner.intern(word);
                let next = skip(bytes, i, |class| matches!(class, Class::Space));
                let in_path = match bytes.get(next..next + 2) {
                    Some(b"::") => true,
                    Some([b'!', second]) => *second != b'=',
                    _ => false,
                } || prev == b':'
                    || groups.last().is_some_and(|g| g.attribute)
                    || pending.as_ref().is_some_and(|p| p.starts == Starts::Use);
                if in_path {
                    out.path_words.push(id);
                }
                // `f(..)`, `x.f(..)`, `f::<T>(..)`: what the index takes for
                // a call (its other mentions are values, paths, fields).
                let is_call = match bytes.get(next) {
                    Some(b'(') => true,
                    Some(b':') => {
                        bytes.get(next + 1) == Some(&b':')
                            && bytes
                                .get(skip(bytes, next + 2, |class| matches!(class, Class::Space)))
                                == Some(&b'<')
                    }
                    _ => false,
                };
                word_read(
                    &mut out,
                    &mut pending,
                    is_call,
                    groups.last().and_then(|g| g.innermost),
                    &mut after_as,
                    id,
                );
            }
            Class::Quote => {
                i = cooked_string_end(bytes, i)?;
            }
            Class::Tick => match character_end(bytes, i) {
                Some(end) => i = end,
                // A lifetime: its name is no item's.
                None => i = skip(bytes, i + 1, |class| matches!(class, Class::Word)),
            },
            Class::Slash => match bytes.get(i + 1) {
                Some(b'/') => {
                    i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |at| i + at);
                    after_pound = was_pound;
                    last = prev;
                }
                Some(b'*') => {
                    i = block_comment_end(bytes, i)?;
                    after_pound = was_pound;
                    last = prev;
                }
                _ => i += 1,
            },
            Class::Semicolon => {
                i += 1;
                if let Some(p) = pending.take_if(|p| p.depth == groups.len()) {
                    finish(&mut out, text, p, i, None);
                }
            }
            Class::Comma => {
                i += 1;
                if let Some(p) = pending.as_mut() {
                    take_leaf(p);
                }
            }
            Class::Pound => {
                i += 1;
                after_pound = true;
            }
            Class::Punct => {
                if byte == b'*' {
                    if let Some(p) = pending.as_mut().filter(|p| p.starts == Starts::Use) {
                        p.glob = true;
                    }
                }
                if byte == b':' {
                    if let Some(p) = pending.as_mut() {
                        p.last_word = None;
                    }
                }
                // `#!` of an inner attribute.
                after_pound = was_pound && byte == b'!';
                i += 1;
            }
            Class::Less | Class::NonAscii => i += 1,
            Class::Open(close) => {
                i += 1;
                let attribute =
                    (was_pound && byte == b'[') || groups.last().is_some_and(|g| g.attribute);
                let mut group = Group {
                    close,
                    owner: None,
                    innermost: groups.last().and_then(|g| g.innermost),
                    header: groups.last().and_then(|g| g.header.clone()),
                    attribute,
                };
                let opens_body = byte == b'{'
                    && pending.as_ref().is_some_and(|p| {
                        p.depth == groups.len()
                            && matches!(
                                p.starts,
                                Starts::Impl
                                    | Starts::Item(ItemKind::Fn | ItemKind::Type | ItemKind::Mod)
                            )
                    });
                if opens_body {
                    let p = pending.take()?;
                    let header = p.first_word..out.words.len() as u32;
                    match p.starts {
                        Starts::Impl => group.header = Some(header),
                        Starts::Item(ItemKind::Mod) => finish(&mut out, text, p, i - 1, None),
                        _ => {
                            let is_trait = text[p.first_byte..].starts_with("trait");
                            if is_trait {
                                group.header = Some(header.clone());
                            }
                            let enclosing = groups.last().and_then(|g| g.header.clone());
                            group.owner = Some(out.items.len());
                            group.innermost = group.owner;
                            finish(&mut out, text, p, i - 1, enclosing);
                        }
                    }
                }
                groups.push(group);
            }
            Class::Close => {
                i += 1;
                if let Some(p) = pending.as_mut() {
                    take_leaf(p);
                }
                let group = groups.pop()?;
                if group.close != byte {
                    return None;
                }
                if pending.as_ref().is_some_and(|p| p.depth > groups.len()) {
                    // A header cut short by its group's end (`fn` in a
                    // macro's pattern): no item.
                    pending = None;
                }
            }
            Class::Other => return None,
        }
    }
    groups.is_empty().then_some(out)
}

/// After the word `path` in an attribute, ending at byte `end`: its value
/// and where it ends, if `= "..."` follows; `Some(None)` if not (the word
/// is no `path` attribute); `None` if the value has escapes.
fn path_value(text: &str, end: usize) -> Option<Option<(String, usize)>> {
    let bytes = text.as_bytes();
    let equals = skip(bytes, end, |class| matches!(class, Class::Space));
    if bytes.get(equals) != Some(&b'=') || bytes.get(equals + 1) == Some(&b'=') {
        return Some(None);
    }
    let quote = skip(bytes, equals + 1, |class| matches!(class, Class::Space));
    if bytes.get(quote) != Some(&b'"') {
        return Some(None);
    }
    let after = cooked_string_end(bytes, quote)?;
    let value = &text[quote + 1..after - 1];
    if value.contains('\\') {
        return None;
    }
    Some(Some((value.to_string(), after)))
}

/// Whether the keyword `word` ending at byte `end` is followed by what an
/// item's keyword is: a name (`fn(u32)` is a type, `const { .. }` a
/// block, `union(..)` a call), or for `impl` and `use` anything.
fn names_follow(bytes: &[u8], end: usize, word: &str) -> bool {
    if matches!(word, "impl" | "use") {
        return true;
    }
    let next = skip(bytes, end, |class| matches!(class, Class::Space));
    bytes
        .get(next)
        .is_some_and(|&b| CLASS[b as usize] == Class::Word && !b.is_ascii_digit())
}

fn item_keyword(word: &str) -> Option<Starts> {
    Some(match word {
        "fn" => Starts::Item(ItemKind::Fn),
        "struct" | "enum" | "union" | "trait" | "type" => Starts::Item(ItemKind::Type),
        "static" | "const" => Starts::Item(ItemKind::Static),
        "mod" => Starts::Item(ItemKind::Mod),
        "impl" => Starts::Impl,
        "use" => Starts::Use,
        _ => return None,
    })
}

/// A word of the text: recorded, and taken as the name an item's keyword
/// waits for.
fn word_read(
    out: &mut FileScan,
    pending: &mut Option<Pending>,
    is_call: bool,
    innermost: Option<usize>,
    after_as: &mut bool,
    id: u32,
) {
    out.words.push(id);
    if std::mem::take(after_as) {
        out.aliases.push(id);
    }
    let Some(p) = pending.as_mut() else {
        if let Some(item) = innermost {
            out.items[item].words.push(id);
            if is_call {
                out.items[item].calls.push(id);
            }
        }
        return;
    };
    p.words.push(id);
    match p.starts {
        Starts::Use => {
            if std::mem::take(&mut p.after_as) {
                // `use a::b as c`: `c` is the name, not `b`.
                p.last_word = None;
                p.leaves.push(id);
                p.aliases.push(id);
            } else {
                p.last_word = Some(id);
            }
        }
        Starts::Item(_) if p.name.is_none() => p.name = Some(id),
        _ => {}
    }
}

/// In a `use`, the word before `,`, `}` or `;` is a name it brings in.
fn take_leaf(p: &mut Pending) {
    if p.starts == Starts::Use {
        if let Some(leaf) = p.last_word.take() {
            p.leaves.push(leaf);
        }
    }
}

/// Records the item `p` starts, whose header ends at byte `header_end`.
fn finish(
    out: &mut FileScan,
    text: &str,
    mut p: Pending,
    header_end: usize,
    header: Option<Range<u32>>,
) {
    let header_text = &text[p.first_byte..header_end.min(text.len())];
    match p.starts {
        Starts::Impl => {}
        Starts::Use => {
            take_leaf(&mut p);
            if p.every_word {
                p.leaves = p.words.clone();
            }
            if p.glob {
                out.items
                    .push(Item::imported(ItemKind::Glob, u32::MAX, &p.words, false));
            }
            for &leaf in &p.leaves {
                let renames = p.aliases.contains(&leaf);
                out.items
                    .push(Item::imported(ItemKind::Use, leaf, &p.words, renames));
            }
        }
        Starts::Item(kind) => {
            let Some(name) = p.name else {
                return;
            };
            let (returns, cache) = match kind {
                ItemKind::Fn => (header_text.contains("->"), may_take_memo(header_text)),
                ItemKind::Static => (
                    false,
                    CACHE_TYPE_WORDS.iter().any(|t| header_text.contains(t)),
                ),
                _ => (false, false),
            };
            out.items.push(Item {
                kind,
                name,
                words: p.words,
                calls: Vec::new(),
                header: if kind == ItemKind::Fn { header } else { None },
                returns,
                mut_param: kind == ItemKind::Fn && takes_mut_ref(header_text),
                cache,
                // `type Alias = Real;`: another name for a type.
                renames: header_text.starts_with("type"),
            });
        }
    }
}
