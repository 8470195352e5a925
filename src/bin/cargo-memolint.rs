//! `cargo memolint ...`: cargo runs `cargo-memolint memolint ...`.

use std::process::ExitCode;

fn main() -> ExitCode {
    memolint::cli::main(
        std::env::args_os(),
        memolint::cli::Invocation::CargoSubcommand,
    )
}
