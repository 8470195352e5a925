//! `rules/memoizers.toml`: the attribute macros that memoize a function,
//! and which of their options bound the cache or set a time-to-live.

use std::sync::OnceLock;

use serde::Deserialize;

const MEMOIZERS_TOML: &str = include_str!("../../rules/memoizers.toml");

/// Whose semantics a memoizing attribute follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// The `cached` crate: `#[cached(size = N, time = S)]`.
    Cached,
    /// The `memoize` crate: `#[memoize(Capacity: N, TimeToLive: D)]`.
    Memoize,
    /// A framework that owns eviction (comemo, salsa).
    Framework,
    /// An attribute named in the user's `[memoizers]`.
    User,
}

/// One memoizing attribute macro.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MemoizerAttribute {
    pub name: String,
    pub family: Family,
    pub paths: Vec<String>,
    pub bounded: bool,
    pub size_options: Vec<String>,
    pub ttl_options: Vec<String>,
    pub store_options: Vec<String>,
    pub unbounded_options: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoizersFile {
    attribute: Vec<MemoizerAttribute>,
}

/// Every memoizing attribute memolint knows, built-in and configured.
#[derive(Clone, Debug)]
pub struct Memoizers {
    pub attributes: Vec<MemoizerAttribute>,
}

impl Memoizers {
    /// The built-in catalog plus the user's `[memoizers] attributes`.
    pub fn new(user_attributes: &[String]) -> Memoizers {
        let mut attributes = builtin_memoizers();
        for path in user_attributes {
            attributes.push(MemoizerAttribute {
                name: path.clone(),
                family: Family::User,
                paths: vec![path.clone()],
                bounded: false,
                size_options: Vec::new(),
                ttl_options: Vec::new(),
                store_options: Vec::new(),
                unbounded_options: Vec::new(),
            });
        }
        Memoizers { attributes }
    }

    /// The attribute reachable under `path` (a full path such as
    /// `cached::proc_macro::cached`).
    pub fn by_path(&self, path: &str) -> Option<&MemoizerAttribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.paths.iter().any(|p| p == path))
    }
}

fn builtin_memoizers() -> Vec<MemoizerAttribute> {
    // Parsed once per process, not once per analysis unit.
    static BUILTIN: OnceLock<Vec<MemoizerAttribute>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            let file: MemoizersFile = toml::from_str(MEMOIZERS_TOML)
                .expect("rules/memoizers.toml is checked by a unit test");
            file.attribute
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_memoizers_parse_and_resolve() {
        let memoizers = Memoizers::new(&["my::memo".to_string()]);
        assert_eq!(
            memoizers
                .by_path("cached::proc_macro::cached")
                .unwrap()
                .name,
            "cached"
        );
        assert!(
            memoizers
                .by_path("cached::proc_macro::once")
                .unwrap()
                .bounded
        );
        assert_eq!(memoizers.by_path("my::memo").unwrap().family, Family::User);
        assert!(memoizers.by_path("std::println").is_none());
    }
}
