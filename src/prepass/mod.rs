//! The lexical pre-pass: which files of a unit need a full parse.
//!
//! Parsing with syn is most of what a check costs, and most files hold
//! nothing memoized and no recursion. Before anything is parsed, every
//! file of the unit is scanned as words and items (`scan.rs`, several
//! times cheaper than lexing into tokens), and from the scans a closure
//! is computed of everything a finding could depend on:
//!
//! - the roots: every word of a file that names a memoizer (a word of
//!   `rules/memoizers.toml`'s paths where a path or a macro's name can
//!   stand, or an alias imported with `as` in such a file), every function
//!   that names a static whose type may hold
//!   a cache or whose signature may take a `&mut` memo table, and every
//!   function that returns something, takes no `&mut` parameter (ML201
//!   flags neither) and is on a cycle of the graph of function names (a
//!   name to the names its body calls, `f(..)` or `x.f(..)`), which holds
//!   the call graph's cycles whatever resolution makes of the names
//!   (renamed imports and statics are nodes too, standing for the names
//!   they hold);
//! - then, until nothing changes, for every word a reached item mentions:
//!   every item of that name (functions, types, statics, names brought in
//!   by `use`) and every file of that module name; for every needed file,
//!   the files that make its module path (the crate roots above it, the
//!   `mod.rs` or `dir.rs` of each directory on the way) and its glob
//!   imports. A function brings its signature and body along, and the
//!   header of the `impl` or `trait` it sits in; a method is reached by its
//!   name only once a word of that header is (`Closure::header_reached`).
//!
//! Every name resolution could take from a root to anything that decides
//! a finding (a callee, a static, a type's fields, a re-export) is a word
//! of something already reached, so the files that define them are
//! parsed; what is left out is never looked up. Files that mention
//! `memolint` are parsed too, for their suppressions, and so are the files
//! that declare modules with `#[path]` and the files such a path may name,
//! whose module paths the directories do not tell. When the scan cannot be
//! sure of a file (see `scan.rs`), the whole unit is parsed.
//!
//! Words cannot tell which of two methods of the same name a call reaches,
//! so a trait method that calls the same method on another type looks
//! recursive, and most crates hold one: what is left out is mostly the
//! crates with nothing recursive or memoized at all (bindings such as
//! `windows-sys`, 40% of the benchmark's corpus), and the files of other
//! crates that nothing reached names.
//!
//! What a file left out loses is ML001 for a syntax error in it: nothing
//! memolint checks depends on it, and `--parse-all` reports those too.
//! `tests/prepass.rs` holds the findings to those of `--parse-all` on every
//! fixture and on memolint's own source; the benchmark does on its corpus.

mod scan;

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::catalog::Memoizers;
use crate::graph::Components;
use crate::index::CrateTarget;
use scan::{FileScan, Interner, Item, ItemKind};

/// Which of a unit's files to parse: `texts[i]` is the text of the file at
/// `paths[i]` after its BOM and shebang, `None` for a file that could not
/// be read. A file whose text is `None` is never needed.
pub fn needed_files(
    texts: &[Option<&str>],
    paths: &[&Path],
    targets: &[CrateTarget],
    memoizers: &Memoizers,
) -> Vec<bool> {
    let mut interner = Interner::default();
    let markers = Markers::new(memoizers, &mut interner);
    let header_keywords = interner.header_keywords();
    let mut scans = Vec::with_capacity(texts.len());
    for text in texts {
        match text {
            Some(text) => match scan::scan(text, &mut interner) {
                Some(found) => scans.push(found),
                None => return crate::parse::every_file(texts),
            },
            None => scans.push(FileScan::default()),
        }
    }
    let mut closure = Closure::new(&scans, paths, targets, &interner, &header_keywords);
    // Files that declare modules with `#[path]`, and the files such a path
    // may name (by file name), give modules their paths whatever the
    // directories say: they are always parsed.
    let path_targets: Vec<&str> = scans
        .iter()
        .flat_map(|found| &found.module_paths)
        .filter_map(|value| Path::new(value).file_name()?.to_str())
        .collect();
    for (file, found) in scans.iter().enumerate() {
        let path_target = paths[file]
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| path_targets.contains(&name));
        if found.mentions_memolint || !found.module_paths.is_empty() || path_target {
            closure.need_file(file);
        }
    }
    for file in markers.files(&scans, interner.len()) {
        // Whatever the file says may name the memoizer or what it caches.
        closure.need_file(file);
        for &word in &scans[file].words {
            closure.reach_word(word);
        }
    }
    for (file, item) in roots(&scans, interner.len()) {
        closure.reach_item(file, item);
    }
    closure.run();
    for (file, needed) in closure.needed.iter_mut().enumerate() {
        *needed &= texts[file].is_some();
    }
    closure.needed
}

