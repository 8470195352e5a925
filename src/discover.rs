//! Discovery: from the paths on the command line to analysis units.
//!
//! A unit is what one worker analyses on its own: a Cargo workspace (so that
//! calls between members resolve), a package outside any workspace, or the
//! loose `.rs` files under one command-line path. The walk honours
//! `.gitignore`, skips `target/`, hidden entries and the configuration's
//! `exclude` globs, and never follows symbolic links, so that nothing outside
//! the checked tree is read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use serde::Deserialize;

use crate::config::{Config, ConfigError};
use crate::index::CrateTarget;
use crate::source::FileId;

/// Every file the run will look at, and how they group into units.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Absolute paths, indexed by [`FileId`].
    pub files: Vec<PathBuf>,
    /// Paths as shown to the user, indexed by [`FileId`].
    pub display: Vec<String>,
    pub units: Vec<Unit>,
    /// Problems that make the run fail (exit 2): a missing path, a broken
    /// configuration.
    pub errors: Vec<String>,
    /// Entries met during the walk that could not be read (reported as
    /// ML001 by the unit that owns them).
    pub walk_failures: Vec<(FileId, String)>,
    /// Problems worth a line on stderr that do not fail the run (a
    /// `Cargo.toml` memolint cannot read).
    pub warnings: Vec<String>,
}

impl Discovery {
    /// The files of `unit` as the loader takes them: id, path and the path
    /// shown to the user.
    pub fn files_of(&self, unit: &Unit) -> Vec<(FileId, PathBuf, String)> {
        unit.files
            .iter()
            .map(|id| {
                let i = id.0 as usize;
                (*id, self.files[i].clone(), self.display[i].clone())
            })
            .collect()
    }
}

/// A set of files analysed together.
#[derive(Debug)]
pub struct Unit {
    pub config: Arc<Config>,
    pub files: Vec<FileId>,
    pub targets: Vec<CrateTarget>,
    /// Walk failures that belong to this unit.
    pub failures: Vec<(FileId, String)>,
}

