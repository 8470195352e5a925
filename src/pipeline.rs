//! The check pipeline, end to end:
//! discover → load → parse → index → analyze → rules → suppressions →
//! findings.
//!
//! Units are independent, so they run in parallel on worker threads with
//! large stacks (syn and the visitors recurse as deep as the code is
//! nested), biggest first within a memory budget (`schedule.rs`).
//! Everything syn produced for a unit lives and dies on the thread that
//! parsed it; only plain findings and source texts come back.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::analyze::{Analysis, Needs};
use crate::catalog::Memoizers;
use crate::config::Config;
use crate::diagnostic::{Finding, Level};
use crate::discover::{self, Discovery, Unit};
use crate::guard::{self, Stage};
use crate::index::{Index, Summaries};
use crate::parse;
use crate::prepass;
use crate::rules::{self, Context, FailureCause, FileFailure, Rule};
use crate::schedule;
use crate::source::{FileId, SourceFile};
use crate::suppress;

/// Stack size of worker threads: enough for thousands of nested
/// expressions. Only touched pages cost memory.
pub const WORKER_STACK_SIZE: usize = 256 * 1024 * 1024;

/// What to check and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--config FILE`, overriding discovery.
    pub config: Option<PathBuf>,
    /// Worker threads; 0 means one per available core.
    pub jobs: usize,
    /// `--select`: only these rules (codes or names), if not empty.
    pub select: Vec<String>,
    /// `--ignore`: never these rules.
    pub ignore: Vec<String>,
    /// Only read and parse each unit's files (the benchmark's floor).
    pub parse_only: bool,
    /// Summarise every function body as its file is parsed, test
    /// functions' too (the findings must not change).
    pub summarize_every_body: bool,
    /// Show files done / total on stderr once the run takes a moment.
    pub progress: bool,
    /// Parse every file, not only those the lexical pre-pass (`prepass`)
    /// finds something to check in.
    pub parse_all: bool,
}

/// The texts findings point into, for the renderers.
#[derive(Debug, Default)]
pub struct Sources {
    files: HashMap<FileId, SourceFile>,
}

impl Sources {
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(&id)
    }

    pub fn insert(&mut self, file: SourceFile) {
        self.files.insert(file.id, file);
    }
}

/// The result of a check run.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings at level `warn` or `deny`, sorted by file and position.
    pub findings: Vec<Finding>,
    pub sources: Sources,
    /// Problems that made the run fail (exit 2), already formatted.
    pub errors: Vec<String>,
    /// Problems worth a line on stderr that do not fail the run.
    pub warnings: Vec<String>,
    /// Number of `.rs` files looked at.
    pub files_checked: usize,
    /// Absolute paths of every file the run looked at (for baselines: an
    /// entry of a file that was not checked is not stale).
    pub checked_files: Vec<PathBuf>,
    /// The working directory of the run: displayed paths are relative to
    /// it, and SARIF's `%SRCROOT%` is it.
    pub root: PathBuf,
}

/// Runs the check pipeline.
pub fn run(options: &Options) -> Outcome {
    let mut outcome = Outcome {
        root: std::env::current_dir().unwrap_or_default(),
        ..Outcome::default()
    };
    let mut selection_ok = true;
    for key in options.select.iter().chain(&options.ignore) {
        if rules::find(key).is_none() {
            outcome.errors.push(format!(
                "unknown rule `{key}` in --select/--ignore (run `memolint rules` for the list)"
            ));
            selection_ok = false;
        }
    }
    if !selection_ok {
        return outcome;
    }

    let discovery = discover::discover(&options.paths, options.config.as_deref());
    outcome.errors.extend(discovery.errors.iter().cloned());
    outcome.warnings.extend(discovery.warnings.iter().cloned());
    outcome.files_checked = discovery.units.iter().map(|u| u.files.len()).sum();
    outcome.checked_files = discovery.files.clone();

    // Units run biggest first within a memory budget (see `schedule`).
    let weights: Vec<u64> = discovery
        .units
        .iter()
        .map(|unit| {
            unit.files
                .iter()
                .map(|id| std::fs::metadata(&discovery.files[id.0 as usize]).map_or(0, |m| m.len()))
                .sum()
        })
        .collect();
    let progress = options
        .progress
        .then(|| crate::progress::Progress::new(outcome.files_checked));
    let reporter = progress.clone().map(crate::progress::Reporter::start);
    let results = schedule::run(
        schedule::threads(options.jobs),
        WORKER_STACK_SIZE,
        &weights,
        schedule::DEFAULT_BUDGET,
        |i| {
            let unit = &discovery.units[i];
            let result = check_unit_guarded(unit, &discovery, options);
            if let Some(progress) = &progress {
                progress.add(unit.files.len());
            }
            result
        },
    );
    if let Some(reporter) = reporter {
        reporter.finish();
    }
    let results: Vec<UnitResult> = match results {
        Ok(results) => results,
        Err(error) => {
            outcome
                .errors
                .push(format!("cannot start worker threads: {error}"));
            return outcome;
        }
    };

    for result in results {
        outcome.findings.extend(result.findings);
        for source in result.sources {
            outcome.sources.insert(source);
        }
        outcome.errors.extend(result.errors);
    }
    outcome
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome.findings.dedup();
    outcome
}

