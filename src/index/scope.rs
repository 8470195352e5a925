//! Name resolution: what a path written in some module or function means.
//!
//! This follows rustc's rules as far as syntax allows (2018+ editions):
//! `crate`/`self`/`super`/`Self`, items of the module, its `use` imports,
//! crate-local glob imports, items declared inside the enclosing function,
//! then the standard prelude. A multi-segment path whose first segment is
//! none of those names an external crate and is kept as written; a single
//! name that is none of those is unknown.

use super::summary::WrittenPath;
use super::{FnId, FnOwner, Index, ModuleId, Target};

/// Names of the standard prelude and the crates every program can name,
/// mapped to their full paths.
const PRELUDE: &[(&str, &str)] = &[
    ("Vec", "std::vec::Vec"),
    ("String", "std::string::String"),
    ("Box", "std::boxed::Box"),
    ("Option", "std::option::Option"),
    ("Some", "std::option::Option::Some"),
    ("None", "std::option::Option::None"),
    ("Result", "std::result::Result"),
    ("Ok", "std::result::Result::Ok"),
    ("Err", "std::result::Result::Err"),
    ("Default", "std::default::Default"),
    ("ToString", "std::string::ToString"),
    ("ToOwned", "std::borrow::ToOwned"),
    ("Clone", "std::clone::Clone"),
    ("Iterator", "std::iter::Iterator"),
    ("IntoIterator", "std::iter::IntoIterator"),
    ("From", "std::convert::From"),
    ("Into", "std::convert::Into"),
    ("drop", "std::mem::drop"),
];

/// Macros of the standard library that need no import.
const STD_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "cfg",
    "column",
    "compile_error",
    "concat",
    "dbg",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "env",
    "eprint",
    "eprintln",
    "file",
    "format",
    "format_args",
    "include",
    "include_bytes",
    "include_str",
    "line",
    "matches",
    "module_path",
    "option_env",
    "panic",
    "print",
    "println",
    "stringify",
    "thread_local",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

/// The place a path is written: a module, and maybe a function in it.
#[derive(Clone, Copy)]
pub struct Scope<'i, 'a> {
    index: &'i Index<'a>,
    module: ModuleId,
    function: Option<FnId>,
}

impl<'i, 'a> Scope<'i, 'a> {
    pub fn of_module(index: &'i Index<'a>, module: ModuleId) -> Self {
        Scope {
            index,
            module,
            function: None,
        }
    }

    pub fn of_fn(index: &'i Index<'a>, function: FnId) -> Self {
        Scope {
            index,
            module: index.function(function).module,
            function: Some(function),
        }
    }

    /// The full path of the `Self` type, inside an impl or trait.
    pub fn self_type(&self) -> Option<Vec<String>> {
        let mut current = self.function?;
        loop {
            match &self.index.function(current).owner {
                FnOwner::Impl { self_ty, .. } => return self_ty.clone(),
                FnOwner::Trait { trait_path } => return Some(trait_path.clone()),
                FnOwner::Nested { parent } => current = *parent,
                FnOwner::Module => return None,
            }
        }
    }

    /// What a path in an expression refers to: a function or static of the
    /// unit, an external item, or unknown. Local variables are the caller's
    /// business (they shadow everything here).
    pub fn resolve_path(&self, path: &syn::Path) -> Target {
        self.resolve_written(&WrittenPath::of(path))
    }

    /// [`Scope::resolve_path`] for a path kept as written.
    pub(crate) fn resolve_written(&self, path: &WrittenPath) -> Target {
        if path.global {
            return Target::External(path.segments.join("::"));
        }
        self.resolve_segments(&path.segments)
    }

