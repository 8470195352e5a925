//! Which file and stage a worker is on, so that a panic (a bug in memolint)
//! is reported as an internal error naming the file it happened in.
//!
//! A unit holds many files and is checked as a whole, so the pipeline's
//! `catch_unwind` alone would only know the unit. The stages mark the file
//! they work on in a thread-local as they go (a cheap store); when a panic
//! unwinds to the pipeline, the last mark names the culprit. A panic hook
//! keeps the default "thread panicked at" text off stderr for panics that
//! are caught and reported this way (set `RUST_BACKTRACE` to see it anyway).
//!
//! For tests only, debug builds panic on purpose while indexing a file
//! whose name is the value of `MEMOLINT_TEST_PANIC_ON` (see
//! `tests/nasty_inputs.rs`); release builds ignore the variable.

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::sync::Once;

use crate::source::FileId;

/// What a worker is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Parse,
    Index,
    Analyze,
    /// Running the rule with this code.
    Rule(&'static str),
}

impl Stage {
    fn describe(self) -> String {
        match self {
            Stage::Parse => "parsing".to_string(),
            Stage::Index => "indexing".to_string(),
            Stage::Analyze => "analysing".to_string(),
            Stage::Rule(code) => format!("running rule {code} on"),
        }
    }
}

thread_local! {
    static STAGE: Cell<Stage> = const { Cell::new(Stage::Parse) };
    static FILE: Cell<Option<FileId>> = const { Cell::new(None) };
    /// Inside [`catch`]: panics here are reported, not printed.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// What the hook saw of the last caught panic: message and location.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The file to panic on, for tests (debug builds only).
    static ARMED: Cell<Option<FileId>> = const { Cell::new(None) };
}

/// Marks the stage the worker enters; the current file is unknown until
/// [`enter_file`] says it.
pub fn enter_stage(stage: Stage) {
    STAGE.with(|s| s.set(stage));
    FILE.with(|f| f.set(None));
}

/// Marks the file the current stage works on now.
pub fn enter_file(file: FileId) {
    FILE.with(|f| f.set(Some(file)));
    if ARMED.with(Cell::get) == Some(file) && STAGE.with(Cell::get) == Stage::Index {
        panic!("MEMOLINT_TEST_PANIC_ON: a deliberate panic for tests");
    }
}

/// A panic caught by [`catch`]: where it happened and what it said.
#[derive(Debug)]
pub struct Caught {
    pub stage: Stage,
    pub file: Option<FileId>,
    /// The panic message and its location in memolint's source.
    pub message: String,
}

impl Caught {
    /// `indexing src/a.rs`, given a way to name files.
    pub fn context(&self, name: impl Fn(FileId) -> String) -> String {
        match self.file {
            Some(file) => format!("{} {}", self.stage.describe(), name(file)),
            None => self.stage.describe(),
        }
    }
}

/// Runs `work`, turning a panic into [`Caught`]. `files` are the unit's
/// files with their paths, to arm the test-only panic.
pub fn catch<T>(files: &[(FileId, &Path)], work: impl FnOnce() -> T) -> Result<T, Caught> {
    install_hook();
    arm_for_tests(files);
    enter_stage(Stage::Parse);
    GUARDED.with(|g| g.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(false));
    ARMED.with(|a| a.set(None));
    result.map_err(|payload| Caught {
        stage: STAGE.with(Cell::get),
        file: FILE.with(Cell::get),
        message: CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref())),
    })
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Chains a hook in front of the existing one (once per process) that
/// records guarded panics instead of printing them.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                return previous(info);
            }
            let mut message = payload_text(info.payload());
            if let Some(location) = info.location() {
                message.push_str(&format!(" (at {location})"));
            }
            CAUGHT.with(|c| *c.borrow_mut() = Some(message));
            if std::env::var_os("RUST_BACKTRACE").is_some() {
                previous(info);
            }
        }));
    });
}

#[cfg(debug_assertions)]
fn arm_for_tests(files: &[(FileId, &Path)]) {
    let Some(name) = std::env::var_os("MEMOLINT_TEST_PANIC_ON") else {
        return;
    };
    let armed = files
        .iter()
        .find(|(_, path)| path.file_name() == Some(name.as_os_str()))
        .map(|(id, _)| *id);
    ARMED.with(|a| a.set(armed));
}

#[cfg(not(debug_assertions))]
fn arm_for_tests(_: &[(FileId, &Path)]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_names_its_stage_and_file() {
        let caught = catch(&[], || {
            enter_stage(Stage::Index);
            enter_file(FileId(7));
            panic!("boom {}", 1);
        })
        .unwrap_err();
        assert_eq!(caught.stage, Stage::Index);
        assert_eq!(caught.file, Some(FileId(7)));
        assert!(
            caught.message.starts_with("boom 1 (at src/guard.rs:"),
            "{}",
            caught.message
        );
        assert_eq!(caught.context(|id| format!("f{}", id.0)), "indexing f7");
        assert_eq!(catch(&[], || 5).unwrap(), 5);
    }
}
