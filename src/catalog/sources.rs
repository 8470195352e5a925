//! `rules/sources.toml`: APIs whose result is nondeterministic (ML101) or
//! that have side effects (ML102), by category, plus the user's `[sources]`.
//!
//! Matching is by full, resolved path. When several entries match, the most
//! specific wins whatever its category (an exact entry beats a glob, a longer
//! glob beats a shorter one, a `methods` entry beats a `types` entry), which
//! is how `std::fs::write` is `output` while the rest of `std::fs::*` is
//! `io`. The user's entries win over the built-in ones, and `pure` entries
//! win over everything.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

const SOURCES_TOML: &str = include_str!("../../rules/sources.toml");

/// Whether a category makes a cached answer stale or skips an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EffectKind {
    /// The result depends on something other than the arguments (ML101).
    Nondeterministic,
    /// Something happens that a cache hit silently skips (ML102).
    SideEffect,
}

/// A category of sources (`time`, `network`, `output`, ...).
#[derive(Clone, Debug)]
pub struct Category {
    pub name: String,
    pub kind: EffectKind,
    /// Completes "... because it {summary}".
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    categories: BTreeMap<String, RawCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    kind: EffectKind,
    summary: String,
    #[serde(default)]
    functions: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    macros: Vec<String>,
}

/// What a call matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMatch {
    /// Index into [`SourceCatalog::categories`].
    pub category: usize,
    /// The catalog entry that matched, for the message.
    pub entry: String,
}

/// Entries of one kind (functions, methods, ...), exact and glob.
#[derive(Clone, Debug, Default)]
struct Table {
    exact: HashMap<String, usize>,
    /// `(prefix, category)` for `prefix::*`, longest prefix first.
    globs: Vec<(String, usize)>,
}

impl Table {
    fn add(&mut self, entry: &str, category: usize) {
        match entry.strip_suffix("::*") {
            Some(prefix) => self.globs.push((prefix.to_string(), category)),
            None => {
                self.exact.entry(entry.to_string()).or_insert(category);
            }
        }
    }

    fn finish(&mut self) {
        self.globs
            .sort_by_key(|glob| std::cmp::Reverse(glob.0.len()));
    }

    /// The most specific entry matching `path`, with the entry's text.
    fn lookup(&self, path: &str) -> Option<(usize, String)> {
        if let Some(&category) = self.exact.get(path) {
            return Some((category, path.to_string()));
        }
        self.globs
            .iter()
            .find(|(prefix, _)| {
                path.len() > prefix.len() + 2
                    && path.starts_with(prefix.as_str())
                    && path[prefix.len()..].starts_with("::")
            })
            .map(|(prefix, category)| (*category, format!("{prefix}::*")))
    }
}

/// Every entry of one origin (built-in or the user's).
#[derive(Clone, Debug, Default)]
struct Tables {
    functions: Table,
    methods: Table,
    types: Table,
    macros: Table,
}

impl Tables {
    fn finish(&mut self) {
        for table in [
            &mut self.functions,
            &mut self.methods,
            &mut self.types,
            &mut self.macros,
        ] {
            table.finish();
        }
    }
}

/// The catalog of sources one unit is checked against.
#[derive(Clone, Debug)]
pub struct SourceCatalog {
    pub categories: Vec<Category>,
    builtin: Tables,
    /// The user's `[sources]`: one list per category, matched as functions,
    /// as `Type::method` methods and as macros.
    user: Table,
    /// The user's `pure` entries: never a source.
    pure: Table,
    /// `methods` entries whose type is not a listed type, which is how
    /// trait methods (`diesel::RunQueryDsl::load`) are listed: method name
    /// → `(trait path, category)`.
    trait_methods: HashMap<String, Vec<(String, usize)>>,
}

impl SourceCatalog {
    /// The built-in catalog extended by the configuration's `[sources]`.
    pub fn new(user_sources: &BTreeMap<String, Vec<String>>) -> SourceCatalog {
        let mut catalog = builtin().clone();
        for (category, entries) in user_sources {
            let table = if category == "pure" {
                &mut catalog.pure
            } else {
                match catalog.categories.iter().position(|c| &c.name == category) {
                    // The configuration has validated the category names.
                    Some(index) => {
                        for entry in entries {
                            catalog.user.add(entry, index);
                        }
                        continue;
                    }
                    None => continue,
                }
            };
            for entry in entries {
                table.add(entry, usize::MAX);
            }
        }
        catalog.user.finish();
        catalog.pure.finish();
        catalog
    }

    /// The index of the category called `name`.
    pub fn category(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }

    /// A call of a function or associated function by full path.
    pub fn function(&self, path: &str) -> Option<SourceMatch> {
        self.matched(path, || self.builtin.functions.lookup(path))
    }

    /// A method call on a receiver of the known type `type_path`.
    pub fn method(&self, type_path: &str, method: &str) -> Option<SourceMatch> {
        let full = format!("{type_path}::{method}");
        self.matched(&full, || {
            self.builtin
                .methods
                .lookup(&full)
                .or_else(|| self.builtin.types.lookup(type_path))
        })
    }

    /// A call of method `method` on a receiver of unknown type, matched
    /// through a trait in scope: `in_scope(trait_path)` says whether the
    /// caller's file imports that trait (by name or by glob).
    pub fn trait_method(
        &self,
        method: &str,
        in_scope: impl Fn(&str) -> bool,
    ) -> Option<SourceMatch> {
        let candidates = self.trait_methods.get(method)?;
        let (trait_path, category) = candidates.iter().find(|(path, _)| in_scope(path))?;
        let full = format!("{trait_path}::{method}");
        if self.pure.lookup(&full).is_some() {
            return None;
        }
        Some(SourceMatch {
            category: *category,
            entry: full,
        })
    }

