//! Analysis: facts about the unit's functions that rules share.
//!
//! The index says what the code contains; the analysis says what it means
//! for memoization: which functions are memoized, by what, and with which
//! bounds; and what each function does besides computing from its
//! arguments (its effects). Rules read these facts instead of re-deriving them.

mod effects;
mod memoized;

pub use effects::{ChainStep, Effects, Witness};
pub use memoized::{AttrOption, Memoization, Memoized, SizeBound};

use std::collections::HashSet;

use crate::catalog::{Memoizers, SourceCatalog};
use crate::config::Config;
use crate::index::Index;

/// Everything the rules of one unit share.
pub struct Analysis {
    pub memoizers: Memoizers,
    pub sources: SourceCatalog,
    /// Memoized functions, in index order.
    pub memoized: Vec<Memoized>,
    /// What every function does besides computing from its arguments.
    pub effects: Effects,
}

impl Analysis {
    pub fn run(index: &Index<'_>, config: &Config) -> Analysis {
        let memoizers = Memoizers::new(&config.memoizer_attributes);
        let memoized = memoized::find_memoized(index, &memoizers);
        let sources = SourceCatalog::new(&config.sources);
        // A function's own cache is not global state it depends on.
        let memo_tables: HashSet<_> = memoized.iter().filter_map(|m| m.how.table()).collect();
        let memoized_fns: HashSet<_> = memoized.iter().map(|m| m.function).collect();
        let effects = Effects::compute(index, &sources, &memo_tables, &memoized_fns);
        Analysis {
            memoizers,
            sources,
            memoized,
            effects,
        }
    }
}
