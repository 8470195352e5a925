//! `memolint.toml`: finding it, reading it, and reporting its mistakes
//! with a file, line and column.
//!
//! A configuration is found by walking up from a checked path to the first
//! `memolint.toml`, or the first `Cargo.toml` with a
//! `[package.metadata.memolint]` / `[workspace.metadata.memolint]` table.
//! Unknown keys and wrong types are errors, not warnings: a typo in a rule
//! name that silently does nothing is worse than a failed run.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::CATEGORIES;
use crate::diagnostic::Level;
use crate::rules;

/// The LRU capacity inserted fixes use when the config does not say.
pub const DEFAULT_FIX_CAPACITY: usize = 1024;

/// Files larger than this are not read unless the config says otherwise:
/// generated tables that large hold no memoization worth checking, and
/// reading them costs time and memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// The file name memolint looks for.
pub const CONFIG_FILE_NAME: &str = "memolint.toml";

/// What the user wrote, exactly as in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    /// Bytes, or a string with a unit (`"4MiB"`); checked in `from_raw`
    /// so that a mistake gets a message that says what is expected.
    #[serde(default, rename = "max-file-size")]
    max_file_size: Option<Spanned<toml::Value>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Level>,
    #[serde(default)]
    sources: BTreeMap<Spanned<String>, Vec<String>>,
    #[serde(default)]
    memoizers: RawMemoizers,
    #[serde(default)]
    fix: RawFix,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMemoizers {
    #[serde(default)]
    attributes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFix {
    capacity: Option<Spanned<i64>>,
}

/// `Cargo.toml`, read only as far as the memolint metadata goes.
#[derive(Debug, Deserialize)]
struct CargoManifest {
    package: Option<MetadataHolder>,
    workspace: Option<MetadataHolder>,
}

#[derive(Debug, Deserialize)]
struct MetadataHolder {
    metadata: Option<Metadata>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    memolint: Option<RawConfig>,
}

/// A configuration ready to use.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from; `None` for the built-in defaults.
    pub origin: Option<PathBuf>,
    /// The directory `exclude` patterns are relative to.
    pub root: PathBuf,
    exclude: GlobSet,
    /// Rule levels by rule code, for rules the file mentions.
    pub levels: BTreeMap<&'static str, Level>,
    /// Extra catalog entries by category (`pure` lists harmless functions).
    pub sources: BTreeMap<String, Vec<String>>,
    /// Extra memoizing attributes, as full paths.
    pub memoizer_attributes: Vec<String>,
    /// LRU capacity for inserted fixes.
    pub fix_capacity: usize,
    /// Files larger than this many bytes are skipped (ML001).
    pub max_file_size: u64,
}

