//! Analysis: facts about the unit's functions that rules share.
//!
//! The index says what the code contains; the analysis says what it means
//! for memoization: which functions are memoized, by what, and with which
//! bounds. Rules read these facts instead of re-deriving them.

mod memoized;

pub use memoized::{AttrOption, Memoization, Memoized, SizeBound};

use crate::catalog::Memoizers;
use crate::config::Config;
use crate::index::Index;

/// Everything the rules of one unit share.
pub struct Analysis {
    pub memoizers: Memoizers,
    /// Memoized functions, in index order.
    pub memoized: Vec<Memoized>,
}

impl Analysis {
    pub fn run(index: &Index<'_>, config: &Config) -> Analysis {
        let memoizers = Memoizers::new(&config.memoizer_attributes);
        let memoized = memoized::find_memoized(index, &memoizers);
        Analysis {
            memoizers,
            memoized,
        }
    }
}
