//! Adding the dependencies fixed code needs to `Cargo.toml`, with
//! `toml_edit` so that formatting, ordering and comments stay as they were.
//!
//! An existing entry is reused wherever it is: `[dependencies]`, a
//! `[target.'cfg(..)'.dependencies]` table, or a workspace-inherited
//! `lru.workspace = true`. A member of a workspace that keeps its versions
//! in `[workspace.dependencies]` gets `lru.workspace = true`, and the
//! workspace gets the version if it lacks it.

use std::path::{Path, PathBuf};

use toml_edit::{value, DocumentMut, Item, Table};

use crate::diagnostic::Dependency;

/// One manifest's text before and after.
pub struct ManifestChange {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
}

/// The `Cargo.toml` of the package that owns `file`: the nearest one
/// above it with a `[package]` table.
pub fn owning_manifest(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).find_map(|dir| {
        let candidate = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&candidate).ok()?;
        let doc: DocumentMut = text.parse().ok()?;
        doc.contains_key("package").then_some(candidate)
    })
}

/// Adds `needed` to the package manifest at `path` (and, for workspace
/// members, to the workspace's `[workspace.dependencies]`).
pub fn add_dependencies(path: &Path, needed: &[Dependency]) -> Result<Vec<ManifestChange>, String> {
    let old = read(path)?;
    let mut doc = parse(path, &old)?;
    let workspace = workspace_with_shared_dependencies(path)?;
    let mut workspace_doc = match &workspace {
        Some((_, text)) => Some(parse(path, text)?),
        None => None,
    };

    let mut changed = false;
    let mut workspace_changed = false;
    for dependency in needed {
        if has_dependency(&doc, &dependency.name) {
            continue;
        }
        let dependencies = table_mut(doc.as_table_mut(), "dependencies");
        match workspace_doc.as_mut() {
            Some(ws) => {
                let mut inherited = toml_edit::InlineTable::new();
                inherited.insert("workspace", true.into());
                dependencies.insert(&dependency.name, value(inherited));
                let shared = table_mut(table_mut(ws.as_table_mut(), "workspace"), "dependencies");
                if !shared.contains_key(&dependency.name) {
                    shared.insert(&dependency.name, value(dependency.version.as_str()));
                    workspace_changed = true;
                }
            }
            None => {
                dependencies.insert(&dependency.name, value(dependency.version.as_str()));
            }
        }
        changed = true;
    }

    let mut changes = Vec::new();
    if changed {
        changes.push(ManifestChange {
            path: path.to_path_buf(),
            new: doc.to_string(),
            old,
        });
    }
    if let (true, Some((ws_path, ws_old)), Some(ws_doc)) =
        (workspace_changed, workspace, workspace_doc)
    {
        changes.push(ManifestChange {
            path: ws_path,
            new: ws_doc.to_string(),
            old: ws_old,
        });
    }
    Ok(changes)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read: {}", crate::discover::io_error_text(&e)))
}

fn parse(path: &Path, text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>().map_err(|e| {
        format!(
            "cannot add a dependency to {}: it is not valid TOML: {e}",
            path.display()
        )
    })
}

/// Whether the package already depends on `name`, in any form.
fn has_dependency(doc: &DocumentMut, name: &str) -> bool {
    let in_table = |item: Option<&Item>| {
        item.and_then(Item::as_table_like)
            .is_some_and(|t| t.contains_key(name))
    };
    if in_table(doc.get("dependencies")) {
        return true;
    }
    doc.get("target")
        .and_then(Item::as_table_like)
        .is_some_and(|targets| {
            targets
                .iter()
                .any(|(_, target)| in_table(target.get("dependencies")))
        })
}

/// The workspace root manifest above `package_manifest`, if it keeps
/// shared versions in `[workspace.dependencies]`.
fn workspace_with_shared_dependencies(
    package_manifest: &Path,
) -> Result<Option<(PathBuf, String)>, String> {
    let package_dir = package_manifest.parent().unwrap_or(Path::new("."));
    for dir in package_dir.ancestors() {
        let candidate = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&candidate) else {
            continue;
        };
        let doc = parse(&candidate, &text)?;
        let Some(workspace) = doc.get("workspace") else {
            continue;
        };
        let shares = workspace
            .get("dependencies")
            .and_then(Item::as_table_like)
            .is_some();
        return Ok(shares.then_some((candidate, text)));
    }
    Ok(None)
}

/// The table `key` of `parent`, created (as a standard table) if missing.
fn table_mut<'t>(parent: &'t mut Table, key: &str) -> &'t mut Table {
    if !parent.contains_key(key) {
        parent.insert(key, Item::Table(Table::new()));
    }
    let item = parent.get_mut(key).expect("just inserted");
    if let Some(inline) = item.as_inline_table().cloned() {
        *item = Item::Table(inline.into_table());
    }
    item.as_table_mut().expect("a table")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lru() -> Vec<Dependency> {
        vec![Dependency {
            name: "lru".to_string(),
            version: "0.16".to_string(),
        }]
    }

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn adds_to_dependencies_keeping_comments_and_order() {
        let dir = tree(&[(
            "Cargo.toml",
            "[package]\nname = \"x\" # the name\nversion = \"0.1.0\"\n\n[dependencies]\n# parsing\nsyn = \"2\"\n\n[dev-dependencies]\ninsta = \"1\"\n",
        )]);
        let changes = add_dependencies(&dir.path().join("Cargo.toml"), &lru()).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].new,
            "[package]\nname = \"x\" # the name\nversion = \"0.1.0\"\n\n[dependencies]\n# parsing\nsyn = \"2\"\nlru = \"0.16\"\n\n[dev-dependencies]\ninsta = \"1\"\n"
        );
    }

    #[test]
    fn creates_the_dependencies_table_when_missing() {
        let dir = tree(&[(
            "Cargo.toml",
            "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
        )]);
        let changes = add_dependencies(&dir.path().join("Cargo.toml"), &lru()).unwrap();
        assert!(
            changes[0].new.ends_with("[dependencies]\nlru = \"0.16\"\n"),
            "{}",
            changes[0].new
        );
    }

    #[test]
    fn reuses_existing_target_and_inherited_entries() {
        for manifest in [
            "[package]\nname = \"x\"\n[dependencies]\nlru = \"0.12\"\n",
            "[package]\nname = \"x\"\n[target.'cfg(unix)'.dependencies]\nlru = \"0.12\"\n",
            "[package]\nname = \"x\"\n[dependencies]\nlru.workspace = true\n",
        ] {
            let dir = tree(&[("Cargo.toml", manifest)]);
            assert!(add_dependencies(&dir.path().join("Cargo.toml"), &lru())
                .unwrap()
                .is_empty());
        }
    }

    #[test]
    fn workspace_members_inherit_from_workspace_dependencies() {
        let dir = tree(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\"]\n\n[workspace.dependencies]\nserde = \"1\"\n",
            ),
            (
                "a/Cargo.toml",
                "[package]\nname = \"a\"\n\n[dependencies]\nserde.workspace = true\n",
            ),
        ]);
        let changes = add_dependencies(&dir.path().join("a/Cargo.toml"), &lru()).unwrap();
        assert_eq!(changes.len(), 2);
        assert!(
            changes[0].new.contains("lru = { workspace = true }"),
            "{}",
            changes[0].new
        );
        assert!(
            changes[1].new.contains("serde = \"1\"\nlru = \"0.16\"\n"),
            "{}",
            changes[1].new
        );
    }
}
