//! The command line: argument parsing (clap derive), dispatch to the
//! pipeline, and exit codes. Both binaries (`memolint` and
//! `cargo-memolint`) are thin wrappers around [`main`].
//!
//! Exit codes (README, "Exit codes"): 0 nothing failed; 1 findings that
//! fail the run; 2 the run could not do its job (bad arguments or
//! configuration, a missing path, an internal error), reported after
//! everything that could be checked was.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{self, StandardStream, WriteColor};

use crate::config::{CONFIG_FILE_NAME, INIT_TEMPLATE};
use crate::diagnostic::Level;
use crate::fix::{self, FixOptions};
use crate::pipeline::{self, Options, Outcome};
use crate::report::{self, Format};
use crate::rules;

/// Static analysis of memoization in Rust: stale caches, unbounded caches
/// and missed memoization.
#[derive(Debug, Parser)]
#[command(name = "memolint", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check crates and files (default: the current directory).
    Check(CheckArgs),
    /// Apply fixes: `safe` ones, and `unsafe` ones with `--unsafe-fixes`.
    Fix(FixArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule code (`ML101`) or name (`nondeterministic-memoized`).
        rule: String,
    },
    /// List the rules with their default levels and whether they fix.
    Rules,
    /// Write a commented default `memolint.toml` into a directory.
    Init {
        /// Where to write it.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace an existing `memolint.toml`.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files and directories to check.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
struct FixArgs {
    /// Files and directories to fix.
    paths: Vec<PathBuf>,
    /// Also apply fixes that may change behaviour.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print a unified diff of what would change and write nothing
    /// (exit 1 if anything would change).
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// Use this configuration file instead of discovering `memolint.toml`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Only run these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Never run these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Print findings and errors only: no summary, no warnings.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// How the program was started: cargo runs `cargo-memolint memolint ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invocation {
    Direct,
    CargoSubcommand,
}

/// Parses `args` (including the program name) and runs the command.
pub fn main(args: impl IntoIterator<Item = OsString>, invocation: Invocation) -> ExitCode {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if invocation == Invocation::CargoSubcommand && args.get(1).is_some_and(|a| a == "memolint") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version with exit code 0 and usage
            // errors with 2, which is ours too.
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    match cli.command {
        Command::Check(check) => run_check(check, invocation),
        Command::Fix(fix) => run_fix(fix, invocation),
        Command::Explain { rule } => explain(&rule),
        Command::Rules => list_rules(),
        Command::Init { dir, force } => init(&dir, force),
    }
}

fn pipeline_options(paths: &[PathBuf], common: &CommonArgs, invocation: Invocation) -> Options {
    let paths = if paths.is_empty() {
        vec![default_root(invocation)]
    } else {
        paths.to_vec()
    };
    Options {
        paths,
        config: common.config.clone(),
        jobs: common.jobs,
        select: common.select.clone(),
        ignore: common.ignore.clone(),
    }
}

fn run_check(args: CheckArgs, invocation: Invocation) -> ExitCode {
    let common = &args.common;
    let outcome = pipeline::run(&pipeline_options(&args.paths, common, invocation));
    report_outcome(&outcome, common)
}

/// Renders findings on stdout and problems on stderr; the exit code.
fn report_outcome(outcome: &Outcome, common: &CommonArgs) -> ExitCode {
    let mut stdout = StandardStream::stdout(color_choice(common.color, io::stdout().is_terminal()));
    let mut stderr = StandardStream::stderr(color_choice(common.color, io::stderr().is_terminal()));

    if let Err(error) = report::render(common.format, outcome, &mut stdout) {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {error}");
            return ExitCode::from(2);
        }
    }
    let _ = stdout.flush();
    report_problems(outcome, common, &mut stderr);
    exit_code(outcome, common.deny_warnings)
}

/// `memolint fix`: check, apply, say what changed and what could not be
/// fixed, then check again and report what remains.
fn run_fix(args: FixArgs, invocation: Invocation) -> ExitCode {
    let common = &args.common;
    let options = pipeline_options(&args.paths, common, invocation);
    let before = pipeline::run(&options);
    let fix_options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        diff_only: args.diff,
    };
    let report = fix::apply(&before.findings, &before.sources, fix_options);
    let mut stderr = StandardStream::stderr(color_choice(common.color, io::stderr().is_terminal()));
    for error in before.errors.iter().chain(&report.errors) {
        print_tagged(&mut stderr, termcolor::Color::Red, "error", error);
    }
    let failed = !before.errors.is_empty() || !report.errors.is_empty();

    if args.diff {
        print!("{}", report.diff);
        let _ = io::stdout().flush();
        if !common.quiet {
            for not_fixed in &report.not_fixed {
                let _ = writeln!(
                    stderr,
                    "not fixed: {}:{}: {} {}",
                    not_fixed.path, not_fixed.line, not_fixed.code, not_fixed.reason
                );
            }
        }
        return if failed {
            ExitCode::from(2)
        } else if report.changed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }

    if !common.quiet {
        for (path, count) in &report.changed {
            let fixes = if *count == 1 { "fix" } else { "fixes" };
            let _ = writeln!(stderr, "fixed: {path} ({count} {fixes})");
        }
        for not_fixed in &report.not_fixed {
            let _ = writeln!(
                stderr,
                "not fixed: {}:{}: {} {}",
                not_fixed.path, not_fixed.line, not_fixed.code, not_fixed.reason
            );
        }
    }
    let after = pipeline::run(&options);
    let code = report_outcome(&after, common);
    if failed {
        ExitCode::from(2)
    } else {
        code
    }
}