struct UnitResult {
    findings: Vec<Finding>,
    /// Sources of the files the findings point into.
    sources: Vec<SourceFile>,
    errors: Vec<String>,
}

/// Checks a unit; a panic (a bug) is reported as an internal error naming
/// the file being worked on when it happened, instead of taking the run
/// down. The unit's other findings are lost with it; other units go on.
fn check_unit_guarded(unit: &Unit, discovery: &Discovery, options: &Options) -> UnitResult {
    let files: Vec<(FileId, &std::path::Path)> = unit
        .files
        .iter()
        .map(|id| (*id, discovery.files[id.0 as usize].as_path()))
        .collect();
    let result = guard::catch(&files, || check_unit(unit, discovery, options));
    // Every syn span of this unit is gone now; free proc-macro2's
    // per-thread source map so that memory follows the largest unit, not
    // the whole run.
    proc_macro2::extra::invalidate_current_thread_spans();
    result.unwrap_or_else(|caught| {
        let context = caught.context(|id| discovery.display[id.0 as usize].clone());
        let unit_name = unit
            .files
            .first()
            .map(|id| discovery.display[id.0 as usize].clone())
            .unwrap_or_else(|| "an empty unit".to_string());
        let context = if caught.file.is_some() {
            context
        } else {
            format!("{context} the unit of {unit_name}")
        };
        UnitResult {
            findings: Vec::new(),
            sources: Vec::new(),
            errors: vec![format!(
                "internal error while {context}: {} (please report this bug)",
                caught.message
            )],
        }
    })
}

