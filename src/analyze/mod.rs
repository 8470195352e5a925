//! Analysis: facts about the unit's functions that rules share.
//!
//! The index says what the code contains; the analysis says what it means
//! for memoization: which functions are memoized, by what, and with which
//! bounds; what each function does besides computing from its arguments
//! (its effects); and which functions recurse, with the shapes of their
//! recursive calls (for ML201 and its fix). Rules read these facts instead
//! of re-deriving them.

mod effects;
mod memoized;
pub mod recursion;

pub use effects::{ChainStep, Effects, Witness};
pub use memoized::{AttrOption, Memoization, Memoized, SizeBound};

use std::collections::HashSet;

use crate::catalog::{Memoizers, SourceCatalog};
use crate::config::Config;
use crate::index::Index;

/// How much of the analysis a run's active rules read. Each level takes in
/// the ones before it: recursion needs the memoized functions (a memoized
/// cycle is left alone) and the effects (only a pure function can be
/// cached).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needs {
    /// Nothing of the code: the rules read only the files that failed to
    /// load (ML001) and the suppressions (ML002).
    Nothing,
    /// Memoized functions and what every function does (ML101–ML103).
    Memoized,
    /// All of it, recursion included (ML201).
    Recursion,
}

/// Everything the rules of one unit share.
pub struct Analysis {
    pub memoizers: Memoizers,
    pub sources: SourceCatalog,
    /// Memoized functions, in index order.
    pub memoized: Vec<Memoized>,
    /// What every function does besides computing from its arguments.
    pub effects: Effects,
    /// Every function on a cycle of the call graph: its recursive calls'
    /// argument shapes and whether they overlap.
    pub recursion: Vec<recursion::RecursiveFn>,
}

impl Analysis {
    /// Analyses the unit; without [`Needs::Recursion`] the recursion
    /// analysis is skipped and left empty. (For [`Needs::Nothing`] the
    /// pipeline passes [`Index::empty`], so nothing is computed at all.)
    pub fn run(index: &Index<'_>, config: &Config, needs: Needs) -> Analysis {
        let memoizers = Memoizers::new(&config.memoizer_attributes);
        let memoized = memoized::find_memoized(index, &memoizers);
        let sources = SourceCatalog::new(&config.sources);
        // A function's own cache is not global state it depends on.
        let memo_tables = memo_statics(index, &memoized);
        let memoized_fns: HashSet<_> = memoized.iter().map(|m| m.function).collect();
        let effects = Effects::compute(index, &sources, &memo_tables, &memoized_fns);
        let recursion = if needs >= Needs::Recursion {
            recursion::find_recursion(index, &memoized, &effects)
        } else {
            Vec::new()
        };
        Analysis {
            memoizers,
            sources,
            memoized,
            effects,
            recursion,
        }
    }
}

/// The statics that belong to some function's own cache: the table itself,
/// and its companions declared next to it and named after it (hit and miss
/// counters such as `FIB_CACHE_HITS` beside `FIB_CACHE`, as `memolint fix`
/// writes them). Reading them is not depending on global state.
fn memo_statics(index: &Index<'_>, memoized: &[Memoized]) -> HashSet<crate::index::StaticId> {
    let mut statics = HashSet::new();
    for table in memoized.iter().filter_map(|m| m.how.table()) {
        let def = index.static_def(table);
        let prefix = format!("{}_", def.name);
        statics.insert(table);
        statics.extend(
            index
                .statics
                .iter()
                .filter(|s| {
                    s.module == def.module && s.in_fn == def.in_fn && s.name.starts_with(&prefix)
                })
                .map(|s| s.id),
        );
    }
    statics
}
