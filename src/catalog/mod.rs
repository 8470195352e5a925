//! The catalogs in `rules/`: data the rules consume, embedded in the binary.
//!
//! Keeping the lists of memoizing attributes and of nondeterministic APIs as
//! TOML (instead of match arms in the rules) lets users read and extend them
//! in `memolint.toml`, and lets a test check that they parse.

mod memoizers;
mod sources;

pub use memoizers::{Family, MemoizerAttribute, Memoizers};
pub use sources::{Category, EffectKind, SourceCatalog, SourceMatch};

/// The source categories, in the order the rule book lists them.
pub const CATEGORIES: &[&str] = &[
    "time",
    "random",
    "io",
    "network",
    "env",
    "process",
    "global-state",
    "output",
];
