//! The module tree and the items of each module.
//!
//! Crate roots come from the package layout (`src/lib.rs`, `src/main.rs`,
//! `src/bin/*.rs`, `[[bin]]` paths, …). Each `mod x;` is followed to `x.rs`
//! or `x/mod.rs` (or its `#[path]`) among the unit's files, as rustc does.
//! A file that no `mod` reaches (declared through a macro, or checked on its
//! own) still gets a module, with a path guessed from its location and
//! `orphan` set, so that its functions are indexed and checked.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use super::{
    outline, tokens_text, CrateRoot, FnDef, FnId, FnOwner, Index, Module, ModuleId, StaticDef,
    StaticId, StaticKind,
};
use crate::index::scope::Scope;
use crate::index::summary::BodySummary;

/// A crate root the package layout says exists.
#[derive(Clone, Debug)]
pub struct CrateTarget {
    /// The crate's name as written in paths (`my_crate`, with `_`).
    pub name: String,
    /// Absolute path of the root file.
    pub root: PathBuf,
    pub is_lib: bool,
    /// The package directory, used to place files no `mod` reaches.
    pub package_dir: Option<PathBuf>,
    /// The package's `[dependencies]`: name and version requirement (empty
    /// when not given, e.g. for a path or workspace dependency).
    pub dependencies: Vec<(String, String)>,
}

pub(super) fn build_module_tree(index: &mut Index<'_>, targets: &[CrateTarget]) {
    let files = index.files;
    let by_path: HashMap<&Path, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.source.path.as_path(), i))
        .collect();
    let mut assigned = vec![false; files.len()];

    let mut ordered: Vec<&CrateTarget> = targets.iter().collect();
    ordered.sort_by_key(|t| !t.is_lib);
    for target in ordered {
        let Some(&file) = by_path.get(target.root.as_path()) else {
            continue;
        };
        if assigned[file] {
            continue;
        }
        assigned[file] = true;
        let module = add_file_module(
            index,
            &by_path,
            &mut assigned,
            &target.name,
            vec![],
            file,
            None,
            false,
        );
        index.crates.push(CrateRoot {
            name: target.name.clone(),
            module,
            is_lib: target.is_lib,
            dependencies: target.dependencies.clone(),
        });
    }

    // Files no `mod` declaration reached, shallowest first so that a
    // `mod.rs` claims its children before they are placed on their own.
    let mut orphans: Vec<usize> = (0..files.len()).filter(|&i| !assigned[i]).collect();
    orphans.sort_by_cached_key(|&i| {
        (
            files[i].source.path.components().count(),
            files[i].source.path.clone(),
        )
    });
    let owners = package_owners(targets);
    for file in orphans {
        if assigned[file] {
            continue;
        }
        assigned[file] = true;
        let path = &files[file].source.path;
        let (crate_name, module_path) = guess_module(path, &owners);
        let module = add_file_module(
            index,
            &by_path,
            &mut assigned,
            &crate_name,
            module_path,
            file,
            None,
            true,
        );
        if !index.crates.iter().any(|c| c.name == crate_name) {
            index.crates.push(CrateRoot {
                name: crate_name,
                module,
                is_lib: false,
                dependencies: Vec::new(),
            });
        }
    }
}

/// Where rustc looks for the children of a module defined by `file`.
fn child_dir_of_file(file: &Path, mod_rs_style: bool) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    if mod_rs_style {
        return dir;
    }
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod") | Some("lib") | Some("main") | None => dir,
        Some(stem) => dir.join(stem),
    }
}

#[allow(clippy::too_many_arguments)]
fn add_file_module(
    index: &mut Index<'_>,
    by_path: &HashMap<&Path, usize>,
    assigned: &mut [bool],
    crate_name: &str,
    path: Vec<String>,
    file: usize,
    parent: Option<ModuleId>,
    orphan: bool,
) -> ModuleId {
    let files = index.files;
    let parsed = &files[file];
    let is_root = parent.is_none() && !orphan;
    let child_dir = child_dir_of_file(&parsed.source.path, is_root);
    add_module(
        index,
        by_path,
        assigned,
        crate_name,
        path,
        file,
        parent,
        &parsed.outline,
        child_dir,
        orphan,
    )
}

