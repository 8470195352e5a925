//! What a function's signature (and its effects) say before its body is
//! looked at: reasons not to consider it at all (memoized, returns
//! nothing, a `&mut` or interior-mutable parameter, a callback, an effect,
//! an output-bounded enumeration), and reasons a cache wrapper could not be
//! added automatically (generic, `async`, `const`, `unsafe`, `self`,
//! parameters that cannot be a key).

use std::collections::{HashMap, HashSet};

use syn::visit::Visit;

use super::Exclusion;
use crate::analyze::Effects;
use crate::index::outline::{self, TypeKind};
use crate::index::{tokens_text, FnDef, FnId, FnOwner, Index, ModuleId};

/// The cheap reasons not to look at a function's calls at all.
pub(super) fn exclusion(
    function: &FnDef<'_>,
    sig: &syn::Signature,
    cycle: &[FnId],
    memoized: &HashSet<FnId>,
    effects: &Effects,
) -> Option<Exclusion> {
    if !function.has_body() {
        return Some(Exclusion::NoBody);
    }
    if cycle.iter().any(|f| memoized.contains(f)) {
        return Some(Exclusion::Memoized);
    }
    let callbacks = callback_generics(&sig.generics);
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(receiver) => {
                let by_mut_ref = receiver.reference.is_some() && receiver.mutability.is_some();
                let typed_mut =
                    matches!(&*receiver.ty, syn::Type::Reference(r) if r.mutability.is_some());
                if by_mut_ref || typed_mut {
                    return Some(Exclusion::MutableParameter("self".to_string()));
                }
            }
            syn::FnArg::Typed(pat_type) => {
                let name = match &*pat_type.pat {
                    syn::Pat::Ident(ident) => ident.ident.to_string(),
                    other => tokens_text(other),
                };
                let mut seen = TypeFacts::new(&callbacks);
                seen.visit_type(&pat_type.ty);
                if seen.mut_ref {
                    return Some(Exclusion::MutableParameter(name));
                }
                if seen.interior_mutability {
                    return Some(Exclusion::InteriorMutability(name));
                }
                if seen.callback {
                    return Some(Exclusion::Callback(name));
                }
            }
        }
    }
    match &sig.output {
        syn::ReturnType::Default => return Some(Exclusion::ReturnsNothing),
        syn::ReturnType::Type(_, ty) => {
            if matches!(&**ty, syn::Type::Never(_))
                || matches!(&**ty, syn::Type::Tuple(t) if t.elems.is_empty())
            {
                return Some(Exclusion::ReturnsNothing);
            }
        }
    }
    if !effects.is_pure(function.id) {
        return Some(Exclusion::Impure);
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        if nests_collections(ty, false) {
            return Some(Exclusion::OutputBounded);
        }
    }
    None
}

/// The crate's own struct and enum definitions, found on demand: a
/// parameter (or `self`) of such a type hides state in its fields.
pub(super) struct TypeDefs<'i, 'a> {
    index: &'i Index<'a>,
    /// Modules by full path, built the first time a type is looked up.
    modules: Option<HashMap<Vec<String>, ModuleId>>,
}

impl<'i, 'a> TypeDefs<'i, 'a> {
    pub fn new(index: &'i Index<'a>) -> TypeDefs<'i, 'a> {
        TypeDefs {
            index,
            modules: None,
        }
    }

    /// What the fields of the crate type at `path` say about purity.
    fn fields_of(&mut self, path: &[String]) -> Option<(bool, bool)> {
        let (name, module_path) = path.split_last()?;
        let index = self.index;
        let modules = self.modules.get_or_insert_with(|| {
            index
                .modules
                .iter()
                .map(|m| (m.full_path(), m.id))
                .collect()
        });
        let module = index.module(*modules.get(module_path)?);
        let no_callbacks = HashSet::new();
        let mut facts = TypeFacts::new(&no_callbacks);
        let mut found = false;
        for item in module.items {
            let outline::Item::Type(item) = item else {
                continue;
            };
            let named =
                matches!(item.kind, TypeKind::Struct | TypeKind::Enum) && item.name == *name;
            if !named {
                continue;
            }
            found = true;
            for fields in index.type_fields(module, item).unwrap_or_default() {
                facts.visit_fields(&fields);
            }
        }
        found.then_some((facts.interior_mutability, facts.callback))
    }
}

