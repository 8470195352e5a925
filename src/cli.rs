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

use crate::baseline::Baseline;
use crate::config::{CONFIG_FILE_NAME, INIT_TEMPLATE};
use crate::diagnostic::Level;
use crate::fix::{self, FixOptions};
use crate::pipeline::{self, Options, Outcome};
use crate::report::{self, Format};
use crate::rules;
use crate::suppress;

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
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long, conflicts_with_all = ["add_suppressions", "write_baseline"])]
    statistics: bool,
    /// Exit 0 even when findings fail the run (errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in a baseline file and exit.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["baseline", "add_suppressions"]
    )]
    write_baseline: Option<PathBuf>,
    /// Insert a `// memolint: allow(CODE) -- REASON` comment above every
    /// current finding (not in the --baseline, if one is given) and exit.
    #[arg(
        long,
        value_name = "REASON",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    add_suppressions: Option<String>,
    /// Benchmark floor: read and parse every file with the same discovery
    /// and threads as a check, then report nothing (see `bench/`).
    #[arg(long, hide = true)]
    parse_only: bool,
    /// Summarise test functions' bodies too, before anything refers to
    /// them: the same findings at a higher cost (see `bench/`).
    #[arg(long, hide = true)]
    summarize_every_body: bool,
    /// Parse every file, also those whose text shows nothing to check, so
    /// that a syntax error anywhere is reported (ML001); slower.
    #[arg(long)]
    parse_all: bool,
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
        ..Options::default()
    }
}

fn run_check(args: CheckArgs, invocation: Invocation) -> ExitCode {
    let common = &args.common;
    if args.statistics && matches!(common.format, Format::Sarif | Format::Github) {
        eprintln!(
            "error: --statistics prints a table (or JSON with --format json), not {}",
            format_name(common.format)
        );
        return ExitCode::from(2);
    }
    // A baseline that cannot be read is an error (exit 2), but the check
    // still runs and reports everything, as for any other error.
    let baseline = args.baseline.as_deref().map(Baseline::load);
    let mut options = pipeline_options(&args.paths, common, invocation);
    options.parse_only = args.parse_only;
    options.summarize_every_body = args.summarize_every_body;
    options.parse_all = args.parse_all;
    options.progress = io::stderr().is_terminal() && !common.format.is_machine() && !common.quiet;
    let mut outcome = pipeline::run(&options);
    let mut stderr = StandardStream::stderr(color_choice(common.color, io::stderr().is_terminal()));

    if let Some(path) = &args.write_baseline {
        return write_baseline(&outcome, path, common, &mut stderr);
    }
    let mut baseline_summary = None;
    match baseline {
        Some(Ok(baseline)) => baseline_summary = Some(baseline.apply(&mut outcome)),
        Some(Err(error)) => outcome.errors.push(error),
        None => {}
    }
    // After the baseline: with both, only new findings get a comment.
    if let Some(reason) = &args.add_suppressions {
        return add_suppressions(&outcome, reason, common, &mut stderr);
    }

    let rendered = match &args.output {
        Some(path) => render_to_file(&args, &outcome, path),
        None => {
            let mut stdout =
                StandardStream::stdout(color_choice(common.color, io::stdout().is_terminal()));
            let result = render_report(&args, &outcome, &mut stdout);
            let _ = stdout.flush();
            match result {
                Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the report: {error}"))
                }
                _ => Ok(()),
            }
        }
    };
    if let Err(error) = rendered {
        outcome.errors.push(error);
    }
    report_problems(&outcome, common, &mut stderr);
    if let (Some(summary), false) = (&baseline_summary, common.quiet) {
        let _ = writeln!(stderr, "{summary}");
    }
    if args.exit_zero && outcome.errors.is_empty() {
        return ExitCode::SUCCESS;
    }
    exit_code(&outcome, common.deny_warnings)
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

fn render_report(args: &CheckArgs, outcome: &Outcome, out: &mut dyn WriteColor) -> io::Result<()> {
    if args.statistics {
        report::render_statistics(args.common.format, outcome, out)
    } else {
        report::render(args.common.format, outcome, out)
    }
}

/// `--output FILE`: the report goes to a file, without colours unless
/// `--color always` asks for them.
fn render_to_file(args: &CheckArgs, outcome: &Outcome, path: &Path) -> Result<(), String> {
    let bytes = if args.common.color == ColorArg::Always {
        let mut out = termcolor::Ansi::new(Vec::new());
        render_report(args, outcome, &mut out).map(|()| out.into_inner())
    } else {
        let mut out = termcolor::NoColor::new(Vec::new());
        render_report(args, outcome, &mut out).map(|()| out.into_inner())
    };
    bytes
        .and_then(|bytes| std::fs::write(path, bytes))
        .map_err(|error| {
            format!(
                "cannot write the report to {}: {}",
                path.display(),
                crate::discover::io_error_text(&error)
            )
        })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Human => "human",
        Format::Short => "short",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Github => "github",
    }
}

/// `--add-suppressions[=REASON]`: comments above every finding, then a
/// count on stderr.
fn add_suppressions(
    outcome: &Outcome,
    reason: &str,
    common: &CommonArgs,
    stderr: &mut StandardStream,
) -> ExitCode {
    let mut errors = outcome.errors.clone();
    if !errors.is_empty() {
        // The findings may be incomplete, or a bad baseline would not have
        // hidden anything: editing files now would do what nobody asked.
        errors.push("no suppressions were added because the run had errors".to_string());
        for error in &errors {
            print_tagged(stderr, termcolor::Color::Red, "error", error);
        }
        return ExitCode::from(2);
    }
    let reason = Some(reason.trim()).filter(|r| !r.is_empty());
    let added = suppress::insert::add_suppressions(outcome, reason);
    errors.extend(added.errors.iter().cloned());
    for error in &errors {
        print_tagged(stderr, termcolor::Color::Red, "error", error);
    }
    if !common.quiet {
        for warning in outcome.warnings.iter().chain(&added.skipped) {
            print_tagged(stderr, termcolor::Color::Yellow, "warning", warning);
        }
        let _ = writeln!(stderr, "{}", added.summary());
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// `--write-baseline FILE`: record the findings, unless the run had errors
/// (a baseline of an incomplete run would hide nothing and mislead).
fn write_baseline(
    outcome: &Outcome,
    path: &Path,
    common: &CommonArgs,
    stderr: &mut StandardStream,
) -> ExitCode {
    let mut errors = outcome.errors.clone();
    if errors.is_empty() {
        match Baseline::from_findings(outcome, path).write(path) {
            Ok(count) => {
                if !common.quiet {
                    let _ = writeln!(
                        stderr,
                        "wrote {} to {}",
                        plural(count, "baseline entry", "baseline entries"),
                        path.display()
                    );
                }
            }
            Err(error) => errors.push(error),
        }
    } else {
        errors.push(format!(
            "{} was not written because the run had errors",
            path.display()
        ));
    }
    for error in &errors {
        print_tagged(stderr, termcolor::Color::Red, "error", error);
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Errors, warnings and the summary go to stderr so that stdout holds only
/// findings.
fn report_problems(outcome: &Outcome, common: &CommonArgs, stderr: &mut StandardStream) {
    if !common.format.reports_errors() {
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