#[allow(clippy::too_many_arguments)]
fn add_module<'a>(
    index: &mut Index<'a>,
    by_path: &HashMap<&Path, usize>,
    assigned: &mut [bool],
    crate_name: &str,
    path: Vec<String>,
    file: usize,
    parent: Option<ModuleId>,
    items: &'a [outline::Item],
    child_dir: PathBuf,
    orphan: bool,
) -> ModuleId {
    let id = ModuleId(index.modules.len() as u32);
    index.modules.push(Module {
        id,
        crate_name: crate_name.to_string(),
        path: path.clone(),
        file,
        parent,
        items,
        children: HashMap::default(),
        fns: HashMap::default(),
        types: HashMap::default(),
        statics: HashMap::default(),
        imports: HashMap::default(),
        globs: Vec::new(),
        orphan,
    });
    let files = index.files;
    let file_dir = files[file]
        .source
        .path
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    for item in items {
        // Children may be other files; name this one again for each item.
        crate::guard::enter_file(files[file].source.id);
        let outline::Item::Mod(item_mod) = item else {
            continue;
        };
        let name = item_mod.name.clone();
        let mut child_path = path.clone();
        child_path.push(name.clone());
        let path_attr = &item_mod.path_attr;
        let child = if let Some(inline_items) = &item_mod.content {
            let dir = match &path_attr {
                Some(p) => child_dir.join(p),
                None => child_dir.join(&name),
            };
            Some(add_module(
                index,
                by_path,
                assigned,
                crate_name,
                child_path,
                file,
                Some(id),
                inline_items,
                dir,
                orphan,
            ))
        } else {
            let candidates = match &path_attr {
                Some(p) => {
                    let base = if parent.is_none() || child_dir == file_dir {
                        &file_dir
                    } else {
                        &child_dir
                    };
                    vec![base.join(p)]
                }
                None => vec![
                    child_dir.join(format!("{name}.rs")),
                    child_dir.join(&name).join("mod.rs"),
                ],
            };
            candidates
                .iter()
                .find_map(|c| by_path.get(normalize(c).as_path()).copied())
                .filter(|&f| !assigned[f])
                .map(|f| {
                    assigned[f] = true;
                    let child_file = &files[f].source.path;
                    let dir = child_dir_of_file(child_file, path_attr.is_some());
                    add_module(
                        index,
                        by_path,
                        assigned,
                        crate_name,
                        child_path,
                        f,
                        Some(id),
                        &files[f].outline,
                        dir,
                        orphan,
                    )
                })
        };
        if let Some(child) = child {
            index.modules[id.0 as usize].children.insert(name, child);
        }
    }
    id
}

/// Removes `.` and `..` components without touching the file system, so that
/// `#[path = "../x.rs"]` finds the file under its discovered path.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Per package directory, the target that owns the files no `mod`
/// reaches: its library, else its last target. A package has as many
/// targets as test and example files, so choosing among packages rather
/// than targets keeps placing the orphans linear.
fn package_owners(targets: &[CrateTarget]) -> Vec<&CrateTarget> {
    let mut owners: Vec<&CrateTarget> = Vec::new();
    let mut by_dir: HashMap<&Path, usize> = HashMap::default();
    for target in targets {
        let Some(dir) = target.package_dir.as_deref() else {
            continue;
        };
        match by_dir.get(dir) {
            // As `max_by_key` does: the last of the best.
            Some(&i) if target.is_lib >= owners[i].is_lib => owners[i] = target,
            Some(_) => {}
            None => {
                by_dir.insert(dir, owners.len());
                owners.push(target);
            }
        }
    }
    owners
}

