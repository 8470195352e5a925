//! Baselines: adopting memolint on a code base with existing findings.
//!
//! `check --write-baseline FILE` records the current findings;
//! `check --baseline FILE` then reports only findings that are not in it.
//! A finding is recorded by its rule, its file (relative to the baseline
//! file's directory, with `/`), the function it is in, and a hash of its
//! message with numbers and spacing normalised (`crate::fingerprint`):
//! never by line or column, so that editing a file elsewhere keeps its old
//! findings baselined, while a new finding, even in the same function,
//! is reported. Entries are a multiset: two identical findings need two
//! entries.
//!
//! The file is JSON, sorted, one entry per finding, with the message for
//! the human reading a diff of it (only the hash is compared).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::plural;
use crate::diagnostic::Finding;
use crate::discover::io_error_text;
use crate::fingerprint::message_hash;
use crate::pipeline::Outcome;

/// Bump when entries change meaning; older files are then rejected with a
/// message saying to write them again.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    code: String,
    /// Relative to the baseline file's directory, `/`-separated.
    path: String,
    function: Option<String>,
    message_hash: String,
    /// For people reading the file; not compared.
    #[serde(default)]
    message: String,
}

/// What two entries must share to match: everything but the message.
type Key = (String, String, Option<String>, String);

impl Entry {
    fn into_key(self) -> Key {
        (self.code, self.path, self.function, self.message_hash)
    }
}

/// A loaded baseline.
#[derive(Debug)]
pub struct Baseline {
    /// As given on the command line, for messages.
    path: PathBuf,
    /// The directory entry paths are relative to.
    dir: PathBuf,
    entries: Vec<Entry>,
}

/// What applying a baseline did, for the line on stderr.
#[derive(Debug, PartialEq, Eq)]
pub struct Applied {
    pub path: PathBuf,
    /// Findings dropped because the baseline has them.
    pub baselined: usize,
    /// Entries for checked files that matched no finding: fixed, or
    /// changed beyond recognition.
    pub gone: usize,
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "baseline {}: {} hidden, {} no longer {} any finding",
            self.path.display(),
            plural(self.baselined, "finding", "findings"),
            plural(self.gone, "entry", "entries"),
            if self.gone == 1 { "matches" } else { "match" },
        )?;
        if self.gone > 0 {
            write!(f, " (write the baseline again to drop them)")?;
        }
        Ok(())
    }
}

impl Baseline {
    /// Reads a baseline file; the error is a complete message.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            format!(
                "cannot read baseline {}: {}",
                path.display(),
                io_error_text(&error)
            )
        })?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|error| format!("invalid baseline {}: {error}", path.display()))?;
        if file.version != BASELINE_VERSION {
            return Err(format!(
                "baseline {} has version {}, this memolint reads version {BASELINE_VERSION}: write it again with --write-baseline",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            dir: base_dir(path),
            entries: file.findings,
        })
    }

    /// A baseline of `outcome`'s findings, to be written at `path`.
    pub fn from_findings(outcome: &Outcome, path: &Path) -> Baseline {
        let dir = base_dir(path);
        let mut entries: Vec<Entry> = outcome
            .findings
            .iter()
            .map(|finding| entry(outcome, &dir, finding))
            .collect();
        entries.sort();
        Baseline {
            path: path.to_path_buf(),
            dir,
            entries,
        }
    }

    /// Writes the baseline; returns the number of entries.
    pub fn write(&self, path: &Path) -> Result<usize, String> {
        let file = BaselineFile {
            version: BASELINE_VERSION,
            findings: self.entries.clone(),
        };
        let mut json = serde_json::to_string_pretty(&file)
            .map_err(|error| format!("cannot write baseline {}: {error}", path.display()))?;
        json.push('\n');
        write_replacing(path, json.as_bytes()).map_err(|error| {
            format!(
                "cannot write baseline {}: {}",
                path.display(),
                io_error_text(&error)
            )
        })?;
        Ok(self.entries.len())
    }

    /// Drops the findings the baseline has.
    pub fn apply(&self, outcome: &mut Outcome) -> Applied {
        let mut remaining: HashMap<Key, usize> = HashMap::new();
        for entry in &self.entries {
            *remaining.entry(entry.clone().into_key()).or_default() += 1;
        }
        let findings = std::mem::take(&mut outcome.findings);
        let mut baselined = 0;
        for finding in findings {
            let key = entry(outcome, &self.dir, &finding).into_key();
            match remaining.get_mut(&key) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    baselined += 1;
                }
                _ => outcome.findings.push(finding),
            }
        }
        // Entries of files this run did not look at are not "gone".
        let checked: BTreeSet<String> = outcome
            .checked_files
            .iter()
            .map(|path| relative_path(&self.dir, path))
            .collect();
        let gone = remaining
            .iter()
            .filter(|((_, path, _, _), _)| checked.contains(path))
            .map(|(_, count)| count)
            .sum();
        Applied {
            path: self.path.clone(),
            baselined,
            gone,
        }
    }
}