/// Errors, warnings and the summary go to stderr so that stdout holds only
/// findings.
fn report_problems(outcome: &Outcome, common: &CommonArgs, stderr: &mut StandardStream) {
    if !common.format.is_machine() {
        for error in &outcome.errors {
            print_tagged(stderr, termcolor::Color::Red, "error", error);
        }
    }
    if common.quiet {
        return;
    }
    for warning in &outcome.warnings {
        print_tagged(stderr, termcolor::Color::Yellow, "warning", warning);
    }
    if common.format == Format::Human {
        let _ = writeln!(
            stderr,
            "{}",
            report::summary(&outcome.findings, outcome.files_checked)
        );
    }
}

fn print_tagged(out: &mut StandardStream, color: termcolor::Color, tag: &str, message: &str) {
    let _ = out.set_color(
        termcolor::ColorSpec::new()
            .set_fg(Some(color))
            .set_bold(true),
    );
    let _ = write!(out, "{tag}");
    let _ = out.reset();
    let _ = writeln!(out, ": {message}");
}

fn exit_code(outcome: &Outcome, deny_warnings: bool) -> ExitCode {
    if !outcome.errors.is_empty() {
        return ExitCode::from(2);
    }
    let threshold = if deny_warnings {
        Level::Warn
    } else {
        Level::Deny
    };
    if outcome.findings.iter().any(|f| f.level >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn color_choice(arg: ColorArg, is_terminal: bool) -> termcolor::ColorChoice {
    match arg {
        ColorArg::Always => termcolor::ColorChoice::Always,
        ColorArg::Never => termcolor::ColorChoice::Never,
        // termcolor's `Auto` honours NO_COLOR and TERM=dumb but not
        // whether the stream is a terminal.
        ColorArg::Auto if is_terminal => termcolor::ColorChoice::Auto,
        ColorArg::Auto => termcolor::ColorChoice::Never,
    }
}

/// What to check when no path is given: the current directory, or, as a
/// cargo subcommand, the workspace that contains it (as `cargo clippy`).
fn default_root(invocation: Invocation) -> PathBuf {
    let cwd = PathBuf::from(".");
    if invocation == Invocation::Direct {
        return cwd;
    }
    let Ok(absolute) = std::env::current_dir() else {
        return cwd;
    };
    let mut root = None;
    for dir in absolute.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let is_workspace = text
            .parse::<toml::Table>()
            .is_ok_and(|table| table.contains_key("workspace"));
        if root.is_none() || is_workspace {
            root = Some(dir.to_path_buf());
        }
        if is_workspace {
            break;
        }
    }
    root.unwrap_or(cwd)
}

fn explain(key: &str) -> ExitCode {
    match rules::find(key) {
        Some(rule) => {
            print!("{}", rule.meta().doc);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: unknown rule `{key}` (run `memolint rules` for the list)");
            ExitCode::from(2)
        }
    }
}

fn list_rules() -> ExitCode {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<6} {:<27} {:<6} {:<4} {}\n",
        "code", "name", "level", "fix", "summary"
    ));
    for rule in rules::all() {
        let meta = rule.meta();
        out.push_str(&format!(
            "{:<6} {:<27} {:<6} {:<4} {}\n",
            meta.code,
            meta.name,
            meta.default_level.as_str(),
            meta.fixability.as_str(),
            meta.summary
        ));
    }
    print!("{out}");
    ExitCode::SUCCESS
}

fn init(dir: &Path, force: bool) -> ExitCode {
    let path = dir.join(CONFIG_FILE_NAME);
    if path.exists() && !force {
        eprintln!(
            "error: {} already exists (use --force to replace it)",
            path.display()
        );
        return ExitCode::from(2);
    }
    match std::fs::write(&path, INIT_TEMPLATE) {
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "error: cannot write {}: {}",
                path.display(),
                crate::discover::io_error_text(&error)
            );
            ExitCode::from(2)
        }
    }
}