/// The crate and module path of a file no `mod` declaration reached.
fn guess_module(path: &Path, targets: &[&CrateTarget]) -> (String, Vec<String>) {
    let owner = targets
        .iter()
        .filter(|t| t.package_dir.as_ref().is_some_and(|d| path.starts_with(d)))
        .max_by_key(|t| {
            (
                t.package_dir.as_ref().map_or(0, |d| d.components().count()),
                t.is_lib,
            )
        });
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("main")
        .replace('-', "_");
    let Some(owner) = owner else {
        return (stem, Vec::new());
    };
    let package_dir = owner.package_dir.as_ref().expect("filtered above");
    let src = package_dir.join("src");
    let relative = path
        .strip_prefix(&src)
        .or_else(|_| path.strip_prefix(package_dir))
        .unwrap_or(path);
    let mut module_path: Vec<String> = relative
        .with_extension("")
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(|s| s.replace('-', "_")))
        .collect();
    if module_path
        .last()
        .is_some_and(|last| last == "mod" || last == "lib" || last == "main")
    {
        module_path.pop();
    }
    (owner.name.clone(), module_path)
}

/// Records every item of every module: functions, types, statics, imports,
/// impl and trait methods. Imports and names first, then impls, whose self
/// types are resolved through those imports.
pub(super) fn collect_items(index: &mut Index<'_>) {
    for m in 0..index.modules.len() {
        let module_id = ModuleId(m as u32);
        let files = index.files;
        let file = &files[index.modules[m].file];
        crate::guard::enter_file(file.source.id);
        let items = index.modules[m].items;
        let module_path = index.modules[m].full_path();
        for item in items {
            match item {
                outline::Item::Use(imports) => {
                    for (name, path, glob) in imports {
                        let full = Scope::of_module(index, module_id).absolutize_use(path);
                        let module = &mut index.modules[m];
                        if *glob {
                            module.globs.push(full);
                        } else if name != "_" {
                            module.imports.insert(name.clone(), full);
                        }
                    }
                }
                outline::Item::Fn(fn_item) => {
                    let item_fn = &fn_item.item;
                    let parts = FnParts::of(
                        fn_item,
                        &item_fn.attrs,
                        Some(&item_fn.vis),
                        &item_fn.sig,
                        Some(&item_fn.block),
                    );
                    let id = push_fn(index, module_id, FnOwner::Module, &module_path, parts);
                    index.modules[m]
                        .fns
                        .insert(item_fn.sig.ident.to_string(), id);
                }
                outline::Item::Type(type_item) => {
                    index.modules[m].types.insert(type_item.name.clone(), ());
                }
                outline::Item::Trait(trait_item) => {
                    index.modules[m].types.insert(trait_item.name.clone(), ());
                }
                outline::Item::Static(s) => {
                    let span = file.span(s.span);
                    push_static(
                        index,
                        module_id,
                        None,
                        s.name.clone(),
                        s.kind,
                        s.ty.clone(),
                        span,
                    );
                }
                outline::Item::Macro(item_macro) => {
                    let macro_fn = if file.macro_fns.is_empty() {
                        None
                    } else {
                        let start = item_macro.path_start.byte_range().start;
                        file.macro_fns
                            .iter()
                            .find(|f| f.macro_start.byte_range().start == start)
                    };
                    if item_macro.statics.is_empty() && macro_fn.is_none() {
                        continue;
                    }
                    let span = file.span(item_macro.span);
                    for (name, kind, ty) in &item_macro.statics {
                        push_static(
                            index,
                            module_id,
                            None,
                            name.clone(),
                            *kind,
                            ty.clone(),
                            span,
                        );
                    }
                    if let Some(macro_fn) = macro_fn {
                        let item_fn = &macro_fn.item;
                        let parts = FnParts {
                            attrs: &item_fn.attrs,
                            vis: Some(&item_fn.vis),
                            sig: &item_fn.sig,
                            body: Some((&item_fn.block, file.body(&item_fn.block))),
                            item_span: span,
                            name_span: file.span(item_fn.sig.ident.span()),
                        };
                        let id = push_fn(index, module_id, FnOwner::Module, &module_path, parts);
                        index.modules[m]
                            .fns
                            .insert(item_fn.sig.ident.to_string(), id);
                    }
                }
                outline::Item::Mod(_) | outline::Item::Impl(_) => {}
            }
        }
    }
    // Every module's names are known from here on; nothing looked up
    // before this point may be remembered.
    index.lookups.get_mut().clear();
    for m in 0..index.modules.len() {
        let module_id = ModuleId(m as u32);
        crate::guard::enter_file(index.files[index.modules[m].file].source.id);
        for item in index.modules[m].items {
            match item {
                outline::Item::Impl(block) => collect_impl(index, module_id, block),
                outline::Item::Trait(item_trait) => collect_trait(index, module_id, item_trait),
                _ => {}
            }
        }
    }
}

