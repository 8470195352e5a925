//! The index: what a unit of crates contains, in a shape rules can query.
//!
//! Built once per analysis unit (a workspace, a package, or a set of loose
//! files) from the parsed files of that unit, on the worker thread that
//! parsed them (syn's trees are not `Send`). It records
//!
//! - the module tree (`mod x;` → `x.rs` / `x/mod.rs`, `#[path]`, inline
//!   modules), with each module's items and `use` imports;
//! - every function: free, nested, inherent and trait methods, trait default
//!   methods, with its attributes, signature and body;
//! - each function's call sites (function calls, method calls, macro calls)
//!   and uses of statics, resolved to a crate-local function or static or to
//!   a full external path where the source allows.
//!
//! Resolution is purely syntactic: a path that the index cannot resolve with
//! confidence is left [`Target::Unknown`]. Rules treat unknown as "nothing
//! to say", which is what keeps findings precise.

mod body;
pub mod macro_fns;
mod modules;
pub mod outline;
mod prune;
mod scope;
pub(crate) mod spans;
pub(crate) mod summary;

// The index hashes names and offsets of the checked code, as rustc does,
// with FxHash: SipHash was a percent of a whole check.
use rustc_hash::FxHashMap as HashMap;
use std::cell::{OnceCell, RefCell};

use crate::source::{SourceFile, Span};
use summary::WrittenPath;

pub use body::{macro_args, CallKind, CallSite, FnRef, StaticUse};
pub use modules::CrateTarget;
pub use scope::Scope;

/// A parsed file of the unit.
pub struct ParsedFile {
    pub source: SourceFile,
    /// The syntax tree as parsed, for what reads all of it (the
    /// suppressions' coverage); [`ParsedFile::prepare_for_index`] moves
    /// what the index reads into `outline` and leaves it empty.
    pub ast: syn::File,
    /// The file's items as the index reads them (`outline.rs`), once
    /// prepared: each function with its body's summary, and most of those
    /// bodies without their statements.
    pub outline: Vec<outline::Item>,
    /// How many function bodies the outline holds, to size the index.
    bodies_in_outline: usize,
    /// Bytes of the text before what syn parsed (a BOM, a shebang line):
    /// added to every span so that offsets are into `source.text`.
    pub offset: usize,
    /// Functions defined inside `cached!`-style macros of this file.
    pub macro_fns: Vec<macro_fns::MacroFn>,
    /// What the index needs from the bodies of the functions defined in
    /// `cached!`-style macros (`summary.rs`); every other function's is in
    /// the outline.
    pub(crate) bodies: Option<summary::Bodies>,
}

/// Which function bodies are summarised as soon as their file is parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Summaries {
    /// All but test functions', which wait until something refers to them.
    #[default]
    DeferTests,
    /// Every body: the same findings, at a higher cost (for the tests and
    /// the benchmark that show deferral changes nothing).
    All,
}

impl ParsedFile {
    /// A file syn parsed whole, with its `cached!`-style functions read.
    pub fn new(source: SourceFile, ast: syn::File, offset: usize) -> ParsedFile {
        let macro_fns = macro_fns::extract(&ast);
        ParsedFile {
            source,
            ast,
            offset,
            macro_fns,
            outline: Vec::new(),
            bodies_in_outline: 0,
            bodies: None,
        }
    }

    /// Keeps of the tree only what the index reads: items it never looks
    /// at are removed (`prune.rs`), every function body is summarised and
    /// most lose their statements (`summary.rs`), and the rest becomes the
    /// file's outline (`outline.rs`) while the tree is dropped. Done right
    /// after parsing, once everything that reads the whole tree (the
    /// suppressions' coverage) has read it, so that the unit's peak memory
    /// follows what the index keeps rather than whole trees. Test functions' bodies
    /// wait to be summarised until something refers to them (see
    /// `summary::deferrable`).
    pub fn prepare_for_index(&mut self) {
        self.prepare_for_index_with(Summaries::DeferTests);
    }

    /// [`ParsedFile::prepare_for_index`], saying which bodies wait.
    pub fn prepare_for_index_with(&mut self, summaries: Summaries) {
        let spans = summary::FileSpans {
            source: &self.source,
            offset: self.offset,
        };
        prune::prune_file(&mut self.ast);
        let mut bodies = summary::summarize_and_strip(&mut self.ast, spans, summaries);
        self.bodies_in_outline = bodies.len();
        self.outline = outline::build(std::mem::take(&mut self.ast.items), spans, &mut bodies);
        self.ast.attrs = Vec::new();
        // The outline took every summary made from the tree; the map keeps
        // only those of the functions `cached!`-style macros define.
        debug_assert!(bodies.is_empty(), "bodies the outline did not take");
        for macro_fn in &self.macro_fns {
            let item = &macro_fn.item;
            bodies.insert(
                summary::open_brace(&item.block, spans),
                summary::summarize(&item.sig, &item.block, spans),
            );
        }
        bodies.shrink_to_fit();
        self.bodies = Some(bodies);
    }