/// Creates or replaces `path` through a temporary file and a rename, so
/// that a reader never sees half a baseline; an existing file's
/// permissions are kept.
fn write_replacing(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".memolint-baseline-")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(temp.path(), metadata.permissions())?;
    }
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

fn entry(outcome: &Outcome, dir: &Path, finding: &Finding) -> Entry {
    let path = outcome
        .sources
        .get(finding.primary.span.file)
        .map(|source| relative_path(dir, &source.path))
        .unwrap_or_default();
    Entry {
        code: finding.code.to_string(),
        path,
        function: finding.function.clone(),
        message_hash: message_hash(&finding.message),
        message: finding.message.clone(),
    }
}

/// The absolute directory of a baseline file.
fn base_dir(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    normalise(absolute.parent().unwrap_or(Path::new("/")))
}

/// `.` and `..` resolved without touching the file system (memolint never
/// follows links, and the paths need not exist).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `file` relative to the directory `dir` (both absolute), `/`-separated,
/// with `..` where `file` is not below `dir`.
fn relative_path(dir: &Path, file: &Path) -> String {
    let file = normalise(file);
    let dir_parts: Vec<Component> = dir.components().collect();
    let file_parts: Vec<Component> = file.components().collect();
    let common = dir_parts
        .iter()
        .zip(&file_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        // Another drive or an unrelated path: keep it whole.
        return file.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); dir_parts.len() - common];
    parts.extend(
        file_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_baseline_directory() {
        let dir = Path::new("/repo/ci");
        assert_eq!(
            relative_path(dir, Path::new("/repo/ci/src/a.rs")),
            "src/a.rs"
        );
        assert_eq!(
            relative_path(dir, Path::new("/repo/src/./a.rs")),
            "../src/a.rs"
        );
        assert_eq!(
            relative_path(dir, Path::new("/repo/x/../src/a.rs")),
            "../src/a.rs"
        );
    }

    fn finding(function: &str, message: &str) -> Finding {
        use crate::diagnostic::{Label, Level};
        use crate::source::{FileId, Span};
        Finding {
            code: "ML103",
            name: "unbounded-memo-cache",
            level: Level::Warn,
            message: message.to_string(),
            primary: Label::new(Span::new(FileId(0), 0..1), ""),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            function: Some(function.to_string()),
            fix: None,
        }
    }

    fn outcome(findings: Vec<Finding>) -> Outcome {
        use crate::source::{FileId, SourceFile};
        let path = PathBuf::from("/repo/src/a.rs");
        let mut outcome = Outcome {
            findings,
            checked_files: vec![path.clone()],
            ..Outcome::default()
        };
        outcome.sources.insert(SourceFile::new(
            FileId(0),
            path,
            "src/a.rs".into(),
            "x".into(),
        ));
        outcome
    }

    #[test]
    fn matching_is_by_function_and_message_and_counts_duplicates() {
        let path = Path::new("/repo/baseline.json");
        let recorded = outcome(vec![
            finding("c::f", "`f` reads the clock at line 3"),
            finding("c::g", "`g` is unbounded"),
            finding("c::g", "`g` is unbounded"),
        ]);
        let baseline = Baseline::from_findings(&recorded, path);
        assert_eq!(baseline.entries[0].path, "src/a.rs");

        let mut later = outcome(vec![
            // Moved down: line numbers in messages do not matter.
            finding("c::f", "`f` reads the clock at line 30"),
            // New in the same function: a different message.
            finding("c::f", "`f` reads an environment variable"),
            // One of the two duplicates is gone.
            finding("c::g", "`g` is unbounded"),
        ]);
        let applied = baseline.apply(&mut later);
        assert_eq!((applied.baselined, applied.gone), (2, 1));
        let left: Vec<&str> = later.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(left, vec!["`f` reads an environment variable"]);
    }

    #[test]
    fn the_summary_says_both_numbers() {
        let applied = Applied {
            path: "b.json".into(),
            baselined: 1,
            gone: 2,
        };
        assert_eq!(
            applied.to_string(),
            "baseline b.json: 1 finding hidden, 2 entries no longer match any finding (write the baseline again to drop them)"
        );
    }
}
