use std::process::ExitCode;

#[global_allocator]
static GLOBAL: memolint::allocator::Allocator = memolint::allocator::ALLOCATOR;

fn main() -> ExitCode {
    memolint::allocator::configure();
    memolint::cli::main(std::env::args_os(), memolint::cli::Invocation::Direct)
}