/// The parts of a `Cargo.toml` discovery needs.
#[derive(Debug, Default, Deserialize)]
struct Manifest {
    package: Option<ManifestPackage>,
    workspace: Option<toml::Value>,
    lib: Option<ManifestTarget>,
    #[serde(default)]
    bin: Vec<ManifestTarget>,
    /// Only the names and version requirements matter (for fixes).
    dependencies: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
struct ManifestPackage {
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ManifestTarget {
    name: Option<String>,
    path: Option<String>,
}

/// Walks `paths` and groups what it finds into units. `config_override` is
/// the `--config` file, which then governs every path.
pub fn discover(paths: &[PathBuf], config_override: Option<&Path>) -> Discovery {
    let mut discovery = Discovery::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    let override_config = match config_override {
        Some(path) => match Config::load(path) {
            Ok(config) => Some(Arc::new(config)),
            Err(error) => {
                discovery.errors.push(config_error_line(&error));
                return discovery;
            }
        },
        None => None,
    };

    let mut seen: HashMap<PathBuf, FileId> = HashMap::new();
    let mut manifests = ManifestCache::default();
    // (unit root, config origin) → unit index
    let mut unit_keys: BTreeMap<(PathBuf, Option<PathBuf>), usize> = BTreeMap::new();
    // (unit index, package directory) of the packages merged into units.
    let mut merged: HashSet<(usize, PathBuf)> = HashSet::new();

    for input in paths {
        let absolute = std::path::absolute(input).unwrap_or_else(|_| input.clone());
        let metadata = match std::fs::symlink_metadata(&absolute) {
            Ok(metadata) => metadata,
            Err(error) => {
                discovery
                    .errors
                    .push(format!("{}: {}", input.display(), io_error_text(&error)));
                continue;
            }
        };
        let config = match &override_config {
            Some(config) => Arc::clone(config),
            None => match Config::discover(&absolute) {
                Ok(config) => Arc::new(config),
                Err(error) => {
                    discovery.errors.push(config_error_line(&error));
                    continue;
                }
            },
        };

        let mut found: Vec<PathBuf> = Vec::new();
        let mut failures: Vec<(PathBuf, String)> = Vec::new();
        if metadata.file_type().is_symlink() {
            discovery.errors.push(format!(
                "{}: is a symbolic link; memolint does not follow links (pass the file it points to)",
                input.display()
            ));
            continue;
        }
        // A path named on the command line that cannot be read fails the
        // run (exit 2); what the walk meets below it is reported as ML001.
        if let Err(message) = check_readable(&absolute, &metadata) {
            discovery
                .errors
                .push(format!("{}: {message}", input.display()));
            continue;
        }
        if metadata.is_dir() {
            walk_dir(&absolute, &config, &mut found, &mut failures);
        } else {
            // A file named on the command line is checked whatever its name.
            found.push(absolute.clone());
        }

        for path in found {
            if seen.contains_key(&path) {
                continue;
            }
            let id = FileId(discovery.files.len() as u32);
            seen.insert(path.clone(), id);
            discovery.display.push(display_path(&path, &cwd));
            discovery.files.push(path.clone());

            let (root, package) = match manifests.package_of(&path, &mut discovery.warnings) {
                Some(package) => {
                    let root = manifests
                        .workspace_of(&package.dir, &mut discovery.warnings)
                        .unwrap_or_else(|| package.dir.clone());
                    (root, Some(package))
                }
                None => (absolute.clone(), None),
            };
            let key = (root, config.origin.clone());
            let unit_index = *unit_keys.entry(key).or_insert_with(|| {
                discovery.units.push(Unit {
                    config: Arc::clone(&config),
                    files: Vec::new(),
                    targets: Vec::new(),
                    failures: Vec::new(),
                });
                discovery.units.len() - 1
            });
            let unit = &mut discovery.units[unit_index];
            unit.files.push(id);
            // A package's targets join its unit once, with its first file.
            if let Some(package) = package {
                if merged.insert((unit_index, package.dir.clone())) {
                    for target in &package.targets {
                        if !unit.targets.iter().any(|t| t.root == target.root) {
                            unit.targets.push(target.clone());
                        }
                    }
                }
            }
        }

        for (path, message) in failures {
            let id = FileId(discovery.files.len() as u32);
            discovery.display.push(display_path(&path, &cwd));
            discovery.files.push(path);
            discovery.walk_failures.push((id, message));
        }
    }

    // Walk failures belong to the first unit of their run, or to a unit of
    // their own when nothing else was found.
    let failures = std::mem::take(&mut discovery.walk_failures);
    if !failures.is_empty() {
        if discovery.units.is_empty() {
            let config = override_config.unwrap_or_else(|| Arc::new(Config::default_for(&cwd)));
            discovery.units.push(Unit {
                config,
                files: Vec::new(),
                targets: Vec::new(),
                failures: Vec::new(),
            });
        }
        discovery.units[0].failures.extend(failures.iter().cloned());
        discovery.walk_failures = failures;
    }
    discovery
}

/// Whether a path named on the command line can be read: a directory that
/// can be listed, or a regular file that can be opened (a FIFO or a device
/// is refused before opening, which could block).
fn check_readable(path: &Path, metadata: &std::fs::Metadata) -> Result<(), String> {
    let result = if metadata.is_dir() {
        std::fs::read_dir(path).map(drop)
    } else if metadata.is_file() {
        std::fs::File::open(path).map(drop)
    } else {
        return Err("not a regular file or directory".to_string());
    };
    result.map_err(|error| format!("cannot read: {}", io_error_text(&error)))
}

fn walk_dir(
    root: &Path,
    config: &Config,
    found: &mut Vec<PathBuf>,
    failures: &mut Vec<(PathBuf, String)>,
) {
    let filter_config = config.clone();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && entry.depth() > 0 && entry.file_name() == "target" {
                return false;
            }
            entry.depth() == 0 || !filter_config.is_excluded(entry.path())
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let Some(file_type) = entry.file_type() else {
                    continue;
                };
                // Symbolic links are never followed: a link could lead out of
                // the checked tree, and a link inside it is checked at its
                // target.
                if file_type.is_file() && entry.path().extension().is_some_and(|e| e == "rs") {
                    found.push(entry.into_path());
                }
            }
            Err(error) => {
                if let Some((path, message)) = walk_error(&error) {
                    failures.push((path, message));
                }
            }
        }
    }
}