/// The words a memoizing attribute or macro can be named by.
struct Markers {
    /// The crates memoizers come from (`cached`, `salsa`): without one of
    /// them in the unit, no attribute resolves to a memoizer.
    crates: Vec<u32>,
    /// The attributes' and macros' own names (`cached`, `once`, `tracked`).
    names: Vec<u32>,
}

impl Markers {
    fn new<'t>(memoizers: &'t Memoizers, interner: &mut Interner<'t>) -> Markers {
        let mut crates = Vec::new();
        let mut names = Vec::new();
        for path in memoizers.attributes.iter().flat_map(|a| &a.paths) {
            let segments: Vec<&str> = path.split("::").collect();
            if let (Some(first), Some(last)) = (segments.first(), segments.last()) {
                crates.push(interner.intern(first));
                names.push(interner.intern(last));
            }
            // A configured path may start at `crate` or name any module.
            if segments.len() > 2 {
                crates.extend(segments.iter().map(|s| interner.intern(s)));
            }
        }
        Markers { crates, names }
    }

    /// Files that may memoize with a catalog attribute or macro: those that
    /// name a memoizer's crate or name, or an alias some such file imports
    /// (`use cached::proc_macro::cached as memo;`), once a crate is named
    /// anywhere in the unit.
    fn files(&self, scans: &[FileScan], words: usize) -> Vec<usize> {
        let mut marker = vec![false; words];
        for &id in &self.crates {
            marker[id as usize] = true;
        }
        let names = |found: &FileScan, marker: &[bool]| {
            found.path_words.iter().any(|&w| marker[w as usize])
        };
        if !scans.iter().any(|found| names(found, &marker)) {
            return Vec::new();
        }
        for &id in &self.names {
            marker[id as usize] = true;
        }
        let mut files = Vec::new();
        let mut taken = vec![false; scans.len()];
        loop {
            let before = files.len();
            for (file, found) in scans.iter().enumerate() {
                if !taken[file] && names(found, &marker) {
                    taken[file] = true;
                    files.push(file);
                    for &alias in &found.aliases {
                        marker[alias as usize] = true;
                    }
                }
            }
            if files.len() == before {
                return files;
            }
        }
    }
}

