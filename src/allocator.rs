//! The allocator memolint's binaries install, and its one setting.
//!
//! A check builds a whole unit's syntax trees (many small allocations),
//! frees them all at once and then builds the next unit's: mimalloc's
//! thread-local heaps make that markedly cheaper than the system allocator.
//! By default mimalloc returns purged memory to the kernel (`MADV_DONTNEED`),
//! so the next unit faults every page of it in again, zeroed; resetting
//! instead (`MADV_FREE`) lets the next unit reuse those pages as they are,
//! and the kernel still takes them back if it needs them. On the benchmark
//! corpus (`bench/`) at `-j1` this took minor page faults from about 87,000
//! to 2,900.

/// The type of the binaries' `#[global_allocator]`.
pub type Allocator = mimalloc::MiMalloc;

/// The binaries' `#[global_allocator]`.
pub const ALLOCATOR: Allocator = mimalloc::MiMalloc;

/// `mi_option_purge_decommits` of `mimalloc.h`: fifth in `mi_option_e` in
/// both mimalloc 2 and 3 (libmimalloc-sys names no constant for it).
const PURGE_DECOMMITS: libmimalloc_sys::mi_option_t = 5;

/// Makes purges reset pages instead of decommitting them. Call first in
/// `main`, before worker threads start.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores the value; mimalloc reads its
    // options atomically, and this option takes effect at the next purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DECOMMITS, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purges_decommit() -> bool {
        // SAFETY: reads an option; any option index is valid to read.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DECOMMITS) != 0 }
    }

    /// Whether purges decommit must follow `MIMALLOC_PURGE_DECOMMITS`, which
    /// mimalloc reads at start: so [`PURGE_DECOMMITS`] is that option. Run
    /// by the next test, in a process of its own.
    #[test]
    #[ignore = "run by the_option_index_is_purge_decommits"]
    fn reads_the_option_its_environment_variable_sets() {
        let set_to_zero = std::env::var_os("MIMALLOC_PURGE_DECOMMITS").is_some_and(|v| v == "0");
        assert_eq!(purges_decommit(), !set_to_zero);
    }

    #[test]
    fn the_option_index_is_purge_decommits() {
        for value in ["0", "1"] {
            let child = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "--ignored",
                    "allocator::tests::reads_the_option_its_environment_variable_sets",
                ])
                .env("MIMALLOC_PURGE_DECOMMITS", value)
                .output()
                .unwrap();
            assert!(
                child.status.success(),
                "MIMALLOC_PURGE_DECOMMITS={value}: {}",
                String::from_utf8_lossy(&child.stdout)
            );
        }
    }

    #[test]
    fn configure_stops_decommitting() {
        configure();
        assert!(!purges_decommit());
    }
}
