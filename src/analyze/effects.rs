//! Effects: what each function does besides computing from its arguments.
//!
//! A function's *direct* effects come from its own body (closures included):
//! calls the source catalog lists, and reads and writes of global mutable
//! state. Its *transitive* effects add those of the crate functions it calls,
//! by a breadth-first search per category over the reversed call graph, so
//! each function keeps the shortest witness chain to a source. That is linear
//! in the size of the call graph for each of the eight categories, and a
//! cycle (recursion) cannot make a chain loop.
//!
//! A call to a function outside the unit that the catalog does not list is
//! not an effect: precision first.

use std::collections::{HashSet, VecDeque};

use crate::catalog::{SourceCatalog, SourceMatch};
use crate::index::{CallKind, FnDef, FnId, Index, StaticDef, StaticId, StaticKind, Target};
use crate::source::Span;

/// How a function reaches a source of one category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Witness {
    /// Its own body does it, at `span`; `what` names the API or global.
    Direct { span: Span, what: String },
    /// It calls `callee` at `span`, which reaches the source.
    Via { span: Span, callee: FnId },
}

/// One step of a chain from a function to a source, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStep {
    /// The function whose body holds the call.
    pub caller: FnId,
    /// The call (or use of a global).
    pub span: Span,
    /// What is called: a crate function's qualified name, or the source.
    pub callee: String,
    /// The crate function called, if the step is not the source itself.
    pub callee_fn: Option<FnId>,
}

/// One function's witnesses and chain lengths, by category.
type Row = Box<[Option<(Witness, u32)>]>;

/// Effects of every function of a unit, by category.
pub struct Effects {
    /// `per_fn[f]`, for a function that reaches some source, holds per
    /// category the witness and its chain length. Most functions reach
    /// none: a row for each would be most of the unit's memory for effects.
    per_fn: Vec<Option<Row>>,
}

/// Function `f`'s row of `per_fn`, made on first use.
fn row_mut(
    per_fn: &mut [Option<Row>],
    f: usize,
    categories: usize,
) -> &mut [Option<(Witness, u32)>] {
    per_fn[f].get_or_insert_with(|| (0..categories).map(|_| None).collect())
}

/// Methods on a global that read it (the result depends on its state).
const GLOBAL_READS: &[&str] = &[
    "load",
    "lock",
    "try_lock",
    "read",
    "try_read",
    "get",
    "borrow",
    "try_borrow",
    "with",
    "try_with",
    "with_borrow",
    "iter",
    "len",
    "is_empty",
    "contains_key",
    "contains",
    "keys",
    "values",
    "clone",
    "get_cloned",
];

/// Methods on a global that both read it and change it.
const GLOBAL_READ_WRITES: &[&str] = &[
    "fetch_add",
    "fetch_sub",
    "fetch_and",
    "fetch_or",
    "fetch_xor",
    "fetch_max",
    "fetch_min",
    "fetch_update",
    "swap",
    "compare_exchange",
    "compare_exchange_weak",
    "replace",
    "take",
];

/// Methods on a global that change it (a cache hit skips the change).
const GLOBAL_WRITES: &[&str] = &[
    "store",
    "write",
    "try_write",
    "set",
    "insert",
    "remove",
    "push",
    "clear",
    "borrow_mut",
    "try_borrow_mut",
    "with_borrow_mut",
    "get_mut",
    "extend",
    "retain",
];

/// Type names whose statics are mutable through a shared reference.
const INTERIOR_MUTABLE: &[&str] = &[
    "Atomic",
    "Mutex",
    "RwLock",
    "RefCell",
    "Cell<",
    "UnsafeCell",
    "DashMap",
    "ArcSwap",
];