fn walk_error(error: &ignore::Error) -> Option<(PathBuf, String)> {
    match error {
        ignore::Error::WithPath { path, err } => {
            let message = match err.as_ref() {
                ignore::Error::Io(io) => io_error_text(io),
                other => other.to_string(),
            };
            Some((path.clone(), format!("cannot read: {message}")))
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Loop { child, .. } => {
            Some((child.clone(), "symbolic link loop".to_string()))
        }
        _ => None,
    }
}

/// `No such file or directory` rather than `... (os error 2)`.
pub fn io_error_text(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn config_error_line(error: &ConfigError) -> String {
    format!("invalid configuration: {error}")
}

/// The path as shown in reports: relative to the working directory when
/// below it, with control characters escaped (`\u{1b}`), so that a file
/// name can neither drive the terminal nor break a line of `short` output.
fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = match path.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.display().to_string(),
        _ => path.display().to_string(),
    };
    if !shown.contains(char::is_control) {
        return shown;
    }
    shown
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[derive(Clone, Debug)]
struct Package {
    dir: PathBuf,
    targets: Vec<CrateTarget>,
}

/// Reads each `Cargo.toml` at most once.
#[derive(Default)]
struct ManifestCache {
    manifests: HashMap<PathBuf, Option<Manifest>>,
    /// Shared, not copied, by the files of a package.
    packages: HashMap<PathBuf, Option<Rc<Package>>>,
    workspaces: HashMap<PathBuf, Option<PathBuf>>,
}

impl ManifestCache {
    fn manifest(&mut self, dir: &Path, warnings: &mut Vec<String>) -> Option<&Manifest> {
        if !self.manifests.contains_key(dir) {
            let path = dir.join("Cargo.toml");
            let manifest = match std::fs::read_to_string(&path) {
                Ok(text) => match toml::from_str::<Manifest>(&text) {
                    Ok(manifest) => Some(manifest),
                    Err(error) => {
                        let location = error
                            .span()
                            .map(|span| {
                                let (line, column) = crate::config::line_col(&text, span.start);
                                format!(":{line}:{column}")
                            })
                            .unwrap_or_default();
                        warnings.push(format!(
                            "{}{location}: invalid Cargo.toml, its crates are checked as loose files: {}",
                            path.display(),
                            error.message().trim_end()
                        ));
                        None
                    }
                },
                Err(error) => {
                    warnings.push(format!(
                        "{}: cannot read Cargo.toml, its crates are checked as loose files: {}",
                        path.display(),
                        io_error_text(&error)
                    ));
                    None
                }
            };
            self.manifests.insert(dir.to_path_buf(), manifest);
        }
        self.manifests.get(dir).and_then(Option::as_ref)
    }

    /// The package a file belongs to: the nearest `Cargo.toml` with a
    /// `[package]` above it.
    fn package_of(&mut self, file: &Path, warnings: &mut Vec<String>) -> Option<Rc<Package>> {
        let dir = file.parent()?;
        for ancestor in dir.ancestors() {
            if let Some(cached) = self.packages.get(ancestor) {
                if cached.is_some() {
                    return cached.clone();
                }
                continue;
            }
            let package = if ancestor.join("Cargo.toml").is_file() {
                self.manifest(ancestor, warnings)
                    .filter(|m| m.package.is_some())
                    .map(|m| {
                        Rc::new(Package {
                            dir: ancestor.to_path_buf(),
                            targets: targets_of(ancestor, m),
                        })
                    })
            } else {
                None
            };
            self.packages
                .insert(ancestor.to_path_buf(), package.clone());
            if package.is_some() {
                return package;
            }
        }
        None
    }

    /// The workspace root above (or at) a package directory, if any.
    fn workspace_of(&mut self, package_dir: &Path, warnings: &mut Vec<String>) -> Option<PathBuf> {
        if let Some(known) = self.workspaces.get(package_dir) {
            return known.clone();
        }
        let found = package_dir
            .ancestors()
            .find(|ancestor| {
                ancestor.join("Cargo.toml").is_file()
                    && self
                        .manifest(ancestor, warnings)
                        .is_some_and(|m| m.workspace.is_some())
            })
            .map(Path::to_path_buf);
        self.workspaces
            .insert(package_dir.to_path_buf(), found.clone());
        found
    }
}

/// The crate roots of a package, from its manifest and Cargo's conventions.
fn targets_of(dir: &Path, manifest: &Manifest) -> Vec<CrateTarget> {
    let package_name = manifest
        .package
        .as_ref()
        .and_then(|p| p.name.clone())
        .unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let crate_name = package_name.replace('-', "_");
    let dependencies: Vec<(String, String)> = manifest
        .dependencies
        .iter()
        .flatten()
        .map(|(name, spec)| {
            let version = match spec {
                toml::Value::String(version) => version.clone(),
                toml::Value::Table(table) => table
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                _ => String::new(),
            };
            (name.clone(), version)
        })
        .collect();
    let mut targets = Vec::new();
    let mut push = |name: String, root: PathBuf, is_lib: bool| {
        if root.is_file() && !targets.iter().any(|t: &CrateTarget| t.root == root) {
            targets.push(CrateTarget {
                name: name.replace('-', "_"),
                root,
                is_lib,
                package_dir: Some(dir.to_path_buf()),
                dependencies: dependencies.clone(),
            });
        }
    };

    let lib = manifest.lib.as_ref();
    let lib_name = lib
        .and_then(|l| l.name.clone())
        .unwrap_or_else(|| crate_name.clone());
    let lib_path = lib
        .and_then(|l| l.path.clone())
        .unwrap_or_else(|| "src/lib.rs".to_string());
    push(lib_name, dir.join(lib_path), true);
    push(crate_name.clone(), dir.join("src/main.rs"), false);
    for bin in &manifest.bin {
        let name = bin.name.clone().unwrap_or_else(|| crate_name.clone());
        let path = bin
            .path
            .clone()
            .unwrap_or_else(|| format!("src/bin/{name}.rs"));
        push(name, dir.join(path), false);
    }
    for folder in ["src/bin", "examples", "tests", "benches"] {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for path in entries {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.extension().is_some_and(|e| e == "rs") {
                push(stem, path, false);
            } else if path.join("main.rs").is_file() {
                push(stem, path.join("main.rs"), false);
            }
        }
    }
    push(
        "build_script_build".to_string(),
        dir.join("build.rs"),
        false,
    );
    targets
}
