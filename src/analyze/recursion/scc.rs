//! Strongly connected components of the unit's call graph (`graph.rs`).
//!
//! Recursion is a cycle of the call graph: a function that calls itself, or
//! a group of functions that call each other (Hofstadter's F and M). Tarjan
//! finds every cycle in one pass, linear in functions plus calls, which is
//! what lets ML201 skip every non-recursive function at once.

use crate::graph::Components;
use crate::index::{FnId, Index, Target};

/// The recursive functions of a unit, grouped by cycle.
pub struct Cycles(Components);

impl Cycles {
    pub fn find(index: &Index<'_>) -> Cycles {
        let successors: Vec<Vec<u32>> = index
            .fns
            .iter()
            .map(|f| {
                let mut out: Vec<u32> = f
                    .calls
                    .iter()
                    .filter_map(|call| match call.target {
                        Target::Fn(callee) => Some(callee.0),
                        _ => None,
                    })
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();

        Cycles(Components::find(&successors))
    }

    /// The functions of `function`'s cycle (itself included), or an empty
    /// slice if it is not recursive.
    pub fn cycle_of(&self, function: FnId) -> Vec<FnId> {
        self.0
            .cycle_of(function.0)
            .iter()
            .map(|&f| FnId(f))
            .collect()
    }

    /// Whether `a` and `b` are in the same cycle.
    pub fn same_cycle(&self, a: FnId, b: FnId) -> bool {
        self.0.same_cycle(a.0, b.0)
    }
}