    /// A macro call by full path (`std::println`).
    pub fn macro_call(&self, path: &str) -> Option<SourceMatch> {
        self.matched(path, || self.builtin.macros.lookup(path))
    }

    fn matched(
        &self,
        path: &str,
        builtin: impl FnOnce() -> Option<(usize, String)>,
    ) -> Option<SourceMatch> {
        if self.pure.lookup(path).is_some() {
            return None;
        }
        self.user
            .lookup(path)
            .or_else(builtin)
            .map(|(category, entry)| SourceMatch { category, entry })
    }
}

/// The built-in catalog, parsed once per process.
fn builtin() -> &'static SourceCatalog {
    static BUILTIN: OnceLock<SourceCatalog> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let file: SourcesFile =
            toml::from_str(SOURCES_TOML).expect("rules/sources.toml is checked by a unit test");
        // Categories in the rule book's order, not the file's.
        let mut categories = Vec::new();
        let mut tables = Tables::default();
        for name in super::CATEGORIES {
            let Some(raw) = file.categories.get(*name) else {
                continue;
            };
            let index = categories.len();
            categories.push(Category {
                name: name.to_string(),
                kind: raw.kind,
                summary: raw.summary.clone(),
            });
            for entry in &raw.functions {
                tables.functions.add(entry, index);
            }
            for entry in &raw.methods {
                tables.methods.add(entry, index);
            }
            for entry in &raw.types {
                tables.types.add(entry, index);
            }
            for entry in &raw.macros {
                tables.macros.add(entry, index);
            }
        }
        tables.finish();
        let mut trait_methods: HashMap<String, Vec<(String, usize)>> = HashMap::new();
        for (entry, &category) in &tables.methods.exact {
            let Some((type_path, method)) = entry.rsplit_once("::") else {
                continue;
            };
            if tables.types.lookup(type_path).is_none() {
                trait_methods
                    .entry(method.to_string())
                    .or_default()
                    .push((type_path.to_string(), category));
            }
        }
        for candidates in trait_methods.values_mut() {
            candidates.sort();
        }
        SourceCatalog {
            categories,
            builtin: tables,
            user: Table::default(),
            pure: Table::default(),
            trait_methods,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> SourceCatalog {
        SourceCatalog::new(&BTreeMap::new())
    }

    fn category_of(found: Option<SourceMatch>, catalog: &SourceCatalog) -> Option<String> {
        found.map(|m| catalog.categories[m.category].name.clone())
    }

    #[test]
    fn the_builtin_catalog_parses_with_every_category_in_order() {
        let file: SourcesFile = toml::from_str(SOURCES_TOML).unwrap();
        for name in file.categories.keys() {
            assert!(
                super::super::CATEGORIES.contains(&name.as_str()),
                "unknown category {name}"
            );
        }
        let catalog = catalog();
        let names: Vec<&str> = catalog.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, super::super::CATEGORIES);
    }

    #[test]
    fn most_specific_entry_wins_across_categories() {
        let c = catalog();
        assert_eq!(
            category_of(c.function("std::time::Instant::now"), &c).as_deref(),
            Some("time")
        );
        assert_eq!(
            category_of(c.function("std::fs::read_to_string"), &c).as_deref(),
            Some("io")
        );
        assert_eq!(
            category_of(c.function("std::fs::write"), &c).as_deref(),
            Some("output")
        );
        assert_eq!(
            category_of(c.macro_call("std::println"), &c).as_deref(),
            Some("output")
        );
        assert_eq!(
            category_of(c.method("std::fs::File", "write_all"), &c).as_deref(),
            Some("output")
        );
        assert_eq!(
            category_of(c.method("std::fs::File", "read_to_string"), &c).as_deref(),
            Some("io")
        );
        assert_eq!(c.function("std::thread::sleep"), None);
        assert_eq!(c.function("std::cmp::max"), None);
        // A glob does not match its own prefix.
        assert_eq!(c.function("std::fs"), None);
    }

    #[test]
    fn trait_methods_match_only_when_the_trait_is_in_scope() {
        let c = catalog();
        let found = c.trait_method("load", |t| t == "diesel::RunQueryDsl");
        assert_eq!(category_of(found, &c).as_deref(), Some("network"));
        assert_eq!(c.trait_method("load", |_| false), None);
        // `std::fs::File` is a listed type, not a trait: an unknown receiver
        // calling `write_all` is not a file write.
        assert_eq!(c.trait_method("write_all", |t| t == "std::fs::File"), None);
    }

    #[test]
    fn user_entries_extend_and_pure_entries_override() {
        let mut user = BTreeMap::new();
        user.insert("time".to_string(), vec!["crate_x::clock::now".to_string()]);
        user.insert("network".to_string(), vec!["my_db::*".to_string()]);
        user.insert("pure".to_string(), vec!["std::env::var".to_string()]);
        let c = SourceCatalog::new(&user);
        assert_eq!(
            category_of(c.function("crate_x::clock::now"), &c).as_deref(),
            Some("time")
        );
        assert_eq!(
            category_of(c.function("my_db::Pool::query"), &c).as_deref(),
            Some("network")
        );
        assert_eq!(
            category_of(c.method("my_db::Pool", "query"), &c).as_deref(),
            Some("network")
        );
        assert_eq!(c.function("std::env::var"), None);
        assert_eq!(
            category_of(c.function("std::env::vars"), &c).as_deref(),
            Some("env")
        );
    }
}
