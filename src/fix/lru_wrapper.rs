//! The ML201 fix: memoize a pure recursive function with a runtime LRU
//! cache, in the shape DESIGN.md gives.
//!
//! ```text
//! pub fn fib(n: u64) -> u64 {            // the original name, docs, attributes
//!     let key = n;                        // arguments → key
//!     if let Some(value) = FIB_CACHE.with(|cache| cache.borrow_mut().get(&key).cloned()) {
//!         ...count a hit...; return value;
//!     }                                   // the borrow ends here, before recursing
//!     ...count a miss...
//!     let value = fib_uncached(n);        // recursive calls inside hit the cache
//!     FIB_CACHE.with(|cache| cache.borrow_mut().put(key, value.clone()));
//!     value
//! }
//! pub fn fib_uncached(n: u64) -> u64 { <the original body, byte for byte> }
//! pub fn fib_cache_info() -> FibCacheInfo { ... }   // hits, misses, capacity, size
//! pub fn fib_cache_clear() { ... }
//! thread_local! { static FIB_CACHE: RefCell<lru::LruCache<u64, u64>> = ...; ... }
//! pub struct FibCacheInfo { hits, misses, capacity, size }
//! ```
//!
//! Methods of inherent `impl` blocks get the same functions as associated
//! functions, and the statics and the info struct after the `impl` block.
//! When the package already depends on `cached`, a free function whose
//! arguments are plain owned values gets `#[cached::cached(size = N)]`
//! instead (`cached::proc_macro::cached` before 1.0), never `sync_writes`,
//! which would deadlock on the recursive call.
//!
//! Every reason not to offer a fix is returned as text for the finding.

use syn::spanned::Spanned;

use crate::diagnostic::{Applicability, Dependency, Edit, Fix};
use crate::index::{outline, FnDef, FnId, FnOwner, Index, ParsedFile};
use crate::source::Span;

/// The `lru` requirement added to `Cargo.toml`.
pub const LRU_VERSION: &str = "0.16";

/// Integer-like types that are `Copy + Hash + Eq`.
const PLAIN_KEYS: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "bool",
    "char",
];

/// How one parameter becomes part of the key.
struct KeyPart {
    /// The parameter's name.
    name: String,
    /// The key's type (`String` for `&str`).
    ty: String,
    /// The expression that builds it from the parameter.
    expr: String,
    /// Whether the type is known to be `Hash + Eq + Clone`.
    known_hashable: bool,
}