/// Functions memoized by hand or recursive, as far as words can tell.
fn roots(scans: &[FileScan], words: usize) -> Vec<(usize, usize)> {
    let mut roots = Vec::new();
    let mut cache_static = vec![false; words];
    for found in scans {
        for item in &found.items {
            if item.kind == ItemKind::Static && item.cache {
                cache_static[item.name as usize] = true;
            }
        }
    }
    // The graph of names that can stand for a function: one node per name
    // of a function, of a static or const (`const F: fn() = f;`), or of a
    // renamed import (`use a::f as g;`), with an edge to each such name
    // its words hold. A call resolves through these names, so every
    // cycle of calls is one here.
    const NONE: u32 = u32::MAX;
    let is_node = |item: &Item| match item.kind {
        ItemKind::Fn | ItemKind::Static => true,
        ItemKind::Use => item.renames,
        _ => false,
    };
    let mut node_of = vec![NONE; words];
    let mut nodes = 0u32;
    for found in scans {
        for item in found.items.iter().filter(|i| is_node(i)) {
            if node_of[item.name as usize] == NONE {
                node_of[item.name as usize] = nodes;
                nodes += 1;
            }
        }
    }
    let mut successors: Vec<Vec<u32>> = vec![Vec::new(); nodes as usize];
    for (file, found) in scans.iter().enumerate() {
        for (index, item) in found.items.iter().enumerate() {
            if !is_node(item) {
                continue;
            }
            // A function's own name is its first word; a mention after it
            // is a call. An import's or a static's own name is no edge.
            let after_name = match item.kind {
                ItemKind::Fn => item.words.get(1..).unwrap_or_default(),
                _ => &item.words[..],
            };
            if item.kind == ItemKind::Fn
                && (item.cache || after_name.iter().any(|&w| cache_static[w as usize]))
            {
                roots.push((file, index));
            }
            // A function's edges are its calls (its other mentions of a name
            // are no calls in the index either); an import's or a static's
            // are every name it holds.
            let edges = match item.kind {
                ItemKind::Fn => &item.calls[..],
                _ => after_name,
            };
            let from = node_of[item.name as usize];
            successors[from as usize].extend(
                edges
                    .iter()
                    .map(|&w| node_of[w as usize])
                    .filter(|&to| to != NONE && (item.kind == ItemKind::Fn || to != from)),
            );
        }
    }
    for list in &mut successors {
        list.sort_unstable();
        list.dedup();
    }
    let components = Components::find(&successors);
    for (file, found) in scans.iter().enumerate() {
        for (index, item) in found.items.iter().enumerate() {
            // Only a function that returns something and takes no `&mut`
            // can be flagged; the rest of its cycle is what it names.
            if item.kind == ItemKind::Fn
                && item.returns
                && !item.mut_param
                && !components.cycle_of(node_of[item.name as usize]).is_empty()
            {
                roots.push((file, index));
            }
        }
    }
    roots
}

/// Everything reached from the roots, by words.
struct Closure<'s> {
    scans: &'s [FileScan],
    paths: &'s [&'s Path],
    targets: &'s [CrateTarget],
    by_path: FxHashMap<&'s Path, usize>,
    /// For each word, the items of that name, as (file, item).
    defs: Vec<Vec<(u32, u32)>>,
    /// For each word, the files of a module of that name (`name.rs`,
    /// `name/mod.rs`).
    modules: Vec<Vec<u32>>,
    reached_words: Vec<bool>,
    /// Words of `impl` headers that name no type, and names that stand for
    /// another type (renamed imports, type aliases): see `header_reached`.
    unsure_in_header: Vec<bool>,
    ignored_in_header: Vec<bool>,
    /// Methods named by a reached word whose `impl` or `trait` header is
    /// not reached yet, by the header's words.
    waiting: Vec<Vec<(u32, u32)>>,
    reached_items: Vec<Vec<bool>>,
    needed: Vec<bool>,
    queue: Vec<u32>,
}