    fn spans(&self) -> summary::FileSpans<'_> {
        summary::FileSpans {
            source: &self.source,
            offset: self.offset,
        }
    }

    /// The byte span of a syn span in this file's text.
    pub fn span(&self, span: proc_macro2::Span) -> Span {
        self.spans().span(span)
    }

    /// The summary of the body that opens with `block`'s brace.
    fn body(&self, block: &syn::Block) -> &summary::BodySummary {
        let bodies = self.bodies.as_ref().unwrap_or_else(|| {
            panic!(
                "{} was indexed before its bodies were summarised",
                self.source.display
            )
        });
        let at = summary::open_brace(block, self.spans());
        bodies.get(&at).unwrap_or_else(|| {
            panic!(
                "{}: no summary of the body at byte {at}",
                self.source.display
            )
        })
    }
}

/// Index of a module in [`Index::modules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

/// Index of a function in [`Index::fns`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnId(pub u32);

/// Index of a static in [`Index::statics`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StaticId(pub u32);

/// A module: a file, or an inline `mod x { ... }`.
pub struct Module<'a> {
    pub id: ModuleId,
    /// The crate this module belongs to (as written in paths: `my_crate`).
    pub crate_name: String,
    /// Path below the crate root; empty for the root.
    pub path: Vec<String>,
    /// Index into the unit's parsed files.
    pub file: usize,
    pub parent: Option<ModuleId>,
    pub items: &'a [outline::Item],
    /// Named items declared here.
    pub(crate) children: HashMap<String, ModuleId>,
    pub(crate) fns: HashMap<String, FnId>,
    pub(crate) types: HashMap<String, ()>,
    pub(crate) statics: HashMap<String, StaticId>,
    /// `use` imports: the name in scope → the full path it stands for.
    pub(crate) imports: HashMap<String, Vec<String>>,
    /// `use path::*` targets, as full paths.
    pub(crate) globs: Vec<Vec<String>>,
    /// True when the module was not reached from a crate root by `mod`
    /// declarations, so its path is a guess from the file's location.
    pub orphan: bool,
}

impl Module<'_> {
    /// `crate_name::a::b`.
    pub fn full_path(&self) -> Vec<String> {
        let mut path = vec![self.crate_name.clone()];
        path.extend(self.path.iter().cloned());
        path
    }
}

/// Where a function is defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnOwner {
    /// A free function in a module.
    Module,
    /// A method in `impl Type` or `impl Trait for Type`.
    Impl {
        /// Full path of the self type, when it is a path.
        self_ty: Option<Vec<String>>,
        /// Full path of the trait, for trait impls.
        trait_path: Option<Vec<String>>,
    },
    /// A method with a default body in a trait definition.
    Trait { trait_path: Vec<String> },
    /// A function nested in another function's body.
    Nested { parent: FnId },
}

/// A function with a body (or a trait method without one).
pub struct FnDef<'a> {
    pub id: FnId,
    pub name: String,
    /// `crate::module::Type::name` for display and for JSON's `function`.
    pub qualified_name: String,
    pub module: ModuleId,
    /// Index into the unit's parsed files.
    pub file: usize,
    pub owner: FnOwner,
    pub attrs: &'a [syn::Attribute],
    pub vis: Option<&'a syn::Visibility>,
    /// The tree's signature, which may hold only the keywords and the
    /// name (see [`Index::signature`]).
    pub(in crate::index) sig: &'a syn::Signature,
    /// The body's block as the tree holds it: its braces, and its
    /// statements only when `body.held` (see [`Index::with_block`]).
    pub(in crate::index) block: Option<&'a syn::Block>,
    pub(crate) body: Option<&'a summary::BodySummary>,
    /// The whole item, attributes included.
    pub item_span: Span,
    /// The function's name in its signature.
    pub name_span: Span,
    pub calls: Vec<CallSite>,
    pub static_uses: Vec<StaticUse>,
    /// Crate functions named as values in the body.
    pub fn_refs: Vec<FnRef>,
    /// Functions, imports and statics declared in the body; `None` for
    /// the most, which declare none.
    pub(crate) local_items: Option<Box<LocalItems>>,
}

