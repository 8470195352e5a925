//! Scheduling analysis units onto worker threads: biggest first, within a
//! memory budget.
//!
//! A unit is parsed and analysed on one thread (syn's trees are not
//! `Send`), and what the index keeps of its syntax trees lives until it
//! is done: roughly ten times its source size (`windows-sys`, 22 MB of
//! source, peaks at 250 MB). Two policies follow:
//!
//! - **Biggest first.** A thread that is free takes the biggest unit left,
//!   so that a large unit does not start last and leave the other threads
//!   idle at the end (greedy list scheduling, within 4/3 of the best order).
//! - **A memory budget.** A unit starts only while the source bytes of the
//!   units in flight, its own included, stay within the budget; otherwise
//!   the thread takes the biggest unit that fits. A unit bigger than the
//!   budget runs when nothing else does. Peak memory then follows the
//!   budget (or the biggest unit) rather than the sum of the biggest units
//!   that happen to run together.
//!
//! Picking is `O(log n)` per unit. Results come back in the units' order,
//! whatever order they ran in.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex, PoisonError};

/// Source bytes of the units in flight at once: about 250 MiB of what
/// the index keeps of the trees, so that a check stays well within 1 GiB
/// on any number of cores.
pub const DEFAULT_BUDGET: u64 = 24 << 20;

struct State {
    /// Units not started yet, biggest first: `(Reverse(weight), index)`.
    pending: BTreeSet<(Reverse<u64>, usize)>,
    in_flight: u64,
    running: usize,
}

impl State {
    /// The biggest pending unit that fits in the budget, if any may start.
    fn pick(&mut self, budget: u64) -> Option<(usize, u64)> {
        let room = budget.saturating_sub(self.in_flight);
        let next = if self.running == 0 {
            self.pending.first().copied()
        } else {
            self.pending.range((Reverse(room), 0)..).next().copied()
        }?;
        self.pending.remove(&next);
        let (Reverse(weight), index) = next;
        self.in_flight += weight;
        self.running += 1;
        Some((index, weight))
    }
}

/// Gives a finished unit's share of the budget back.
struct Release<'a> {
    state: &'a Mutex<State>,
    changed: &'a Condvar,
    weight: u64,
}

impl Drop for Release<'_> {
    fn drop(&mut self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight -= self.weight;
        state.running -= 1;
        self.changed.notify_all();
    }
}

/// Runs `work(i)` for every unit `i` (with `weights[i]` its source bytes)
/// on `threads` threads with `stack_size`-byte stacks, biggest first within
/// `budget`, and returns the results in unit order.
pub fn run<T, F>(
    threads: usize,
    stack_size: usize,
    weights: &[u64],
    budget: u64,
    work: F,
) -> std::io::Result<Vec<T>>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let state = Mutex::new(State {
        pending: weights
            .iter()
            .enumerate()
            .map(|(i, &w)| (Reverse(w), i))
            .collect(),
        in_flight: 0,
        running: 0,
    });
    let changed = Condvar::new();
    let worker = || {
        let mut done = Vec::new();
        loop {
            let (index, weight) = {
                let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if state.pending.is_empty() {
                        return done;
                    }
                    if let Some(picked) = state.pick(budget) {
                        break picked;
                    }
                    state = changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                }
            };
            // Released on unwinding too, so that a panic cannot leave the
            // other threads waiting for room forever.
            let _release = Release {
                state: &state,
                changed: &changed,
                weight,
            };
            done.push((index, work(index)));
        }
    };

    let threads = threads.clamp(1, weights.len().max(1));
    let mut results: Vec<Option<T>> = std::iter::repeat_with(|| None)
        .take(weights.len())
        .collect();
    std::thread::scope(|scope| -> std::io::Result<()> {
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads {
            let handle = std::thread::Builder::new()
                .name(format!("memolint-worker-{i}"))
                .stack_size(stack_size)
                .spawn_scoped(scope, worker);
            match handle {
                Ok(handle) => handles.push(handle),
                // Fewer threads than asked is still a run; none is not.
                Err(error) if handles.is_empty() => return Err(error),
                Err(_) => break,
            }
        }
        for handle in handles {
            // `work` catches its own panics; a panic here is a bug in this
            // module, so let it propagate.
            let done = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (index, result) in done {
                results[index] = Some(result);
            }
        }
        Ok(())
    })?;
    Ok(results
        .into_iter()
        .map(|r| r.expect("every unit ran"))
        .collect())
}

/// The number of worker threads for `-j N`: `N`, or one per available core
/// when `N` is 0.
pub fn threads(jobs: usize) -> usize {
    if jobs > 0 {
        return jobs;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn results_come_back_in_unit_order() {
        let weights: Vec<u64> = (0..100).map(|i| (i * 37) % 11).collect();
        let out = run(3, 1 << 20, &weights, 20, |i| i * 2).unwrap();
        assert_eq!(out, (0..100).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_budget_holds_unless_a_unit_is_bigger_than_it() {
        let weights = [50, 8, 8, 8, 8, 8, 5, 5, 5, 1, 1, 1];
        let in_flight = AtomicU64::new(0);
        let worst = AtomicU64::new(0);
        run(4, 1 << 20, &weights, 16, |i| {
            let now = in_flight.fetch_add(weights[i], Ordering::SeqCst) + weights[i];
            worst.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(5));
            in_flight.fetch_sub(weights[i], Ordering::SeqCst);
        })
        .unwrap();
        // The 50 ran alone; everything else stayed within 16.
        assert_eq!(worst.load(Ordering::SeqCst), 50);
        let small = [8, 8, 5, 1];
        let out = run(4, 1 << 20, &small, 16, |i| {
            let now = in_flight.fetch_add(small[i], Ordering::SeqCst) + small[i];
            std::thread::sleep(std::time::Duration::from_millis(5));
            in_flight.fetch_sub(small[i], Ordering::SeqCst);
            now
        })
        .unwrap();
        assert!(out.iter().all(|&now| now <= 16), "{out:?}");
    }

    #[test]
    fn biggest_first_on_one_thread() {
        let weights = [3, 9, 1, 9, 5];
        let order = Mutex::new(Vec::new());
        run(1, 1 << 20, &weights, u64::MAX, |i| {
            order.lock().unwrap().push(i)
        })
        .unwrap();
        assert_eq!(*order.lock().unwrap(), [1, 3, 4, 0, 2]);
    }

    #[test]
    fn no_units_no_threads_needed() {
        let out: Vec<()> = run(2, 1 << 20, &[], 10, |_| ()).unwrap();
        assert!(out.is_empty());
    }
}