impl Effects {
    /// Computes the effects of every function. `memo_tables` are statics
    /// that serve as some function's cache: reading one is not a source.
    /// Effects do not propagate out of `memoized` functions: their callers
    /// get a frozen value, and the memoized function itself is where the
    /// problem is reported.
    pub fn compute(
        index: &Index<'_>,
        catalog: &SourceCatalog,
        memo_tables: &HashSet<StaticId>,
        memoized: &HashSet<FnId>,
    ) -> Effects {
        let categories = catalog.categories.len();
        let global_state = catalog.category("global-state");
        let output = catalog.category("output");
        let mut per_fn: Vec<Option<Row>> = vec![None; index.fns.len()];
        let mut callers: Vec<Vec<(FnId, Span)>> = vec![Vec::new(); index.fns.len()];

        for function in &index.fns {
            let mut record = |category: usize, span: Span, what: String| {
                let direct = row_mut(&mut per_fn, function.id.0 as usize, categories);
                if direct[category].is_none() {
                    direct[category] = Some((Witness::Direct { span, what }, 0));
                }
            };
            for call in &function.calls {
                if let Target::Fn(callee) = call.target {
                    if !memoized.contains(&callee) {
                        callers[callee.0 as usize].push((function.id, call.span));
                    }
                }
                if let Some((found, what)) = classify_call(index, catalog, function, call) {
                    record(found.category, call.span, what);
                }
            }
            for reference in &function.fn_refs {
                if !memoized.contains(&reference.target) {
                    callers[reference.target.0 as usize].push((function.id, reference.span));
                }
            }
            for used in &function.static_uses {
                if memo_tables.contains(&used.target) {
                    continue;
                }
                let def = index.static_def(used.target);
                let (reads, writes) = global_access(def, used.method.as_deref());
                let what = match &used.method {
                    Some(method) => format!("{}.{method}()", def.name),
                    None => def.name.clone(),
                };
                if reads {
                    if let Some(category) = global_state {
                        record(category, used.span, what.clone());
                    }
                }
                if writes {
                    if let Some(category) = output {
                        record(category, used.span, what);
                    }
                }
            }
        }

        // Breadth-first from the direct sources, one category at a time.
        // (The category indexes the inner rows, not `per_fn` itself.)
        #[allow(clippy::needless_range_loop)]
        for category in 0..categories {
            let mut queue: VecDeque<FnId> = (0..index.fns.len())
                .filter(|&f| {
                    per_fn[f]
                        .as_ref()
                        .is_some_and(|row| row[category].is_some())
                })
                .map(|f| FnId(f as u32))
                .collect();
            while let Some(callee) = queue.pop_front() {
                let depth = per_fn[callee.0 as usize]
                    .as_ref()
                    .and_then(|row| row[category].as_ref())
                    .map_or(0, |w| w.1);
                for &(caller, span) in &callers[callee.0 as usize] {
                    let slot = &mut row_mut(&mut per_fn, caller.0 as usize, categories)[category];
                    if slot.is_none() {
                        *slot = Some((Witness::Via { span, callee }, depth + 1));
                        queue.push_back(caller);
                    }
                }
            }
        }
        Effects { per_fn }
    }

    /// How `function` reaches `category`, if it does.
    pub fn witness(&self, function: FnId, category: usize) -> Option<&Witness> {
        self.per_fn[function.0 as usize].as_ref()?[category]
            .as_ref()
            .map(|w| &w.0)
    }

    /// Whether `function` reaches no source of any category.
    pub fn is_pure(&self, function: FnId) -> bool {
        self.per_fn[function.0 as usize].is_none()
    }