/// What a function's body declares, by name.
#[derive(Default)]
pub(crate) struct LocalItems {
    pub fns: HashMap<String, FnId>,
    pub imports: HashMap<String, Vec<String>>,
    pub statics: HashMap<String, StaticId>,
}

impl<'a> FnDef<'a> {
    /// The function its body declares as `name`.
    pub(crate) fn local_fn(&self, name: &str) -> Option<FnId> {
        self.local_items.as_ref()?.fns.get(name).copied()
    }

    /// The static its body declares as `name`.
    pub(crate) fn local_static(&self, name: &str) -> Option<StaticId> {
        self.local_items.as_ref()?.statics.get(name).copied()
    }

    /// The full path its body imports as `name`.
    pub(crate) fn local_import(&self, name: &str) -> Option<&Vec<String>> {
        self.local_items.as_ref()?.imports.get(name)
    }

    /// The full paths its body imports.
    pub(crate) fn local_imports(&self) -> impl Iterator<Item = &Vec<String>> {
        self.local_items
            .iter()
            .flat_map(|items| items.imports.values())
    }

    /// What its body declares, to add to.
    pub(crate) fn local_items_mut(&mut self) -> &mut LocalItems {
        self.local_items.get_or_insert_with(Box::default)
    }

    /// The parameters passed by `&mut` (not `self`), with their reference
    /// types. Read from the tree's signature: one with such a parameter
    /// is never emptied (`summary::signature_may_go`).
    pub fn mut_ref_params(
        &self,
    ) -> impl Iterator<Item = (&'a syn::PatType, &'a syn::TypeReference)> {
        self.sig.inputs.iter().filter_map(summary::mut_ref_param)
    }

    /// Whether the function takes `self` in any form.
    pub fn has_receiver(&self) -> bool {
        self.shape()
            .map_or(self.sig.receiver().is_some(), |shape| shape.receiver)
    }

    /// How many parameters it takes, `self` included.
    pub fn arity(&self) -> usize {
        self.shape()
            .map_or(self.sig.inputs.len(), |shape| shape.arity)
    }

    /// Whether it returns a value (it has a return type).
    pub fn returns_value(&self) -> bool {
        self.shape().map_or(
            !matches!(self.sig.output, syn::ReturnType::Default),
            |shape| shape.returns_value,
        )
    }

    /// The path of its return type, when that is a path (looking through
    /// references and parentheses).
    pub(crate) fn return_type(&self) -> Option<WrittenPath> {
        match self.shape() {
            Some(shape) => shape.return_type.clone(),
            None => summary::return_type_path(&self.sig.output),
        }
    }

    /// Whether `sig` is this function's signature in the tree (a
    /// `cached!` function's, in its macro's parse).
    pub fn is_defined_by(&self, sig: &syn::Signature) -> bool {
        std::ptr::eq(self.sig, sig)
    }

    /// What the index kept of an emptied signature.
    fn shape(&self) -> Option<&'a summary::SigShape> {
        self.body?.emptied_sig.as_ref()
    }

    /// Whether it has a body (trait methods may not).
    pub fn has_body(&self) -> bool {
        self.body.is_some()
    }

    /// The body's braces and everything between.
    pub fn body_span(&self) -> Option<Span> {
        self.body.map(|body| body.span)
    }
}

/// What kind of static storage a [`StaticDef`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticKind {
    /// `static X: T`.
    Static,
    /// `static mut X: T`.
    StaticMut,
    /// A `thread_local! { static X: T = ... }` key.
    ThreadLocal,
    /// A `lazy_static! { static ref X: T = ... }` item.
    LazyStatic,
}

/// A static, thread-local or lazy static declared in the unit.
pub struct StaticDef {
    pub id: StaticId,
    pub name: String,
    pub qualified_name: String,
    pub module: ModuleId,
    pub kind: StaticKind,
    /// The declared type, as source text with whitespace removed
    /// (`OnceLock<Mutex<HashMap<u64,u64>>>`).
    pub ty: String,
    /// The function it is declared in, for fn-local statics.
    pub in_fn: Option<FnId>,
    pub span: Span,
}

/// A crate root of the unit.
#[derive(Clone, Debug)]
pub struct CrateRoot {
    pub name: String,
    pub module: ModuleId,
    /// Whether other crates of the unit can refer to it by name (libraries).
    pub is_lib: bool,
    /// The package's `[dependencies]` (name, version requirement).
    pub dependencies: Vec<(String, String)>,
}

/// Full paths of the names looked up in one module (`None`: not found).
pub(crate) type Lookups = HashMap<String, Option<Vec<String>>>;