fn collect_impl<'a>(index: &mut Index<'a>, module: ModuleId, block: &'a outline::ImplBlock) {
    let scope = Scope::of_module(index, module);
    let self_ty = block
        .self_ty
        .as_ref()
        .and_then(|path| scope.resolve_type_path(path));
    let trait_path = block
        .trait_path
        .as_ref()
        .map(|path| scope.resolve_written_path_text(path));
    let owner_path = self_ty.clone().unwrap_or_else(|| vec![block.self_text()]);
    let mut prefix = index.module(module).full_path();
    if let Some(last) = owner_path.last() {
        prefix.push(last.clone());
    }
    for function in &block.methods {
        let method = &function.item;
        let parts = FnParts::of(
            function,
            &method.attrs,
            Some(&method.vis),
            &method.sig,
            Some(&method.block),
        );
        let owner = FnOwner::Impl {
            self_ty: self_ty.clone(),
            trait_path: trait_path.clone(),
        };
        let id = push_fn(index, module, owner, &prefix, parts);
        if let Some(ty) = &self_ty {
            index
                .methods
                .entry((ty.clone(), method.sig.ident.to_string()))
                .or_default()
                .push(id);
        }
    }
}

fn collect_trait<'a>(index: &mut Index<'a>, module: ModuleId, item_trait: &'a outline::TraitItem) {
    let mut trait_path = index.module(module).full_path();
    trait_path.push(item_trait.name.clone());
    for function in &item_trait.methods {
        let method = &function.item;
        let parts = FnParts::of(
            function,
            &method.attrs,
            None,
            &method.sig,
            method.default.as_ref(),
        );
        let owner = FnOwner::Trait {
            trait_path: trait_path.clone(),
        };
        let id = push_fn(index, module, owner, &trait_path, parts);
        index
            .methods
            .entry((trait_path.clone(), method.sig.ident.to_string()))
            .or_default()
            .push(id);
    }
}

/// What a function is made of, as the outline or a body's summary holds it.
pub(super) struct FnParts<'a> {
    pub attrs: &'a [syn::Attribute],
    pub vis: Option<&'a syn::Visibility>,
    pub sig: &'a syn::Signature,
    pub body: Option<(&'a syn::Block, &'a BodySummary)>,
    /// The whole item, attributes included.
    pub item_span: crate::source::Span,
    pub name_span: crate::source::Span,
}

impl<'a> FnParts<'a> {
    /// The parts of a function of the outline.
    fn of<T>(
        function: &'a outline::Function<T>,
        attrs: &'a [syn::Attribute],
        vis: Option<&'a syn::Visibility>,
        sig: &'a syn::Signature,
        block: Option<&'a syn::Block>,
    ) -> FnParts<'a> {
        FnParts {
            attrs,
            vis,
            sig,
            body: block.zip(function.body.as_ref()),
            item_span: function.span,
            name_span: function.name_span,
        }
    }
}