fn check_unit(unit: &Unit, discovery: &Discovery, options: &Options) -> UnitResult {
    if options.parse_only {
        let paths = unit.files.iter().map(|id| &discovery.files[id.0 as usize]);
        parse::parse_floor(paths);
        return UnitResult {
            findings: Vec::new(),
            sources: Vec::new(),
            errors: Vec::new(),
        };
    }
    let files = discovery.files_of(unit);
    let active = active_rules(&unit.config, options);
    // Rules that read nothing of the code (ML001, ML002) need no index, so
    // no summaries of bodies either.
    let needs = needs_of(&active);
    let summaries = if options.summarize_every_body {
        Summaries::All
    } else {
        Summaries::DeferTests
    };
    // Files whose text shows nothing the rules could look at are left
    // unparsed, unless only ML001 and ML002 run (which are about parsing
    // and comments) or the user asks for every file.
    let select = |texts: &[Option<&str>]| {
        if needs == Needs::Nothing || options.parse_all {
            return parse::every_file(texts);
        }
        let paths: Vec<&std::path::Path> =
            files.iter().map(|(_, path, _)| path.as_path()).collect();
        let memoizers = Memoizers::new(&unit.config.memoizer_attributes);
        prepass::needed_files(texts, &paths, &unit.targets, &memoizers)
    };
    let mut suppressions = Vec::new();
    let loaded = parse::load_and_parse(&files, unit.config.max_file_size, select, |parsed| {
        suppressions.extend(suppress::scan_parsed(parsed));
        if needs != Needs::Nothing {
            parsed.prepare_for_index_with(summaries);
        }
    });
    suppressions.extend(
        loaded
            .failed_sources
            .iter()
            .filter_map(suppress::scan_unparsed),
    );

    let mut failures: Vec<FileFailure> = unit
        .failures
        .iter()
        .map(|(file, message)| FileFailure {
            file: *file,
            offset: None,
            message: message.clone(),
            cause: FailureCause::Read,
        })
        .collect();
    failures.extend(loaded.failures.iter().cloned());

    let findings = {
        guard::enter_stage(Stage::Index);
        let index = if needs == Needs::Nothing {
            Index::empty()
        } else {
            Index::build(&loaded.parsed, &unit.targets)
        };
        guard::enter_stage(Stage::Analyze);
        let analysis = Analysis::run(&index, &unit.config, needs);
        let cx = Context {
            index: &index,
            analysis: &analysis,
            config: &unit.config,
            failures: &failures,
        };
        run_rules(&cx, &active)
    };
    let active_codes: Vec<&'static str> = active.iter().map(|(rule, _)| rule.meta().code).collect();
    let unused_level = active
        .iter()
        .find(|(rule, _)| rule.meta().code == rules::ml002_unused_suppression::CODE)
        .map_or(Level::Allow, |&(_, level)| level);
    let findings = suppress::apply(
        suppressions,
        loaded
            .parsed
            .iter()
            .map(|parsed| &parsed.source)
            .chain(&loaded.failed_sources),
        findings,
        &suppress::Settings {
            active: &active_codes,
            unused_level,
        },
    );

    // Keep the texts of the files findings point into; drop the rest.
    let mut wanted: Vec<FileId> = findings
        .iter()
        .flat_map(|f| {
            std::iter::once(f.primary.span.file)
                .chain(f.labels.iter().map(|l| l.span.file))
                .chain(
                    f.fix
                        .iter()
                        .flat_map(|fix| fix.edits.iter().map(|e| e.span.file)),
                )
        })
        .collect();
    wanted.sort();
    wanted.dedup();
    let mut sources: Vec<SourceFile> = loaded
        .parsed
        .into_iter()
        .map(|parsed| parsed.source)
        .chain(loaded.failed_sources)
        .filter(|source| wanted.binary_search(&source.id).is_ok())
        .collect();
    for (file, _) in &unit.failures {
        if wanted.binary_search(file).is_ok() {
            let i = file.0 as usize;
            sources.push(SourceFile::new(
                *file,
                discovery.files[i].clone(),
                discovery.display[i].clone(),
                String::new(),
            ));
        }
    }
    UnitResult {
        findings,
        sources,
        errors: Vec::new(),
    }
}

/// The rules a unit runs, with their levels from the configuration and the
/// command line.
fn active_rules(config: &Config, options: &Options) -> Vec<(&'static dyn Rule, Level)> {
    rules::all()
        .iter()
        .map(|rule| (*rule, effective_level(*rule, config, options)))
        .filter(|(_, level)| *level != Level::Allow)
        .collect()
}

/// How much analysis the active rules read.
fn needs_of(active: &[(&'static dyn Rule, Level)]) -> Needs {
    active
        .iter()
        .map(|(rule, _)| rule.meta().needs)
        .max()
        .unwrap_or(Needs::Nothing)
}

/// Runs the active rules and gives each finding its rule's level.
fn run_rules(cx: &Context<'_, '_>, active: &[(&'static dyn Rule, Level)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for &(rule, level) in active {
        let default = rule.meta().default_level;
        guard::enter_stage(Stage::Rule(rule.meta().code));
        let mut out = Vec::new();
        rule.check(cx, &mut out);
        for mut finding in out {
            // A rule lowers a finding's level (a cache with a TTL) by
            // emitting it below the rule's default; keep that step.
            finding.level = if finding.level < default {
                level.lowered()
            } else {
                level
            };
            if finding.level != Level::Allow {
                findings.push(finding);
            }
        }
    }
    findings
}

fn effective_level(rule: &dyn Rule, config: &Config, options: &Options) -> Level {
    let meta = rule.meta();
    let named = |keys: &[String]| {
        keys.iter()
            .any(|key| rules::find(key).is_some_and(|r| std::ptr::eq(r.meta(), meta)))
    };
    if named(&options.ignore) {
        return Level::Allow;
    }
    let configured = config
        .levels
        .get(meta.code)
        .copied()
        .unwrap_or(meta.default_level);
    if options.select.is_empty() {
        return configured;
    }
    if !named(&options.select) {
        return Level::Allow;
    }
    // Selecting a rule that is off by default turns it on.
    configured.max(Level::Warn)
}
