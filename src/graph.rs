//! Strongly connected components of a directed graph (Tarjan's algorithm,
//! iterative so that long chains cannot overflow the stack), linear in
//! nodes plus edges.
//!
//! Two graphs need it: the unit's call graph (`analyze/recursion/scc.rs`,
//! where a cycle is recursion) and, per file, the graph of function names
//! a body mentions (`index/summary.rs`, which keeps the bodies that may be
//! on a cycle).

/// The components of a graph, and which of them are cycles.
pub struct Components {
    /// `component[v]`: the id of `v`'s strongly connected component.
    component: Vec<u32>,
    /// The nodes of each component that is a cycle (several nodes, or one
    /// with an edge to itself), sorted; empty for the others.
    members: Vec<Vec<u32>>,
}

impl Components {
    /// The components of the graph with these sorted, deduplicated
    /// successor lists.
    pub fn find(successors: &[Vec<u32>]) -> Components {
        let n = successors.len();
        const UNVISITED: u32 = u32::MAX;
        let mut order = vec![UNVISITED; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut component = vec![UNVISITED; n];
        let mut members: Vec<Vec<u32>> = Vec::new();
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
                        group.push(top);
                        if top == node {
                            break;
                        }
                    }
                    let is_cycle = group.len() > 1 || successors[v].binary_search(&node).is_ok();
                    group.sort_unstable();
                    members.push(if is_cycle { group } else { Vec::new() });
                }
            }
        }
        Components { component, members }
    }

    /// The nodes of `v`'s cycle (itself included), or an empty slice if it
    /// is on none.
    pub fn cycle_of(&self, v: u32) -> &[u32] {
        &self.members[self.component[v as usize] as usize]
    }

    /// Whether `a` and `b` are on the same cycle.
    pub fn same_cycle(&self, a: u32, b: u32) -> bool {
        self.component[a as usize] == self.component[b as usize] && !self.cycle_of(a).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_self_loops_and_mutual_cycles_only() {
        // 0 → 1 → 2 → 1, 3 → 3, 4 → 0
        let successors = vec![vec![1], vec![2], vec![1], vec![3], vec![0]];
        let found = Components::find(&successors);
        assert!(found.cycle_of(0).is_empty());
        assert_eq!(found.cycle_of(1), [1, 2]);
        assert!(found.same_cycle(2, 1));
        assert_eq!(found.cycle_of(3), [3]);
        assert!(found.cycle_of(4).is_empty());
        assert!(!found.same_cycle(0, 4));
    }
}
