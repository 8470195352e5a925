//! The diagnostics model: what a rule reports.
//!
//! A [`Finding`] is plain data (byte spans, strings) so that it can leave the
//! worker thread that produced it; renderers in `report/` turn it into text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::source::Span;

/// How seriously a rule's findings are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The rule does not run.
    Allow,
    /// Reported; fails the run only with `--deny-warnings`.
    Warn,
    /// Reported and fails the run.
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// One step less severe, used for findings whose damage is bounded (a TTL
    /// on a cache bounds how long a stale answer lives).
    pub fn lowered(self) -> Level {
        match self {
            Level::Deny => Level::Warn,
            Level::Warn | Level::Allow => Level::Allow,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "allow" => Ok(Level::Allow),
            "warn" => Ok(Level::Warn),
            "deny" => Ok(Level::Deny),
            other => Err(format!(
                "unknown level `{other}` (expected `allow`, `warn` or `deny`)"
            )),
        }
    }
}

/// A span with a message, as in rustc's `^^^ message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// Whether a fix may be applied without a human looking at it
/// (the same scale as clippy's and ruff's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the program's behaviour; `memolint fix` applies it.
    Safe,
    /// Probably right but may change behaviour; needs `--unsafe-fixes`.
    Unsafe,
}

/// Replace `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A crate the fixed code needs in the owning package's `Cargo.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    /// The version requirement to add when the package lacks it.
    pub version: String,
}

/// A machine-applicable change attached to a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// A dependency the edited code uses, if any.
    pub dependency: Option<Dependency>,
}

/// One problem found by one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    pub message: String,
    /// Where the problem is; `primary.message` is the short label under it.
    pub primary: Label,
    /// Related places: the memoizing attribute, the overlapping calls, …
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// Qualified name of the function the finding is about, if any.
    pub function: Option<String>,
    pub fix: Option<Fix>,
}

impl Finding {
    /// Ordering key that makes output deterministic whatever the thread
    /// schedule: by file, position, then rule.
    pub fn sort_key(&self) -> (u32, usize, usize, &'static str, &str) {
        (
            self.primary.span.file.0,
            self.primary.span.start,
            self.primary.span.end,
            self.code,
            &self.message,
        )
    }
}