    /// The categories `function` reaches.
    pub fn categories(&self, function: FnId) -> impl Iterator<Item = usize> + '_ {
        self.per_fn[function.0 as usize]
            .iter()
            .flat_map(|row| row.iter())
            .enumerate()
            .filter(|(_, w)| w.is_some())
            .map(|(category, _)| category)
    }

    /// The shortest chain from `function` to a source of `category`, first
    /// step first.
    pub fn chain(&self, index: &Index<'_>, function: FnId, category: usize) -> Vec<ChainStep> {
        let mut steps = Vec::new();
        let mut at = function;
        // Chains are shortest paths, so they are at most as long as there
        // are functions; the bound guards against a logic error.
        for _ in 0..=self.per_fn.len() {
            match self.witness(at, category) {
                Some(Witness::Direct { span, what }) => {
                    steps.push(ChainStep {
                        caller: at,
                        span: *span,
                        callee: what.clone(),
                        callee_fn: None,
                    });
                    break;
                }
                Some(Witness::Via { span, callee }) => {
                    steps.push(ChainStep {
                        caller: at,
                        span: *span,
                        callee: index.function(*callee).qualified_name.clone(),
                        callee_fn: Some(*callee),
                    });
                    at = *callee;
                }
                None => break,
            }
        }
        steps
    }
}

/// The catalog entry a call matches, and how to name what it calls.
fn classify_call(
    index: &Index<'_>,
    catalog: &SourceCatalog,
    function: &FnDef<'_>,
    call: &crate::index::CallSite,
) -> Option<(SourceMatch, String)> {
    match (&call.kind, &call.target) {
        (CallKind::Function, Target::External(path)) => {
            catalog.function(path).map(|m| (m, path.clone()))
        }
        (CallKind::Method { name }, Target::External(path)) => {
            let type_path = path.strip_suffix(name.as_str())?.strip_suffix("::")?;
            catalog.method(type_path, name).map(|m| (m, path.clone()))
        }
        (CallKind::Method { name }, Target::Unknown) => {
            let module = index.module(function.module);
            let in_scope = |trait_path: &str| {
                let segments: Vec<&str> = trait_path.split("::").collect();
                let imported =
                    module
                        .imports
                        .values()
                        .chain(function.local_imports())
                        .any(|import| {
                            import
                                .iter()
                                .map(String::as_str)
                                .eq(segments.iter().copied())
                        });
                let parent = &segments[..segments.len().saturating_sub(1)];
                imported
                    || module
                        .globs
                        .iter()
                        .any(|glob| glob.iter().map(String::as_str).eq(parent.iter().copied()))
            };
            catalog
                .trait_method(name, in_scope)
                .map(|m| (m.clone(), m.entry))
        }
        (CallKind::Macro, Target::External(path)) => {
            let shown = path.rsplit("::").next().unwrap_or(path);
            catalog.macro_call(path).map(|m| (m, format!("{shown}!")))
        }
        // The user's `[sources]` may name the crate's own functions
        // (`crate::clock::now`).
        (_, Target::Fn(id)) => {
            let qualified = &index.function(*id).qualified_name;
            let relative = qualified
                .split_once("::")
                .map(|(_, rest)| format!("crate::{rest}"));
            catalog
                .function(qualified)
                .or_else(|| relative.as_deref().and_then(|r| catalog.function(r)))
                .map(|m| (m, qualified.clone()))
        }
        _ => None,
    }
}

/// Whether a use of `def` (calling `method` on it, if any) reads and
/// whether it writes global mutable state.
fn global_access(def: &StaticDef, method: Option<&str>) -> (bool, bool) {
    let is_in = |list: &[&str]| {
        method.is_some_and(|m| list.contains(&m) || GLOBAL_READ_WRITES.contains(&m))
    };
    match def.kind {
        StaticKind::StaticMut => (true, is_in(GLOBAL_WRITES)),
        StaticKind::ThreadLocal => (
            method.is_none() || is_in(GLOBAL_READS),
            is_in(GLOBAL_WRITES),
        ),
        StaticKind::Static | StaticKind::LazyStatic => {
            if !INTERIOR_MUTABLE.iter().any(|t| def.ty.contains(t)) {
                return (false, false);
            }
            (
                method.is_none() || is_in(GLOBAL_READS),
                is_in(GLOBAL_WRITES),
            )
        }
    }
}
