use std::process::ExitCode;

// syn trees are many small allocations made and freed by worker threads at
// once; mimalloc's per-thread heaps make both cheaper than the system
// allocator (measured by bench/run.py, see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    memolint::cli::main(std::env::args_os(), memolint::cli::Invocation::Direct)
}
