//! Progress on stderr for long checks: `checking: 1234/5678 files`.
//!
//! The command line asks for it only when stderr is a terminal and the
//! format is for people, and it appears only once the run has taken more
//! than a moment: quick runs, pipes, logs and machine formats stay clean.
//! The line is rewritten in place and erased before the report is printed.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a run goes before progress appears.
const DELAY: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const INTERVAL: Duration = Duration::from_millis(100);

/// Files done out of the total, shared with the workers.
#[derive(Debug)]
pub struct Progress {
    total: usize,
    done: AtomicUsize,
}

impl Progress {
    pub fn new(total: usize) -> Arc<Progress> {
        Arc::new(Progress {
            total,
            done: AtomicUsize::new(0),
        })
    }

    /// Counts `files` more files as done.
    pub fn add(&self, files: usize) {
        self.done.fetch_add(files, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        let done = self.done.load(Ordering::Relaxed).min(self.total);
        format!("checking: {done}/{} files", self.total)
    }
}

/// The thread that draws the progress line; [`Reporter::finish`] stops it
/// and erases the line.
pub struct Reporter {
    stop: mpsc::Sender<()>,
    handle: Option<JoinHandle<()>>,
}

impl Reporter {
    /// Starts drawing `progress` on stderr after [`DELAY`].
    pub fn start(progress: Arc<Progress>) -> Reporter {
        let (stop, stopped) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("memolint-progress".to_string())
            .spawn(move || draw(&progress, &stopped))
            .ok();
        Reporter { stop, handle }
    }

    /// Stops drawing and erases the line; returns once it is erased.
    pub fn finish(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        let _ = self.stop.send(());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

fn draw(progress: &Progress, stopped: &mpsc::Receiver<()>) {
    if !matches!(stopped.recv_timeout(DELAY), Err(RecvTimeoutError::Timeout)) {
        return;
    }
    let mut stderr = std::io::stderr();
    loop {
        // `\r` and "erase line": the line is redrawn in place.
        let _ = write!(stderr, "\r\x1b[2K{}", progress.line());
        let _ = stderr.flush();
        if !matches!(
            stopped.recv_timeout(INTERVAL),
            Err(RecvTimeoutError::Timeout)
        ) {
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_files_and_never_passes_the_total() {
        let progress = Progress::new(10);
        progress.add(4);
        assert_eq!(progress.line(), "checking: 4/10 files");
        progress.add(40);
        assert_eq!(progress.line(), "checking: 10/10 files");
    }

    #[test]
    fn a_quick_run_finishes_without_waiting_for_the_delay() {
        let started = std::time::Instant::now();
        Reporter::start(Progress::new(1)).finish();
        assert!(started.elapsed() < DELAY);
    }
}