pub(super) fn push_fn<'a>(
    index: &mut Index<'a>,
    module: ModuleId,
    owner: FnOwner,
    prefix: &[String],
    parts: FnParts<'a>,
) -> FnId {
    let id = FnId(index.fns.len() as u32);
    let file = index.module(module).file;
    let name = parts.sig.ident.to_string();
    let qualified_name = format!("{}::{}", prefix.join("::"), name);
    index.fns.push(FnDef {
        id,
        name,
        qualified_name,
        module,
        file,
        owner,
        attrs: parts.attrs,
        vis: parts.vis,
        sig: parts.sig,
        block: parts.body.map(|(block, _)| block),
        body: parts.body.map(|(_, summary)| summary),
        item_span: parts.item_span,
        name_span: parts.name_span,
        calls: Vec::new(),
        static_uses: Vec::new(),
        fn_refs: Vec::new(),
        local_items: None,
    });
    id
}

pub(super) fn push_static(
    index: &mut Index<'_>,
    module: ModuleId,
    in_fn: Option<FnId>,
    name: String,
    kind: StaticKind,
    ty: String,
    span: crate::source::Span,
) -> StaticId {
    let id = StaticId(index.statics.len() as u32);
    let prefix = match in_fn {
        Some(f) => index.function(f).qualified_name.clone(),
        None => index.module(module).full_path().join("::"),
    };
    index.statics.push(StaticDef {
        id,
        qualified_name: format!("{prefix}::{name}"),
        name: name.clone(),
        module,
        kind,
        ty,
        in_fn,
        span,
    });
    if in_fn.is_none() {
        index.modules[module.0 as usize].statics.insert(name, id);
    }
    id
}

/// The name, kind and type text of a `static` item.
pub(super) fn static_item(s: &syn::ItemStatic) -> (String, StaticKind, String) {
    let kind = if matches!(s.mutability, syn::StaticMutability::Mut(_)) {
        StaticKind::StaticMut
    } else {
        StaticKind::Static
    };
    (s.ident.to_string(), kind, tokens_text(&s.ty))
}

/// The kind of the statics a macro declares, for `thread_local!` and
/// `lazy_static!` (by the path's last segment).
pub(super) fn static_macro_kind(mac: &syn::Macro) -> Option<StaticKind> {
    let last = &mac.path.segments.last()?.ident;
    if last == "thread_local" {
        Some(StaticKind::ThreadLocal)
    } else if last == "lazy_static" {
        Some(StaticKind::LazyStatic)
    } else {
        None
    }
}

/// The statics a `thread_local!` or `lazy_static!` invocation declares:
/// `static [ref] NAME: TYPE = ...;`, found by scanning its tokens.
pub(super) fn statics_in_macro(mac: &syn::Macro) -> Vec<(String, StaticKind, String)> {
    let Some(kind) = static_macro_kind(mac) else {
        return Vec::new();
    };
    let tokens: Vec<proc_macro2::TokenTree> = mac.tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let is_static = matches!(&tokens[i], proc_macro2::TokenTree::Ident(id) if id == "static");
        if !is_static {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if matches!(tokens.get(j), Some(proc_macro2::TokenTree::Ident(id)) if id == "ref") {
            j += 1;
        }
        let Some(proc_macro2::TokenTree::Ident(name)) = tokens.get(j) else {
            i += 1;
            continue;
        };
        let mut ty = String::new();
        let mut k = j + 1;
        if matches!(tokens.get(k), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ':') {
            k += 1;
            while let Some(token) = tokens.get(k) {
                if matches!(token, proc_macro2::TokenTree::Punct(p) if p.as_char() == '=') {
                    break;
                }
                ty.push_str(&token.to_string());
                k += 1;
            }
        }
        out.push((name.to_string(), kind, ty.split_whitespace().collect()));
        i = k;
    }
    out
}