/// A configuration that could not be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub location: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                line,
                column,
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Built-in defaults, rooted at `root`.
    pub fn default_for(root: &Path) -> Config {
        Config {
            origin: None,
            root: root.to_path_buf(),
            exclude: GlobSet::empty(),
            levels: BTreeMap::new(),
            sources: BTreeMap::new(),
            memoizer_attributes: Vec::new(),
            fix_capacity: DEFAULT_FIX_CAPACITY,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// Finds the configuration that governs `start` (a file or directory) by
    /// walking up its ancestors; the defaults if there is none.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let first_dir = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(Path::new("/"))
        };
        for dir in first_dir.ancestors() {
            let candidate = dir.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            let manifest = dir.join("Cargo.toml");
            if manifest.is_file() {
                if let Some(config) = Config::from_cargo_manifest(&manifest)? {
                    return Ok(config);
                }
            }
        }
        Ok(Config::default_for(first_dir))
    }

    /// Reads a `memolint.toml` (or a file given with `--config`).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read_text(path)?;
        if path.file_name().is_some_and(|name| name == "Cargo.toml") {
            return match Config::from_cargo_text(path, &text)? {
                Some(config) => Ok(config),
                None => Ok(Config::default_for(parent_dir(path))),
            };
        }
        let raw: RawConfig =
            toml::from_str(&text).map_err(|error| toml_error(path, &text, &error))?;
        Config::from_raw(path, &text, raw)
    }

    /// Reads the memolint table of a `Cargo.toml`, if it has one. A manifest
    /// that does not mention memolint is none of our business here (crate
    /// discovery reports it if it is broken); one that does but is not
    /// valid TOML may hold a configuration we cannot read, which is an
    /// error like any broken configuration.
    fn from_cargo_manifest(path: &Path) -> Result<Option<Config>, ConfigError> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(None);
        };
        if !text.contains("memolint") {
            return Ok(None);
        }
        Config::from_cargo_text(path, &text)
    }

    fn from_cargo_text(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
        let manifest: CargoManifest =
            toml::from_str(text).map_err(|error| toml_error(path, text, &error))?;
        let raw = [manifest.package, manifest.workspace]
            .into_iter()
            .flatten()
            .filter_map(|holder| holder.metadata?.memolint)
            .next();
        raw.map(|raw| Config::from_raw(path, text, raw)).transpose()
    }

    fn from_raw(path: &Path, text: &str, raw: RawConfig) -> Result<Config, ConfigError> {
        let error_at = |span: Range<usize>, message: String| ConfigError {
            path: path.to_path_buf(),
            location: Some(line_col(text, span.start)),
            message,
        };
        let root = parent_dir(path).to_path_buf();

        let mut globs = GlobSetBuilder::new();
        for pattern in &raw.exclude {
            let glob = Glob::new(pattern.get_ref()).map_err(|error| {
                error_at(
                    pattern.span(),
                    format!("invalid exclude pattern: {}", error.kind()),
                )
            })?;
            globs.add(glob);
            // `dir` should also exclude everything below it, as in gitignore.
            if !pattern.get_ref().ends_with("/**") {
                if let Ok(below) = Glob::new(&format!("{}/**", pattern.get_ref())) {
                    globs.add(below);
                }
            }
        }
        let exclude = globs
            .build()
            .map_err(|error| error_at(0..0, format!("invalid exclude patterns: {error}")))?;

        let mut levels = BTreeMap::new();
        for (key, level) in &raw.rules {
            let rule = rules::find(key.get_ref()).ok_or_else(|| {
                error_at(
                    key.span(),
                    format!(
                        "unknown rule `{}` (run `memolint rules` for the list)",
                        key.get_ref()
                    ),
                )
            })?;
            levels.insert(rule.meta().code, *level);
        }

        let mut sources = BTreeMap::new();
        for (category, entries) in raw.sources {
            let name = category.get_ref();
            if name != "pure" && !CATEGORIES.contains(&name.as_str()) {
                return Err(error_at(
                    category.span(),
                    format!(
                        "unknown source category `{name}` (expected one of: {}, pure)",
                        CATEGORIES.join(", ")
                    ),
                ));
            }
            sources.insert(category.into_inner(), entries);
        }

        let fix_capacity = match raw.fix.capacity {
            None => DEFAULT_FIX_CAPACITY,
            Some(capacity) => match usize::try_from(*capacity.get_ref()) {
                Ok(value) if value > 0 => value,
                _ => {
                    return Err(error_at(
                        capacity.span(),
                        "`fix.capacity` must be a positive integer".to_string(),
                    ))
                }
            },
        };

        let max_file_size = match &raw.max_file_size {
            None => DEFAULT_MAX_FILE_SIZE,
            Some(value) => parse_size(value.get_ref()).ok_or_else(|| {
                error_at(
                    value.span(),
                    "`max-file-size` must be a positive number of bytes or a string such as \"512KiB\", \"4MiB\" or \"1GB\"".to_string(),
                )
            })?,
        };

        Ok(Config {
            origin: Some(path.to_path_buf()),
            root,
            exclude,
            levels,
            sources,
            memoizer_attributes: raw.memoizers.attributes,
            fix_capacity,
            max_file_size,
        })
    }

    /// Whether `path` matches an `exclude` pattern of this configuration.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => self.exclude.is_match(relative),
            Err(_) => false,
        }
    }
}

/// `max-file-size`: a positive integer (bytes) or a string of digits and an
/// optional unit (`B`, `KB`, `KiB`, `MB`, `MiB`, `GB`, `GiB`, any case).
fn parse_size(value: &toml::Value) -> Option<u64> {
    let bytes = match value {
        toml::Value::Integer(n) => u64::try_from(*n).ok()?,
        toml::Value::String(text) => {
            let text = text.trim();
            let split = text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len());
            let (digits, unit) = text.split_at(split);
            let number: u64 = digits.parse().ok()?;
            let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
                "" | "b" => 1,
                "kb" => 1_000,
                "kib" => 1 << 10,
                "mb" => 1_000_000,
                "mib" => 1 << 20,
                "gb" => 1_000_000_000,
                "gib" => 1 << 30,
                _ => return None,
            };
            number.checked_mul(factor)?
        }
        _ => return None,
    };
    (bytes > 0).then_some(bytes)
}

/// `4 MiB`, `1.5 KiB (1536 bytes)`, `100 bytes`: sizes for messages.
pub fn format_size(bytes: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= size {
            if bytes % size == 0 {
                return format!("{} {unit}", bytes / size);
            }
            return format!("{:.1} {unit} ({bytes} bytes)", bytes as f64 / size as f64);
        }
    }
    format!("{bytes} bytes")
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn read_text(path: &Path) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|error| ConfigError {
        path: path.to_path_buf(),
        location: None,
        message: format!("cannot read configuration: {error}"),
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(error.as_bytes());
        ConfigError {
            path: path.to_path_buf(),
            location: Some(line_col(&text, offset)),
            message: "configuration is not valid UTF-8".to_string(),
        }
    })
}

fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        location: error.span().map(|span| line_col(text, span.start)),
        message: error.message().trim_end().to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset in a TOML
/// text; a byte-order mark takes no column.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    if line_start == 0 && before.starts_with("\u{feff}".as_bytes()) {
        line_start = 3;
    }
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The commented configuration `memolint init` writes.
pub const INIT_TEMPLATE: &str = r#"# memolint configuration. Every key is optional; this file shows the defaults.
# Documentation: `memolint explain CODE` and `memolint rules`.

