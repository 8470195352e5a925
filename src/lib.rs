//! memolint: a static analyzer for memoization in Rust.
//!
//! The crate is a pipeline with data flowing one way (see `ARCHITECTURE.md`):
//! [`discover`] → [`parse`] → [`index`] → [`analyze`] → [`rules`] →
//! [`report`]. [`pipeline`] drives it; [`cli`] is the command line on top.

pub mod allocator;
pub mod analyze;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fingerprint;
pub mod fix;
pub mod graph;
pub mod guard;
pub mod index;
pub mod lexical;
pub mod nesting;
pub mod parse;
pub mod pipeline;
pub mod prepass;
pub mod progress;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod source;
pub mod suppress;