impl<'s> Closure<'s> {
    fn new(
        scans: &'s [FileScan],
        paths: &'s [&'s Path],
        targets: &'s [CrateTarget],
        interner: &Interner<'_>,
        header_keywords: &[u32],
    ) -> Closure<'s> {
        let words = interner.len();
        let mut ignored_in_header = vec![false; words];
        for &id in header_keywords {
            ignored_in_header[id as usize] = true;
        }
        let mut unsure_in_header = vec![false; words];
        for found in scans {
            for item in found.items.iter().filter(|item| item.renames) {
                unsure_in_header[item.name as usize] = true;
            }
        }
        let mut defs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); words];
        for (file, found) in scans.iter().enumerate() {
            for (index, item) in found.items.iter().enumerate() {
                if item.kind != ItemKind::Glob {
                    defs[item.name as usize].push((file as u32, index as u32));
                }
            }
        }
        let by_path: FxHashMap<&Path, usize> =
            paths.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        // A module's name is a word of the `mod` item that declares it,
        // so a module whose name no file uses is never looked for.
        let mut modules: Vec<Vec<u32>> = vec![Vec::new(); words];
        for (file, path) in paths.iter().enumerate() {
            if let Some(id) = module_name(path).and_then(|name| interner.get(name)) {
                modules[id as usize].push(file as u32);
            }
        }
        Closure {
            scans,
            paths,
            targets,
            by_path,
            defs,
            modules,
            reached_words: vec![false; words],
            unsure_in_header,
            ignored_in_header,
            waiting: vec![Vec::new(); words],
            reached_items: scans.iter().map(|f| vec![false; f.items.len()]).collect(),
            needed: vec![false; scans.len()],
            queue: Vec::new(),
        }
    }

    fn reach_word(&mut self, word: u32) {
        if !std::mem::replace(&mut self.reached_words[word as usize], true) {
            self.queue.push(word);
        }
    }

    fn reach_item(&mut self, file: usize, index: usize) {
        if std::mem::replace(&mut self.reached_items[file][index], true) {
            return;
        }
        let scans = self.scans;
        let item = &scans[file].items[index];
        let header = item.header.clone().unwrap_or_default();
        let header = &scans[file].words[header.start as usize..header.end as usize];
        for &word in item.words.iter().chain(header) {
            self.reach_word(word);
        }
        self.need_file(file);
    }

    fn need_file(&mut self, file: usize) {
        if std::mem::replace(&mut self.needed[file], true) {
            return;
        }
        let scans = self.scans;
        for (index, item) in scans[file].items.iter().enumerate() {
            if item.kind == ItemKind::Glob {
                self.reach_item(file, index);
            }
        }
        for ancestor in self.ancestors(file) {
            self.need_file(ancestor);
        }
    }

    /// The files that give `file` its module path: the crate roots in the
    /// directories above it, and the `mod.rs` or `dir.rs` of each of them.
    fn ancestors(&self, file: usize) -> Vec<usize> {
        let path = self.paths[file];
        let mut found = Vec::new();
        for target in self.targets {
            if target
                .root
                .parent()
                .is_some_and(|dir| path.starts_with(dir))
            {
                found.extend(self.by_path.get(target.root.as_path()).copied());
            }
        }
        for dir in path.ancestors().skip(1) {
            found.extend(self.by_path.get(dir.join("mod.rs").as_path()).copied());
            if let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) {
                let mut sibling = name.to_os_string();
                sibling.push(".rs");
                found.extend(self.by_path.get(parent.join(sibling).as_path()).copied());
            }
        }
        found.retain(|&f| f != file);
        found
    }

    /// Whether a method's `impl` or `trait` header names something reached
    /// (or may name it under another name). A method is called on a type
    /// (`x.m()`, `T::m()`) that the caller's words name, or words reached
    /// from them (a field's, a callee's return type): a method of a type
    /// nothing reached names is never called from what is reached. The
    /// index keys methods by the type's resolved path, so a header that
    /// names it under a renamed import or an alias counts as reached.
    /// `Err` holds the words to wait for.
    fn header_reached(&self, file: usize, index: usize) -> Result<(), Vec<u32>> {
        let Some(header) = &self.scans[file].items[index].header else {
            return Ok(());
        };
        let words = &self.scans[file].words[header.start as usize..header.end as usize];
        let mut waiting_on = Vec::new();
        for &word in words {
            if self.ignored_in_header[word as usize] {
                continue;
            }
            if self.reached_words[word as usize] || self.unsure_in_header[word as usize] {
                return Ok(());
            }
            waiting_on.push(word);
        }
        if waiting_on.is_empty() {
            // A header of keywords only: nothing to wait for.
            return Ok(());
        }
        Err(waiting_on)
    }

    fn run(&mut self) {
        while let Some(word) = self.queue.pop() {
            for (file, index) in std::mem::take(&mut self.waiting[word as usize]) {
                self.reach_item(file as usize, index as usize);
            }
            let defs = std::mem::take(&mut self.defs[word as usize]);
            for &(file, index) in &defs {
                let (f, i) = (file as usize, index as usize);
                match self.header_reached(f, i) {
                    Ok(()) => self.reach_item(f, i),
                    Err(waiting_on) => {
                        for header_word in waiting_on {
                            self.waiting[header_word as usize].push((file, index));
                        }
                    }
                }
            }
            for file in std::mem::take(&mut self.modules[word as usize]) {
                self.need_file(file as usize);
            }
        }
    }
}

/// The module name a file defines, if it is not a crate root: `a.rs` and
/// `a/mod.rs` define `a`.
fn module_name(path: &Path) -> Option<&str> {
    match path.file_stem()?.to_str()? {
        "mod" => path.parent()?.file_name()?.to_str(),
        "lib" | "main" => None,
        stem => Some(stem),
    }
}