# Glob patterns, relative to this file, for paths memolint must not check.
# `target/`, hidden directories and .gitignore'd paths are always skipped.
exclude = []

# Files larger than this are not checked (each is reported as ML001
# unparsable-file). A number of bytes, or a string with a unit:
# "512KiB", "4MiB", "1GB".
max-file-size = "4MiB"

[rules]
# Levels are "allow" (off), "warn" or "deny". Codes work as keys too.
# unparsable-file = "warn"
# unused-suppression = "warn"
# unbounded-memo-cache = "warn"
# overlapping-recursion = "warn"

[sources]
# Extend the catalog of nondeterministic and side-effecting APIs, by category:
# time, random, io, network, env, process, global-state, output.
# time = ["crate::clock::now"]
# io = ["db::Pool::query"]
# Functions known to be harmless, even if a category above matches them:
# pure = ["crate::log::trace"]

[memoizers]
# Extra attributes that memoize the function they are put on (full paths).
# attributes = ["my_macros::memo"]

[fix]
# LRU capacity of the caches `memolint fix` inserts.
capacity = 1024
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn init_template_is_a_valid_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), CONFIG_FILE_NAME, INIT_TEMPLATE);
        let config = Config::load(&path).unwrap();
        assert_eq!(config.fix_capacity, DEFAULT_FIX_CAPACITY);
        assert_eq!(config.max_file_size, DEFAULT_MAX_FILE_SIZE);
    }

    #[test]
    fn max_file_size_takes_bytes_or_units_and_rejects_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        for (value, bytes) in [
            ("1000", 1000),
            ("\"1000\"", 1000),
            ("\"512KiB\"", 512 * 1024),
            ("\"4 MiB\"", 4 << 20),
            ("\"2mb\"", 2_000_000),
            ("\"1GiB\"", 1 << 30),
        ] {
            let path = write(
                dir.path(),
                CONFIG_FILE_NAME,
                &format!("max-file-size = {value}\n"),
            );
            assert_eq!(Config::load(&path).unwrap().max_file_size, bytes, "{value}");
        }
        for value in [
            "0",
            "-5",
            "\"4 parsecs\"",
            "\"MiB\"",
            "4.5",
            "true",
            "\"99999999999GiB\"",
        ] {
            let path = write(
                dir.path(),
                CONFIG_FILE_NAME,
                &format!("exclude = []\nmax-file-size = {value}\n"),
            );
            let error = Config::load(&path).unwrap_err();
            assert_eq!(error.location, Some((2, 17)), "{value}");
            assert!(error.message.contains("max-file-size"), "{}", error.message);
        }
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(format_size(4 << 20), "4 MiB");
        assert_eq!(format_size(1536), "1.5 KiB (1536 bytes)");
        assert_eq!(format_size(100), "100 bytes");
    }

    #[test]
    fn levels_accept_codes_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            CONFIG_FILE_NAME,
            "[rules]\nML001 = \"deny\"\nunbounded-memo-cache = \"allow\"\n",
        );
        let config = Config::load(&path).unwrap();
        assert_eq!(config.levels.get("ML001"), Some(&Level::Deny));
        assert_eq!(config.levels.get("ML103"), Some(&Level::Allow));
    }

    #[test]
    fn unknown_keys_name_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            CONFIG_FILE_NAME,
            "exclude = []\nfrobnicate = 1\n",
        );
        let error = Config::load(&path).unwrap_err();
        assert_eq!(error.location, Some((2, 1)));
        assert!(error.message.contains("frobnicate"), "{}", error.message);
    }

    #[test]
    fn wrong_types_and_unknown_rules_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), CONFIG_FILE_NAME, "[rules]\nML103 = \"loud\"\n");
        let error = Config::load(&path).unwrap_err();
        assert_eq!(error.location.map(|l| l.0), Some(2));
        assert!(error.message.contains("loud"), "{}", error.message);

        let path = write(
            dir.path(),
            CONFIG_FILE_NAME,
            "[rules]\n\nML999 = \"warn\"\n",
        );
        let error = Config::load(&path).unwrap_err();
        assert_eq!(error.location, Some((3, 1)));
        assert!(error.message.contains("unknown rule `ML999`"));

        let path = write(dir.path(), CONFIG_FILE_NAME, "[fix]\ncapacity = 0\n");
        let error = Config::load(&path).unwrap_err();
        assert_eq!(error.location, Some((2, 12)));
    }

    #[test]
    fn discovery_walks_up_and_reads_cargo_metadata() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"x\"\n\n[package.metadata.memolint]\nexclude = [\"gen\"]\n",
        );
        std::fs::create_dir_all(dir.path().join("src/gen")).unwrap();
        let config = Config::discover(&dir.path().join("src")).unwrap();
        assert!(config.origin.as_ref().unwrap().ends_with("Cargo.toml"));
        assert!(config.is_excluded(&dir.path().join("gen/a.rs")));
        assert!(!config.is_excluded(&dir.path().join("src/gen/a.rs")));
    }
}