/// Everything rules need to know about the unit's code.
pub struct Index<'a> {
    pub files: &'a [ParsedFile],
    pub crates: Vec<CrateRoot>,
    pub modules: Vec<Module<'a>>,
    pub fns: Vec<FnDef<'a>>,
    pub statics: Vec<StaticDef>,
    /// `(type full path, method name)` → the methods defined for it.
    pub(crate) methods: HashMap<(Vec<String>, String), Vec<FnId>>,
    /// Names looked up through a module's glob imports, by module and glob
    /// depth, once the modules' names are all known (`scope::lookup_in_module`).
    pub(crate) lookups: RefCell<HashMap<(ModuleId, usize), Lookups>>,
    /// Files parsed again for the statements of their bodies
    /// ([`Index::with_block`]), by index into `files`.
    reparsed: Vec<OnceCell<Option<syn::File>>>,
}

/// What a call or path refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A function of this unit.
    Fn(FnId),
    /// A static of this unit.
    Static(StaticId),
    /// Something outside the unit, by full path (`std::time::Instant::now`).
    /// For methods on a receiver of known type, the type's path followed by
    /// the method name.
    External(String),
    /// A local variable or closure, or a path the index cannot resolve.
    Unknown,
}

impl<'a> Index<'a> {
    /// Builds the index of a unit from its parsed files.
    pub fn build(files: &'a [ParsedFile], targets: &[CrateTarget]) -> Index<'a> {
        let mut index = Index {
            files,
            crates: Vec::new(),
            modules: Vec::new(),
            fns: Vec::new(),
            statics: Vec::new(),
            methods: HashMap::default(),
            lookups: RefCell::new(HashMap::default()),
            reparsed: files.iter().map(|_| OnceCell::new()).collect(),
        };
        // Nearly every function has a body: the list of functions grows
        // once or not at all, rather than copying itself a dozen times.
        index.fns.reserve(
            files
                .iter()
                .map(|file| file.bodies_in_outline + file.macro_fns.len())
                .sum(),
        );
        modules::build_module_tree(&mut index, targets);
        modules::collect_items(&mut index);
        body::collect_bodies(&mut index);
        index
    }

    /// The index of nothing, for a run whose rules read nothing of the code.
    pub fn empty() -> Index<'static> {
        Index::build(&[], &[])
    }

    /// The crate a module belongs to.
    pub fn crate_of(&self, module: ModuleId) -> Option<&CrateRoot> {
        let name = &self.module(module).crate_name;
        self.crates.iter().find(|c| &c.name == name)
    }

