use std::process::ExitCode;

fn main() -> ExitCode {
    memolint::cli::main(std::env::args_os(), memolint::cli::Invocation::Direct)
}