    /// [`Scope::resolve_path`] for a path given as segments.
    pub fn resolve_segments(&self, segments: &[String]) -> Target {
        if let [name] = segments {
            let mut current = self.function;
            while let Some(f) = current {
                let def = self.index.function(f);
                if let Some(local) = def.local_fn(name) {
                    return Target::Fn(local);
                }
                if let Some(local) = def.local_static(name) {
                    return Target::Static(local);
                }
                current = match def.owner {
                    FnOwner::Nested { parent } => Some(parent),
                    _ => None,
                };
            }
        }
        match self.absolute(segments) {
            Some(full) => self.index.canonical(&full, 0),
            None => Target::Unknown,
        }
    }

    /// The full path a (non-local) path stands for, without checking that
    /// it names anything.
    pub fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        let module = self.index.module(self.module);
        let mut base: Vec<String> = match first.as_str() {
            "crate" => vec![module.crate_name.clone()],
            "self" => module.full_path(),
            "super" => {
                let mut target = module;
                let mut rest = rest;
                let mut up = 1;
                while rest.first().is_some_and(|s| s == "super") {
                    up += 1;
                    rest = &rest[1..];
                }
                for _ in 0..up {
                    target = self.index.module(target.parent?);
                }
                let mut full = target.full_path();
                full.extend(rest.iter().cloned());
                return Some(full);
            }
            "Self" => self.self_type()?,
            name => {
                let imported = self.lookup_name(name);
                // `use cached::proc_macro::cached;` imports a macro named like
                // its crate; as a path prefix (`cached::Cached`) the name is
                // the crate: prefixes resolve in the type namespace.
                let names_own_crate = !rest.is_empty()
                    && imported
                        .as_ref()
                        .is_some_and(|p| p.len() > 1 && p[0] == name);
                if let Some(path) = imported.filter(|_| !names_own_crate) {
                    path
                } else if names_own_crate {
                    vec![name.to_string()]
                } else if let Some((_, full)) = PRELUDE.iter().find(|(n, _)| *n == name) {
                    full.split("::").map(str::to_string).collect()
                } else if !rest.is_empty() {
                    // `chrono::Utc::now`: an external crate.
                    vec![name.to_string()]
                } else {
                    return None;
                }
            }
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// A single name: imports in the enclosing functions, then the module's
    /// items and imports, then crate-local globs.
    fn lookup_name(&self, name: &str) -> Option<Vec<String>> {
        let mut current = self.function;
        while let Some(f) = current {
            let def = self.index.function(f);
            if let Some(path) = def.local_import(name) {
                return Some(path.clone());
            }
            current = match def.owner {
                FnOwner::Nested { parent } => Some(parent),
                _ => None,
            };
        }
        lookup_in_module(self.index, self.module, name, 0)
    }

    /// The full path of a type, looking through references and parentheses.
    /// `None` for types that are not paths (tuples, slices, `impl Trait`, …).
    pub fn resolve_type(&self, ty: &syn::Type) -> Option<Vec<String>> {
        self.resolve_type_path(&WrittenPath::of_type(ty)?)
    }

    /// [`Scope::resolve_type`] for the path of a type, kept as written.
    pub(crate) fn resolve_type_path(&self, path: &WrittenPath) -> Option<Vec<String>> {
        if path.global {
            return Some(path.segments.clone());
        }
        self.absolute(&path.segments)
    }

    /// The full path of a path in type or trait position, or the path as
    /// written when it cannot be resolved.
    pub fn resolve_path_text(&self, path: &syn::Path) -> Vec<String> {
        self.resolve_written_path_text(&WrittenPath::of(path))
    }

    /// [`Scope::resolve_path_text`] for a path kept as written.
    pub(crate) fn resolve_written_path_text(&self, path: &WrittenPath) -> Vec<String> {
        if path.global {
            return path.segments.clone();
        }
        self.absolute(&path.segments)
            .unwrap_or_else(|| path.segments.clone())
    }

    /// The full path of a macro: `println` → `std::println`,
    /// `info` after `use log::info;` → `log::info`.
    pub fn resolve_macro(&self, path: &syn::Path) -> Option<String> {
        self.resolve_macro_written(&WrittenPath::of(path))
    }

    /// [`Scope::resolve_macro`] for a path kept as written.
    pub(crate) fn resolve_macro_written(&self, path: &WrittenPath) -> Option<String> {
        let written = &path.segments;
        if path.global {
            return Some(written.join("::"));
        }
        if let [name] = written.as_slice() {
            if let Some(full) = self.lookup_name(name) {
                return Some(full.join("::"));
            }
            if STD_MACROS.contains(&name.as_str()) {
                return Some(format!("std::{name}"));
            }
            return None;
        }
        self.absolute(written).map(|full| full.join("::"))
    }

    /// Turns the path of a `use` item into a full path.
    pub(crate) fn absolutize_use(&self, path: &[String]) -> Vec<String> {
        let Some(first) = path.first() else {
            return Vec::new();
        };
        let module = self.index.module(self.module);
        match first.as_str() {
            "crate" | "self" | "super" => self.absolute(path).unwrap_or_else(|| path.to_vec()),
            name if declares(module, name) => {
                let mut full = module.full_path();
                full.extend(path.iter().cloned());
                full
            }
            _ => path.to_vec(),
        }
    }
}

fn declares(module: &super::Module<'_>, name: &str) -> bool {
    module.children.contains_key(name)
        || module.fns.contains_key(name)
        || module.types.contains_key(name)
        || module.statics.contains_key(name)
}

/// How many glob imports deep a name is looked for.
const MAX_GLOB_DEPTH: usize = 8;

/// A name in a module: declared there, imported there, or reached through
/// its glob imports (`depth` of them so far), as far as [`MAX_GLOB_DEPTH`]
/// globs deep.
fn lookup_in_module(
    index: &Index<'_>,
    module: ModuleId,
    name: &str,
    depth: usize,
) -> Option<Vec<String>> {
    let m = index.module(module);
    if declares(m, name) {
        let mut full = m.full_path();
        full.push(name.to_string());
        return Some(full);
    }
    if let Some(path) = m.imports.get(name) {
        return Some(path.clone());
    }
    if depth >= MAX_GLOB_DEPTH || m.globs.is_empty() {
        return None;
    }
    // Modules that glob-import each other (a child's `use super::*`, its
    // parent's `pub use child::*`) make the walk exponential in the depth
    // limit. The answer depends only on the module, the depth and the
    // name, so each is remembered and the walk is linear.
    if let Some(found) = index
        .lookups
        .borrow()
        .get(&(module, depth))
        .and_then(|names| names.get(name))
    {
        return found.clone();
    }
    let found = m.globs.iter().find_map(|glob| {
        let target = module_at(index, glob).filter(|&target| target != module)?;
        lookup_in_module(index, target, name, depth + 1)
    });
    index
        .lookups
        .borrow_mut()
        .entry((module, depth))
        .or_default()
        .insert(name.to_string(), found.clone());
    found
}

/// The module of this unit at a full path, if there is one.
fn module_at(index: &Index<'_>, path: &[String]) -> Option<ModuleId> {
    let (first, rest) = path.split_first()?;
    let root = index.crates.iter().find(|c| &c.name == first)?;
    let mut module = root.module;
    for segment in rest {
        module = *index.module(module).children.get(segment)?;
    }
    Some(module)
}

/// The identifiers of a path, generics dropped.
pub fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Flattens a `use` tree into `(name in scope, path, is_glob)` entries.
pub(crate) fn flatten_use_tree(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(String, Vec<String>, bool)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use_tree(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.push((last.clone(), prefix.clone(), false));
                }
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push((name, path, false));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            let ident = r.ident.to_string();
            if ident != "self" {
                path.push(ident);
            }
            out.push((r.rename.to_string(), path, false));
        }
        syn::UseTree::Glob(_) => out.push((String::new(), prefix.clone(), true)),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                flatten_use_tree(item, prefix, out);
            }
        }
    }
}