/// A parameter (or `self`) whose type is one of the crate's structs with
/// interior mutability or a callback in its fields: its methods may read or
/// change state a cache key does not see (`self.memo: RefCell<HashMap>`).
pub(super) fn hidden_state(
    function: &FnDef<'_>,
    sig: &syn::Signature,
    defs: &mut TypeDefs<'_, '_>,
) -> Option<Exclusion> {
    let index = defs.index;
    let scope = index.scope_of(function.id);
    for input in &sig.inputs {
        let (name, path) = match input {
            syn::FnArg::Receiver(_) => match &function.owner {
                FnOwner::Impl {
                    self_ty: Some(path),
                    ..
                } => ("self".to_string(), Some(path.clone())),
                _ => continue,
            },
            syn::FnArg::Typed(pat_type) => (
                match &*pat_type.pat {
                    syn::Pat::Ident(ident) => ident.ident.to_string(),
                    other => tokens_text(other),
                },
                scope.resolve_type(&pat_type.ty),
            ),
        };
        let Some(path) = path else {
            continue;
        };
        let is_local = index.crates.iter().any(|c| Some(&c.name) == path.first());
        if !is_local {
            continue;
        }
        match defs.fields_of(&path) {
            Some((true, _)) => return Some(Exclusion::InteriorMutability(name)),
            Some((_, true)) => return Some(Exclusion::Callback(name)),
            _ => {}
        }
    }
    None
}

/// Type names whose values change behind a shared reference.
const INTERIOR_MUTABLE: &[&str] = &[
    "Cell",
    "RefCell",
    "UnsafeCell",
    "OnceCell",
    "Mutex",
    "RwLock",
    "OnceLock",
    "Sender",
    "SyncSender",
    "Receiver",
    "DashMap",
    "DashSet",
    "ArcSwap",
];
/// Collection types, for output-bounded enumerations.
const COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "LinkedList",
    "HashSet",
    "BTreeSet",
    "HashMap",
    "BTreeMap",
    "BinaryHeap",
    "IndexSet",
    "IndexMap",
];

/// What a parameter's type says about purity.
struct TypeFacts<'g> {
    callbacks: &'g HashSet<String>,
    mut_ref: bool,
    interior_mutability: bool,
    callback: bool,
}

impl<'g> TypeFacts<'g> {
    fn new(callbacks: &'g HashSet<String>) -> TypeFacts<'g> {
        TypeFacts {
            callbacks,
            mut_ref: false,
            interior_mutability: false,
            callback: false,
        }
    }
}

impl<'ast> Visit<'ast> for TypeFacts<'_> {
    fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
        self.mut_ref |= r.mutability.is_some();
        syn::visit::visit_type_reference(self, r);
    }
    fn visit_type_ptr(&mut self, p: &'ast syn::TypePtr) {
        self.mut_ref |= p.mutability.is_some();
        syn::visit::visit_type_ptr(self, p);
    }
    fn visit_type_trait_object(&mut self, _: &'ast syn::TypeTraitObject) {
        self.callback = true;
    }
    fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
        self.callback = true;
    }
    fn visit_type_bare_fn(&mut self, _: &'ast syn::TypeBareFn) {
        self.callback = true;
    }
    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        let name = segment.ident.to_string();
        if INTERIOR_MUTABLE.contains(&name.as_str()) || name.starts_with("Atomic") {
            self.interior_mutability = true;
        }
        if self.callbacks.contains(&name) {
            self.callback = true;
        }
        syn::visit::visit_path_segment(self, segment);
    }
}