    pub fn module(&self, id: ModuleId) -> &Module<'a> {
        &self.modules[id.0 as usize]
    }

    pub fn function(&self, id: FnId) -> &FnDef<'a> {
        &self.fns[id.0 as usize]
    }

    pub fn static_def(&self, id: StaticId) -> &StaticDef {
        &self.statics[id.0 as usize]
    }

    /// Calls `walk` with `function`'s block, statements included; `None`
    /// for a function without a body. Bodies are dropped after they are
    /// summarised (`summary.rs`), so this parses the file again, once per
    /// file: the few functions whose statements are needed (those on
    /// call-graph cycles) do not justify holding every body of the unit.
    pub fn with_block<R>(
        &self,
        function: &FnDef<'a>,
        walk: impl FnOnce(&syn::Block) -> R,
    ) -> Option<R> {
        let body = function.body?;
        if body.held {
            return function.block.map(walk);
        }
        let file = self.file_of(function);
        self.with_reparsed(function.file, |tree| {
            summary::find_block(tree, file.spans(), body.span.start).map(walk)
        })?
    }

    /// The fields of a struct or union of `module` (one of its `items`), or
    /// of each variant of an enum, parsed from the text: the outline holds
    /// only where they are written, and only the few types recursive
    /// functions take are ever looked into. `None` for an alias, or for
    /// fields that do not parse.
    pub fn type_fields(
        &self,
        module: &Module<'a>,
        item: &outline::TypeItem,
    ) -> Option<Vec<syn::Fields>> {
        item.fields_in(&self.files[module.file])
    }

    /// Calls `read` with the whole tree of the unit's file `file`, parsed
    /// again ([`Index::reparsed`]); `None` if it does not parse.
    fn with_reparsed<R>(&self, file: usize, read: impl FnOnce(&syn::File) -> R) -> Option<R> {
        Some(read(self.reparsed(file)?))
    }

    /// The whole tree of the unit's file `file`, parsed again (once per
    /// file) from the text parsed before, so to the same tree; `None` if
    /// it does not parse.
    fn reparsed(&self, file: usize) -> Option<&syn::File> {
        let parsed = &self.files[file];
        self.reparsed[file]
            .get_or_init(|| syn::parse_str(&parsed.source.text[parsed.offset..]).ok())
            .as_ref()
    }

    /// `function`'s signature, whole: the tree's, or, when the tree kept
    /// only its name (`summary::signature_may_go`), a re-parse's. For what
    /// every function's signature says, [`FnDef::arity`] and its kin read
    /// less.
    pub fn signature(&self, function: &FnDef<'a>) -> Option<&syn::Signature> {
        let Some(body) = function.body.filter(|body| body.emptied_sig.is_some()) else {
            return Some(function.sig);
        };
        let file = self.file_of(function);
        summary::find_signature(self.reparsed(function.file)?, file.spans(), body.span.start)
    }

    /// Where `function`'s tail expression starts, when its body ends in
    /// one.
    pub fn tail_start(&self, function: &FnDef<'_>) -> Option<usize> {
        let tail = function.body?.tail?;
        Some(self.file_of(function).span(tail).start)
    }

    /// The parsed file a function is in.
    pub fn file_of(&self, function: &FnDef<'_>) -> &'a ParsedFile {
        &self.files[function.file]
    }

    /// The function defined under a full path, e.g. `my_crate::a::f` or
    /// `my_crate::a::Type::method`.
    pub fn fn_by_path(&self, path: &str) -> Option<FnId> {
        let segments: Vec<String> = path.split("::").map(str::to_string).collect();
        match self.canonical(&segments, 0) {
            Target::Fn(id) => Some(id),
            _ => None,
        }
    }

    /// The scope for resolving names inside `function`'s body.
    pub fn scope_of(&self, function: FnId) -> Scope<'_, 'a> {
        Scope::of_fn(self, function)
    }

    /// The methods named `name` defined for the type at `type_path`.
    pub fn methods_of(&self, type_path: &[String], name: &str) -> &[FnId] {
        self.methods
            .get(&(type_path.to_vec(), name.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Resolves a full path to an item of this unit if it names one (following
    /// `pub use` re-exports), or to an external path.
    pub(crate) fn canonical(&self, path: &[String], depth: usize) -> Target {
        self.canonical_from(path, depth, &mut Vec::new())
    }

    /// [`Index::canonical`], knowing the paths the chain of re-exports
    /// has passed through: coming back to one is a cycle, which could only
    /// go round until the depth limit and end unknown, so it ends now.
    fn canonical_from(
        &self,
        path: &[String],
        depth: usize,
        passed: &mut Vec<Vec<String>>,
    ) -> Target {
        const MAX_REEXPORT_DEPTH: usize = 16;
        let Some(first) = path.first() else {
            return Target::Unknown;
        };
        let Some(root) = self.crates.iter().find(|c| &c.name == first) else {
            return Target::External(path.join("::"));
        };
        let mut module = root.module;
        let mut rest = &path[1..];
        while let Some((head, tail)) = rest.split_first() {
            let m = self.module(module);
            if let Some(&child) = m.children.get(head) {
                module = child;
                rest = tail;
                continue;
            }
            if tail.is_empty() {
                if let Some(&f) = m.fns.get(head) {
                    return Target::Fn(f);
                }
                if let Some(&s) = m.statics.get(head) {
                    return Target::Static(s);
                }
            }
            if m.types.contains_key(head) && tail.len() == 1 {
                let mut type_path = m.full_path();
                type_path.push(head.clone());
                return match self.methods_of(&type_path, &tail[0]) {
                    [only] => Target::Fn(*only),
                    _ => Target::Unknown,
                };
            }
            if let Some(import) = m.imports.get(head) {
                if depth >= MAX_REEXPORT_DEPTH {
                    return Target::Unknown;
                }
                let mut full = import.clone();
                full.extend(tail.iter().cloned());
                if passed.contains(&full) || full.as_slice() == path {
                    return Target::Unknown;
                }
                passed.push(path.to_vec());
                return self.canonical_from(&full, depth + 1, passed);
            }
            return Target::Unknown;
        }
        Target::Unknown
    }
}

/// Source text of syntax with whitespace removed
/// (`OnceLock<Mutex<HashMap<u64,u64>>>`), for matching types and option
/// values by shape.
pub fn tokens_text<T: quote::ToTokens>(node: &T) -> String {
    node.to_token_stream()
        .to_string()
        .split_whitespace()
        .collect()
}

#[cfg(test)]
mod tests;
