//! Strongly connected components of the crate's call graph (Tarjan's
//! algorithm, iterative so that long call chains cannot overflow the stack).
//!
//! Recursion is a cycle of the call graph: a function that calls itself, or
//! a group of functions that call each other (Hofstadter's F and M). Tarjan
//! finds every cycle in one pass, linear in functions plus calls, which is
//! what lets ML201 skip every non-recursive function at once.

use crate::index::{FnId, Index, Target};

/// The recursive functions of a unit, grouped by cycle.
pub struct Cycles {
    /// `component[f]`: the id of `f`'s strongly connected component.
    component: Vec<u32>,
    /// The members of each component that is a cycle (several functions,
    /// or one function that calls itself); empty for the others.
    members: Vec<Vec<FnId>>,
}

impl Cycles {
    pub fn find(index: &Index<'_>) -> Cycles {
        let n = index.fns.len();
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

        const UNVISITED: u32 = u32::MAX;
        let mut order = vec![UNVISITED; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut component = vec![UNVISITED; n];
        let mut members: Vec<Vec<FnId>> = Vec::new();
        let mut next_order = 0u32;
        // (node, index of the next successor to look at)
        let mut work: Vec<(u32, usize)> = Vec::new();

        for root in 0..n as u32 {
            if order[root as usize] != UNVISITED {
                continue;
            }
            work.push((root, 0));
            while let Some(&(node, next)) = work.last() {
                let v = node as usize;
                if next == 0 && order[v] == UNVISITED {
                    order[v] = next_order;
                    low[v] = next_order;
                    next_order += 1;
                    stack.push(node);
                    on_stack[v] = true;
                }
                if let Some(&w) = successors[v].get(next) {
                    if let Some(top) = work.last_mut() {
                        top.1 += 1;
                    }
                    let wi = w as usize;
                    if order[wi] == UNVISITED {
                        work.push((w, 0));
                    } else if on_stack[wi] {
                        low[v] = low[v].min(order[wi]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    let p = parent as usize;
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == order[v] {
                    let id = members.len() as u32;
                    let mut group = Vec::new();
                    while let Some(top) = stack.pop() {
                        on_stack[top as usize] = false;
                        component[top as usize] = id;
                        group.push(FnId(top));
                        if top == node {
                            break;
                        }
                    }
                    let is_cycle = group.len() > 1 || successors[v].binary_search(&node).is_ok();
                    group.sort();
                    members.push(if is_cycle { group } else { Vec::new() });
                }
            }
        }
        Cycles { component, members }
    }

    /// The functions of `function`'s cycle (itself included), or an empty
    /// slice if it is not recursive.
    pub fn cycle_of(&self, function: FnId) -> &[FnId] {
        &self.members[self.component[function.0 as usize] as usize]
    }

    /// Whether `a` and `b` are in the same cycle.
    pub fn same_cycle(&self, a: FnId, b: FnId) -> bool {
        self.component[a.0 as usize] == self.component[b.0 as usize] && !self.cycle_of(a).is_empty()
    }
}