/// Type parameters bounded by `Fn`, `FnMut` or `FnOnce`.
fn callback_generics(generics: &syn::Generics) -> HashSet<String> {
    let is_fn_bound = |bound: &syn::TypeParamBound| match bound {
        syn::TypeParamBound::Trait(t) => t
            .path
            .segments
            .last()
            .is_some_and(|s| matches!(s.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")),
        _ => false,
    };
    let mut names = HashSet::new();
    for param in generics.type_params() {
        if param.bounds.iter().any(is_fn_bound) {
            names.insert(param.ident.to_string());
        }
    }
    if let Some(where_clause) = &generics.where_clause {
        for predicate in &where_clause.predicates {
            if let syn::WherePredicate::Type(t) = predicate {
                if t.bounds.iter().any(is_fn_bound) {
                    if let syn::Type::Path(p) = &t.bounded_ty {
                        if let Some(ident) = p.path.get_ident() {
                            names.insert(ident.to_string());
                        }
                    }
                }
            }
        }
    }
    names
}

/// Whether a type is a collection of collections (or of strings), possibly
/// inside `Option`/`Result`: `Vec<Vec<T>>`, `HashSet<String>`.
fn nests_collections(ty: &syn::Type, inside_collection: bool) -> bool {
    match ty {
        syn::Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            let is_collection = COLLECTIONS.contains(&name.as_str());
            if inside_collection && (is_collection || name == "String" || name == "str") {
                return true;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return false;
            };
            args.args.iter().any(|arg| match arg {
                syn::GenericArgument::Type(inner) => {
                    nests_collections(inner, inside_collection || is_collection)
                }
                _ => false,
            })
        }
        syn::Type::Tuple(t) => t
            .elems
            .iter()
            .any(|e| nests_collections(e, inside_collection)),
        syn::Type::Reference(r) => inside_collection && nests_collections(&r.elem, true),
        syn::Type::Slice(s) => inside_collection || nests_collections(&s.elem, true),
        syn::Type::Array(a) => nests_collections(&a.elem, inside_collection),
        syn::Type::Paren(p) => nests_collections(&p.elem, inside_collection),
        syn::Type::Group(g) => nests_collections(&g.elem, inside_collection),
        _ => false,
    }
}

/// Why a cache wrapper could not be added to `function` automatically.
pub(super) fn no_fix_reasons(function: &FnDef<'_>, sig: &syn::Signature) -> Vec<String> {
    let mut reasons = Vec::new();
    let generic = sig
        .generics
        .params
        .iter()
        .any(|p| !matches!(p, syn::GenericParam::Lifetime(_)));
    if generic {
        reasons.push("it is generic; the cache needs one key and value type".to_string());
    }
    if sig.asyncness.is_some() {
        reasons.push("it is `async`".to_string());
    }
    if sig.constness.is_some() {
        reasons.push("it is a `const fn`".to_string());
    }
    if sig.unsafety.is_some() {
        reasons.push("it is `unsafe`".to_string());
    }
    if sig.abi.is_some() {
        reasons.push("it has a foreign ABI".to_string());
    }
    if sig.receiver().is_some() {
        reasons.push("it takes `self`, which would have to be part of the key".to_string());
    }
    match &function.owner {
        FnOwner::Impl {
            trait_path: Some(_),
            ..
        }
        | FnOwner::Trait { .. } => {
            reasons.push("it implements a trait method; new methods cannot be added there".into())
        }
        _ => {}
    }
    for input in &sig.inputs {
        let syn::FnArg::Typed(pat_type) = input else {
            continue;
        };
        let syn::Pat::Ident(ident) = &*pat_type.pat else {
            reasons.push("a parameter is a pattern, not a name".to_string());
            continue;
        };
        let name = ident.ident.to_string();
        let ty = tokens_text(&*pat_type.ty);
        let words = || ty.split(|c: char| !(c.is_alphanumeric() || c == '_'));
        if ty.contains('*') {
            reasons.push(format!("`{name}` is a raw pointer, which cannot be a key"));
        } else if !matches!(ty.as_str(), "f32" | "f64") && words().any(|w| w == "f32" || w == "f64")
        {
            reasons.push(format!(
                "`{name}` contains floating-point numbers, which are not `Hash`"
            ));
        }
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        let text = tokens_text(&**ty);
        if text.starts_with('&') {
            reasons.push("it returns a reference, which a cache cannot hand out".to_string());
        }
    }
    reasons
}