/// The fix for `function`, or why there is none.
pub fn wrapper_fix(index: &Index<'_>, function: FnId, capacity: usize) -> Result<Fix, String> {
    let f = index.function(function);
    let file = index.file_of(f);
    let sig = index
        .signature(f)
        .ok_or("its file no longer parses as it did")?;
    let body_span = f.body_span().ok_or("it has no body")?;
    check_signature(f, sig)?;
    let return_type = match &sig.output {
        syn::ReturnType::Default => {
            return Err("it returns nothing, so there is nothing to cache".into())
        }
        syn::ReturnType::Type(_, ty) => ty,
    };
    let value_type = value_type(file, return_type)?;
    let parts: Vec<KeyPart> = sig
        .inputs
        .iter()
        .map(|input| key_part(file, input))
        .collect::<Result<_, _>>()?;
    if parts.is_empty() {
        return Err("it takes no arguments; a `OnceLock` fits better than an LRU cache".into());
    }

    let crate_root = index.crate_of(f.module);
    let cached_version = crate_root.and_then(|c| {
        c.dependencies
            .iter()
            .find(|(name, _)| name == "cached")
            .map(|(_, version)| version.clone())
    });
    if let Some(version) = cached_version {
        // `cached` keys on the arguments themselves: they must be owned.
        let owned = sig.inputs.iter().all(|input| {
            matches!(input, syn::FnArg::Typed(t) if !matches!(*t.ty, syn::Type::Reference(_)))
        });
        let plain = parts
            .iter()
            .all(|p| p.expr == p.name || p.expr == format!("{}.clone()", p.name));
        if matches!(f.owner, FnOwner::Module) && owned && plain {
            return Ok(cached_attribute_fix(file, f, sig, &version, capacity));
        }
    }

    let names = Names::new(f);
    if let Some(taken) = names.taken(index, f) {
        return Err(format!("the name `{taken}` it would add is already used"));
    }
    let text = &file.source.text;
    let indent = indent_of(text, f.item_span.start);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let vis = f
        .vis
        .map(|v| file.source.slice(file.span(v.span())).to_string())
        .filter(|v| !v.is_empty())
        .map(|v| v + " ")
        .unwrap_or_default();

    let key_type = match parts.as_slice() {
        [one] => one.ty.clone(),
        many => format!(
            "({})",
            many.iter()
                .map(|p| p.ty.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let key_expr = match parts.as_slice() {
        [one] => one.expr.clone(),
        many => format!(
            "({})",
            many.iter()
                .map(|p| p.expr.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let args = parts
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");

    // 1. The signature (without `mut` on parameters: the wrapper does not
    //    mutate them) and the wrapper body replace the original ones.
    let sig_span = file.span(sig.span());
    let wrapper_sig = sig_without_mut(file, sig);
    let uncached_call = match names.is_method {
        true => format!("Self::{}", names.uncached),
        false => names.uncached.clone(),
    };
    let body = format!(
        "{{\n\
         {i}    let key = {key_expr};\n\
         {i}    let hit = {cache}.with(|cache| cache.borrow_mut().get(&key).cloned());\n\
         {i}    if let Some(value) = hit {{\n\
         {i}        {hits}.with(|hits| hits.set(hits.get() + 1));\n\
         {i}        return value;\n\
         {i}    }}\n\
         {i}    {misses}.with(|misses| misses.set(misses.get() + 1));\n\
         {i}    let value = {uncached_call}({args});\n\
         {i}    {cache}.with(|cache| cache.borrow_mut().put(key, {value_copy}));\n\
         {i}    value\n\
         {i}}}",
        i = indent,
        cache = names.cache,
        hits = names.hits,
        misses = names.misses,
        value_copy = if PLAIN_KEYS.contains(&value_type.as_str()) {
            "value"
        } else {
            "value.clone()"
        },
    );
    let mut edits = vec![Edit {
        span: sig_span.to(body_span),
        replacement: to_newlines(&format!("{wrapper_sig} {body}"), newline),
    }];

    // 2. After the function: the original body under a new name, and the
    //    companions.
    let original_sig = file.source.slice(sig_span);
    let name_span = f.name_span;
    let uncached_sig = format!(
        "{}{}{}",
        &original_sig[..name_span.start - sig_span.start],
        names.uncached,
        &original_sig[name_span.end - sig_span.start..],
    );
    let original_body = file.source.slice(body_span);
    let companions = format!(
        "\n\n\
         {i}/// `{name}` without its cache: the original body.\n\
         {i}{vis}{uncached_sig} {original_body}\n\
         \n\
         {i}/// Hits, misses, capacity and current size of `{name}`'s cache on this thread,\n\
         {i}/// like `functools.lru_cache`'s `cache_info()`.\n\
         {i}{vis}fn {info_fn}() -> {info} {{\n\
         {i}    {cache}.with(|cache| {{\n\
         {i}        let cache = cache.borrow();\n\
         {i}        {info} {{\n\
         {i}            hits: {hits}.with(|hits| hits.get()),\n\
         {i}            misses: {misses}.with(|misses| misses.get()),\n\
         {i}            capacity: cache.cap().get(),\n\
         {i}            size: cache.len(),\n\
         {i}        }}\n\
         {i}    }})\n\
         {i}}}\n\
         \n\
         {i}/// Empties `{name}`'s cache on this thread and resets its statistics.\n\
         {i}{vis}fn {clear_fn}() {{\n\
         {i}    {cache}.with(|cache| cache.borrow_mut().clear());\n\
         {i}    {hits}.with(|hits| hits.set(0));\n\
         {i}    {misses}.with(|misses| misses.set(0));\n\
         {i}}}",
        i = indent,
        name = f.name,
        info_fn = names.info_fn,
        clear_fn = names.clear_fn,
        info = names.info_type,
        cache = names.cache,
        hits = names.hits,
        misses = names.misses,
    );
    let item_end = f.item_span.end;

    // 3. The cache and the info type, at item level: right after a free or
    //    nested function, after the `impl` block for a method.
    let (statics_at, statics_indent) = if names.is_method {
        let impl_span = enclosing_impl(file, f).ok_or("its `impl` block was not found")?;
        (impl_span.end, indent_of(text, impl_span.start))
    } else {
        (item_end, indent.clone())
    };
    let statics = format!(
        "\n\n\
         {i}/// The cache of `{name}`: arguments → result.\n\
         {i}type {lru_type} = ::lru::LruCache<{key_type}, {value_type}>;\n\
         \n\
         {i}thread_local! {{\n\
         {i}    static {cache}: ::std::cell::RefCell<{lru_type}> =\n\
         {i}        ::std::cell::RefCell::new(::lru::LruCache::new(\n\
         {i}            ::std::num::NonZeroUsize::new({capacity}).expect(\"the capacity is not zero\"),\n\
         {i}        ));\n\
         {i}    static {hits}: ::std::cell::Cell<u64> = const {{ ::std::cell::Cell::new(0) }};\n\
         {i}    static {misses}: ::std::cell::Cell<u64> = const {{ ::std::cell::Cell::new(0) }};\n\
         {i}}}\n\
         \n\
         {i}/// Statistics of `{name}`'s cache, from `{info_fn}()`.\n\
         {i}#[derive(Clone, Copy, Debug, PartialEq, Eq)]\n\
         {i}{vis}struct {info} {{\n\
         {i}    pub hits: u64,\n\
         {i}    pub misses: u64,\n\
         {i}    pub capacity: usize,\n\
         {i}    pub size: usize,\n\
         {i}}}",
        i = statics_indent,
        name = f.name,
        info_fn = names.info_fn,
        info = names.info_type,
        lru_type = names.lru_type,
        cache = names.cache,
        hits = names.hits,
        misses = names.misses,
    );
    let insertion = if statics_at == item_end {
        format!("{companions}{statics}")
    } else {
        edits.push(Edit {
            span: Span::new(file.source.id, statics_at..statics_at),
            replacement: to_newlines(&statics, newline),
        });
        companions
    };
    edits.push(Edit {
        span: Span::new(file.source.id, item_end..item_end),
        replacement: to_newlines(&insertion, newline),
    });
    edits.sort_by_key(|e| e.span.start);

    let unknown: Vec<&str> = parts
        .iter()
        .filter(|p| !p.known_hashable)
        .map(|p| p.ty.as_str())
        .collect();
    let applicability = if unknown.is_empty() && is_known_clone(&value_type) {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    Ok(Fix {
        message: format!(
            "memoize `{}` with a thread-local LRU cache of {capacity} entries (`{}` holds the original)",
            f.name, names.uncached
        ),
        applicability,
        edits,
        dependency: Some(Dependency {
            name: "lru".to_string(),
            version: LRU_VERSION.to_string(),
        }),
    })
}

/// Rejects what the wrapper cannot wrap.
fn check_signature(f: &FnDef<'_>, sig: &syn::Signature) -> Result<(), String> {
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err("it is generic; the cache needs one key and value type".into());
    }
    if sig.asyncness.is_some() {
        return Err("it is `async`".into());
    }
    if sig.constness.is_some() {
        return Err("it is a `const fn`".into());
    }
    if sig.unsafety.is_some() {
        return Err("it is `unsafe`".into());
    }
    if sig.abi.is_some() || sig.variadic.is_some() {
        return Err("it has a foreign ABI".into());
    }
    if sig.receiver().is_some() {
        return Err("it takes `self`, which would have to be part of the key".into());
    }
    match &f.owner {
        FnOwner::Impl {
            trait_path: Some(_),
            ..
        }
        | FnOwner::Trait { .. } => {
            Err("it implements a trait method; new methods cannot be added there".into())
        }
        FnOwner::Impl { self_ty: None, .. } => Err("its `impl` type is not a plain path".into()),
        _ => Ok(()),
    }
}

/// How `input` becomes part of the key.
fn key_part(file: &ParsedFile, input: &syn::FnArg) -> Result<KeyPart, String> {
    let syn::FnArg::Typed(pat_type) = input else {
        return Err("it takes `self`".into());
    };
    let syn::Pat::Ident(ident) = &*pat_type.pat else {
        return Err("a parameter is a pattern, not a name".into());
    };
    if ident.by_ref.is_some() || ident.subpat.is_some() {
        return Err("a parameter is bound by reference".into());
    }
    let name = ident.ident.to_string();
    match &*pat_type.ty {
        syn::Type::Reference(reference) => {
            if reference.mutability.is_some() {
                return Err(format!("`{name}` is a `&mut` parameter"));
            }
            match &*reference.elem {
                syn::Type::Path(p) if p.path.is_ident("str") => Ok(KeyPart {
                    expr: format!("{name}.to_owned()"),
                    name,
                    ty: "String".into(),
                    known_hashable: true,
                }),
                // `&[&str]` (a dictionary): owned strings in the key.
                syn::Type::Slice(slice) if crate::index::tokens_text(&*slice.elem) == "&str" => {
                    Ok(KeyPart {
                        expr: format!(
                            "{name}.iter().map(|s| s.to_string()).collect::<Vec<String>>()"
                        ),
                        name,
                        ty: "Vec<String>".into(),
                        known_hashable: true,
                    })
                }
                // `&[f64]`: floats are keyed on their bits, as single ones.
                syn::Type::Slice(slice)
                    if matches!(
                        crate::index::tokens_text(&*slice.elem).as_str(),
                        "f64" | "f32"
                    ) =>
                {
                    let bits = if crate::index::tokens_text(&*slice.elem) == "f64" {
                        "u64"
                    } else {
                        "u32"
                    };
                    Ok(KeyPart {
                        expr: format!(
                            "{name}.iter().map(|x| x.to_bits()).collect::<Vec<{bits}>>()"
                        ),
                        name,
                        ty: format!("Vec<{bits}>"),
                        known_hashable: true,
                    })
                }
                syn::Type::Slice(slice) => {
                    let element = owned_type(file, &slice.elem, &name)?;
                    Ok(KeyPart {
                        expr: format!("{name}.to_vec()"),
                        name,
                        ty: format!("Vec<{}>", element.0),
                        known_hashable: element.1,
                    })
                }
                inner => {
                    let (ty, known) = owned_type(file, inner, &name)?;
                    let expr = if PLAIN_KEYS.contains(&ty.as_str()) {
                        format!("*{name}")
                    } else {
                        format!("{name}.clone()")
                    };
                    Ok(KeyPart {
                        expr,
                        name,
                        ty,
                        known_hashable: known,
                    })
                }
            }
        }
        syn::Type::Path(p) if p.path.is_ident("f64") || p.path.is_ident("f32") => Ok(KeyPart {
            expr: format!("{name}.to_bits()"),
            ty: if p.path.is_ident("f64") { "u64" } else { "u32" }.into(),
            name,
            known_hashable: true,
        }),
        ty => {
            let (owned, known) = owned_type(file, ty, &name)?;
            let expr = if PLAIN_KEYS.contains(&owned.as_str()) {
                name.clone()
            } else {
                format!("{name}.clone()")
            };
            Ok(KeyPart {
                expr,
                name,
                ty: owned,
                known_hashable: known,
            })
        }
    }
}

/// The source text of an owned key type, and whether it is known to be
/// `Hash + Eq + Clone`.
fn owned_type(file: &ParsedFile, ty: &syn::Type, name: &str) -> Result<(String, bool), String> {
    let text = crate::index::tokens_text(ty);
    if text.contains("dyn") || text.contains("impl") || text.contains("fn(") || text.contains("Fn")
    {
        return Err(format!(
            "`{name}` is a function or trait object, which cannot be a key"
        ));
    }
    if text.contains('&') {
        return Err(format!(
            "`{name}` holds a reference, which cannot be kept in a cache"
        ));
    }
    if ["f32", "f64"].iter().any(|float| {
        text.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == *float)
    }) {
        return Err(format!(
            "`{name}` contains floating-point numbers, which are not `Hash`"
        ));
    }
    let shown = file.source.slice(file.span(ty.span())).to_string();
    Ok((shown, is_known_hashable(&text)))
}

/// `u64`, `String`, `Vec<u8>`, `(usize, usize)`, `[u8; 4]`, `Option<char>`.
fn is_known_hashable(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .all(|w| {
            PLAIN_KEYS.contains(&w) || ["String", "Vec", "Option", "Box", "usize"].contains(&w)
        })
}

fn is_known_clone(text: &str) -> bool {
    is_known_hashable(text)
        || text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
            .all(|w| {
                PLAIN_KEYS.contains(&w)
                    || ["String", "Vec", "Option", "Box", "f32", "f64", "Result"].contains(&w)
            })
}

/// The return type as written, if a cache can hold it.
fn value_type(file: &ParsedFile, ty: &syn::Type) -> Result<String, String> {
    let text = crate::index::tokens_text(ty);
    if text.contains('&') {
        return Err("it returns a reference, which a cache cannot hand out".into());
    }
    if text.contains("impl") || text.contains("dyn") {
        return Err("it returns an `impl Trait` or trait object".into());
    }
    Ok(file.source.slice(file.span(ty.span())).to_string())
}

/// The names the fix adds.
struct Names {
    uncached: String,
    info_fn: String,
    clear_fn: String,
    info_type: String,
    lru_type: String,
    cache: String,
    hits: String,
    misses: String,
    is_method: bool,
}

impl Names {
    fn new(f: &FnDef<'_>) -> Names {
        let (is_method, type_name) = match &f.owner {
            FnOwner::Impl {
                self_ty: Some(ty), ..
            } => (true, ty.last().cloned()),
            _ => (false, None),
        };
        let upper = match &type_name {
            Some(ty) => format!("{}_{}", snake(ty).to_uppercase(), f.name.to_uppercase()),
            None => f.name.to_uppercase(),
        };
        let camel: String = type_name.unwrap_or_default() + &camel(&f.name);
        Names {
            uncached: format!("{}_uncached", f.name),
            info_fn: format!("{}_cache_info", f.name),
            clear_fn: format!("{}_cache_clear", f.name),
            info_type: format!("{camel}CacheInfo"),
            // Named `…LruCache` so that memolint itself recognises the
            // static as a bounded hand-rolled cache on the next run.
            lru_type: format!("{camel}LruCache"),
            cache: format!("{upper}_CACHE"),
            hits: format!("{upper}_CACHE_HITS"),
            misses: format!("{upper}_CACHE_MISSES"),
            is_method,
        }
    }

    /// A name the fix would add that the module already has.
    fn taken(&self, index: &Index<'_>, f: &FnDef<'_>) -> Option<String> {
        let module = f.module;
        let same_scope = |name: &str| {
            index
                .fns
                .iter()
                .any(|other| other.module == module && other.name == name && other.owner == f.owner)
        };
        for name in [&self.uncached, &self.info_fn, &self.clear_fn] {
            if same_scope(name) {
                return Some(name.clone());
            }
        }
        let types = &index.module(module).types;
        for name in [&self.info_type, &self.lru_type] {
            if types.contains_key(name.as_str()) {
                return Some(name.clone());
            }
        }
        for name in [&self.cache, &self.hits, &self.misses] {
            if index
                .statics
                .iter()
                .any(|s| s.module == module && &s.name == name)
            {
                return Some(name.clone());
            }
        }
        None
    }
}

fn camel(snake_name: &str) -> String {
    snake_name
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn snake(camel_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel_name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The signature's text with `mut` removed from its parameters.
fn sig_without_mut(file: &ParsedFile, sig: &syn::Signature) -> String {
    let sig_span = file.span(sig.span());
    let text = file.source.slice(sig_span);
    let mut cuts: Vec<std::ops::Range<usize>> = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(pat_type) => match &*pat_type.pat {
                syn::Pat::Ident(ident) => ident.mutability.map(|m| {
                    let m = file.span(m.span());
                    let start = m.start - sig_span.start;
                    // `mut` and the whitespace after it.
                    let rest = &text[m.end - sig_span.start..];
                    let spaces = rest.len() - rest.trim_start().len();
                    start..m.end - sig_span.start + spaces
                }),
                _ => None,
            },
            _ => None,
        })
        .collect();
    cuts.sort_by_key(|c| c.start);
    let mut out = String::new();
    let mut at = 0;
    for cut in cuts {
        out.push_str(&text[at..cut.start]);
        at = cut.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The leading whitespace of the line `offset` is on.
fn indent_of(text: &str, offset: usize) -> String {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

fn to_newlines(text: &str, newline: &str) -> String {
    if newline == "\n" {
        text.to_string()
    } else {
        text.replace("\r\n", "\n").replace('\n', newline)
    }
}

/// The span of the inherent `impl` block holding method `f`.
fn enclosing_impl(file: &ParsedFile, f: &FnDef<'_>) -> Option<Span> {
    fn search(file: &ParsedFile, items: &[outline::Item], target: Span) -> Option<Span> {
        items.iter().find_map(|item| match item {
            outline::Item::Impl(block) => {
                let span = file.span(block.span);
                (span.start <= target.start && target.end <= span.end).then_some(span)
            }
            outline::Item::Mod(module) => search(file, module.content.as_deref()?, target),
            _ => None,
        })
    }
    search(file, &file.outline, f.item_span)
}

/// `#[cached::cached(size = N)]` for a package that already uses `cached`.
fn cached_attribute_fix(
    file: &ParsedFile,
    f: &FnDef<'_>,
    sig: &syn::Signature,
    version: &str,
    capacity: usize,
) -> Fix {
    let major_zero = version
        .trim_start_matches(['^', '=', '~', ' '])
        .starts_with('0');
    let path = if major_zero {
        "cached::proc_macro::cached"
    } else {
        "cached::cached"
    };
    let indent = indent_of(&file.source.text, f.item_span.start);
    let newline = if file.source.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    // After the doc comments and attributes, before the visibility.
    let at = match f.vis {
        Some(vis) if !matches!(vis, syn::Visibility::Inherited) => file.span(vis.span()).start,
        _ => file.span(sig.span()).start,
    };
    Fix {
        message: format!("memoize `{}` with `#[{path}(size = {capacity})]`", f.name),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: Span::new(file.source.id, at..at),
            replacement: format!("#[{path}(size = {capacity})]{newline}{indent}"),
        }],
        dependency: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::CrateTarget;
    use crate::source::{FileId, SourceFile};
    use std::path::PathBuf;

    /// Applies the wrapper fix for `name` to `text` (as a crate's lib.rs),
    /// with the given dependencies.
    fn fixed(text: &str, name: &str, dependencies: &[(&str, &str)]) -> Result<String, String> {
        let mut file = ParsedFile::new(
            SourceFile::new(
                FileId(0),
                "/p/src/lib.rs".into(),
                "lib.rs".into(),
                text.to_string(),
            ),
            syn::parse_file(text).unwrap(),
            0,
        );
        file.prepare_for_index();
        let files = vec![file];
        let targets = vec![CrateTarget {
            name: "p".into(),
            root: PathBuf::from("/p/src/lib.rs"),
            is_lib: true,
            package_dir: Some(PathBuf::from("/p")),
            dependencies: dependencies
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }];
        let index = Index::build(&files, &targets);
        let id = index.fns.iter().find(|f| f.name == name).unwrap().id;
        let fix = wrapper_fix(&index, id, 64)?;
        let mut out = text.to_string();
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for edit in edits {
            out.replace_range(edit.span.range(), &edit.replacement);
        }
        syn::parse_file(&out).expect("the fixed file parses");
        Ok(out)
    }

    #[test]
    fn free_function() {
        let out = fixed(
            "/// Fibonacci.\n#[inline]\npub fn fib(mut n: u64) -> u64 {\n    if n < 2 {\n        n\n    } else {\n        fib(n - 1) + fib(n - 2)\n    }\n}\n\n// after\n",
            "fib",
            &[],
        )
        .unwrap();
        insta::assert_snapshot!(out);
    }

    /// The inserted code is what rustfmt would write: formatting the fixed
    /// file with rustfmt changes nothing.
    #[test]
    fn inserted_code_is_rustfmt_clean() {
        let original = "pub struct Grid;\n\nimpl Grid {\n    /// Paths.\n    #[must_use]\n    pub fn paths(rows: u32, cols: u32) -> u64 {\n        if rows == 0 || cols == 0 {\n            1\n        } else {\n            Self::paths(rows - 1, cols) + Self::paths(rows, cols - 1)\n        }\n    }\n}\n\npub fn count(word: &str, pieces: &[String]) -> u64 {\n    if word.is_empty() {\n        return 1;\n    }\n    count(&word[1..], pieces) + count(&word[1..], pieces)\n}\n";
        for name in ["paths", "count"] {
            let out = fixed(original, name, &[]).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("lib.rs");
            std::fs::write(&path, &out).unwrap();
            let status = std::process::Command::new("rustfmt")
                .args(["--check", "--edition", "2021"])
                .arg(&path)
                .output()
                .expect("rustfmt is installed (it comes with the toolchain CI uses)");
            assert!(
                status.status.success(),
                "rustfmt would change the fixed code:\n{}",
                String::from_utf8_lossy(&status.stdout)
            );
        }
    }

    #[test]
    fn method_with_borrowed_keys() {
        let out = fixed(
            "pub struct Text;\n\nimpl Text {\n    pub fn edit(a: &str, b: &[u8], i: usize) -> usize {\n        if i == 0 { 0 } else { Self::edit(a, b, i - 1) + Self::edit(a, b, i - 1) }\n    }\n}\n",
            "edit",
            &[],
        )
        .unwrap();
        insta::assert_snapshot!(out);
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let out = fixed(
            "fn f(n: u32) -> u32 {\r\n    if n == 0 { 0 } else { f(n - 1) + f(n - 1) }\r\n}\r\n",
            "f",
            &[],
        )
        .unwrap();
        assert!(
            !out.replace("\r\n", "").contains('\n'),
            "a bare LF was inserted:\n{out}"
        );
    }

    #[test]
    fn packages_using_cached_get_the_attribute() {
        let text = "pub fn paths(r: u32, c: u32) -> u64 {\n    if r == 0 || c == 0 { 1 } else { paths(r - 1, c) + paths(r, c - 1) }\n}\n";
        let out = fixed(text, "paths", &[("cached", "0.54")]).unwrap();
        assert!(
            out.starts_with("#[cached::proc_macro::cached(size = 64)]\npub fn paths"),
            "{out}"
        );
        let out = fixed(text, "paths", &[("cached", "1.1")]).unwrap();
        assert!(
            out.starts_with("#[cached::cached(size = 64)]\npub fn paths"),
            "{out}"
        );
    }

    #[test]
    fn refuses_what_it_cannot_wrap() {
        let cases = [
            ("fn f<T: Copy>(n: T) -> T { n }", "generic"),
            ("async fn f(n: u32) -> u32 { n }", "async"),
            ("const fn f(n: u32) -> u32 { n }", "const fn"),
            ("unsafe fn f(n: u32) -> u32 { n }", "unsafe"),
            ("fn f(n: &mut Vec<u32>) -> u32 { 0 }", "&mut"),
            ("fn f(n: u32) {}", "returns nothing"),
            ("fn f(n: &str) -> &str { n }", "reference"),
            ("fn f(g: &dyn Fn(u32) -> u32) -> u32 { 0 }", "trait object"),
            ("fn f((a, b): (u32, u32)) -> u32 { a + b }", "pattern"),
            ("fn f(x: (f64, u32)) -> u32 { 0 }", "floating-point"),
            (
                "struct S; impl S { fn f(&self, n: u32) -> u32 { n } }",
                "self",
            ),
            (
                "fn f(n: u32) -> u32 { n } fn f_uncached() {}",
                "already used",
            ),
        ];
        for (text, why) in cases {
            let error = fixed(text, "f", &[]).unwrap_err();
            assert!(error.contains(why), "{text}: {error}");
        }
    }
}
