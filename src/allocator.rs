//! The allocator memolint's binaries install, and its settings.
//!
//! A check builds a whole unit's syntax trees (many small allocations),
//! frees them all at once and then builds the next unit's: mimalloc's
//! thread-local heaps make that markedly cheaper than the system allocator.
//! By default mimalloc returns memory it has not used for 10 ms to the
//! kernel (a purge, `MADV_DONTNEED`), and every page of it that is used
//! again faults in zeroed, 2 MiB at a time with transparent huge pages.
//! memolint frees and reuses memory all the time (each file's tree, then
//! each unit's), so it never purges: the memory stays with the process,
//! which holds at most what its largest units in flight need (the
//! scheduler's budget, `schedule.rs`). Should a purge happen anyway
//! (mimalloc purges a thread's pages when it ends), it resets pages
//! (`MADV_FREE`) instead of decommitting them. On the benchmark corpus
//! (`bench/`) at `-j1`, minor page faults were about 87,000 with
//! mimalloc's defaults, 4,000 with resets only and 510 without purges;
//! with resets only, the kernel zeroing pages was a tenth of the check's
//! time.

/// The type of the binaries' `#[global_allocator]`.
pub type Allocator = mimalloc::MiMalloc;

/// The binaries' `#[global_allocator]`.
pub const ALLOCATOR: Allocator = mimalloc::MiMalloc;

/// `mi_option_purge_decommits` of `mimalloc.h`: fifth in `mi_option_e` in
/// both mimalloc 2 and 3 (libmimalloc-sys names no constant for it).
const PURGE_DECOMMITS: libmimalloc_sys::mi_option_t = 5;

/// `mi_option_purge_delay`: fifteenth in `mi_option_e` in both versions.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Turns purging off, and makes any purge reset pages instead of
/// decommitting them. Call first in `main`, before worker threads start.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores the value; mimalloc reads its
    // options atomically, and these take effect at the next purge.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DECOMMITS, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::c_long;

    /// The options [`configure`] sets, with their environment variables
    /// and two values each.
    const OPTIONS: [(libmimalloc_sys::mi_option_t, &str, [c_long; 2]); 2] = [
        (PURGE_DECOMMITS, "MIMALLOC_PURGE_DECOMMITS", [0, 1]),
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", [-1, 10]),
    ];

    fn option(index: libmimalloc_sys::mi_option_t) -> c_long {
        // SAFETY: reads an option; any option index is valid to read.
        unsafe { libmimalloc_sys::mi_option_get(index) }
    }

    /// Each option must follow its environment variable, which mimalloc
    /// reads at start: so the index is that option's. Run by the next
    /// test, in a process of its own.
    #[test]
    #[ignore = "run by the_option_indexes_are_those_of_their_variables"]
    fn reads_the_options_their_environment_variables_set() {
        for (index, variable, _) in OPTIONS {
            let set: c_long = std::env::var(variable).unwrap().parse().unwrap();
            assert_eq!(option(index), set, "{variable}");
        }
    }

    #[test]
    fn the_option_indexes_are_those_of_their_variables() {
        for which in 0..2 {
            let mut command = std::process::Command::new(std::env::current_exe().unwrap());
            command.args([
                "--exact",
                "--ignored",
                "allocator::tests::reads_the_options_their_environment_variables_set",
            ]);
            for (_, variable, values) in OPTIONS {
                command.env(variable, values[which].to_string());
            }
            let child = command.output().unwrap();
            assert!(
                child.status.success(),
                "values #{which}: {}",
                String::from_utf8_lossy(&child.stdout)
            );
        }
    }

    #[test]
    fn configure_stops_purging_and_decommitting() {
        configure();
        assert_eq!(option(PURGE_DECOMMITS), 0);
        assert_eq!(option(PURGE_DELAY), -1);
    }
}
