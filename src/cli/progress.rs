//! Progress on stderr: a one-line display while hashing (bytes, rate, ETA)
//! or while scanning many releases (how many are done), drawn only when
//! stderr is a terminal and never on stdout.

use openness::hash;
use openness::render;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Sum of regular-file sizes below `path` (`.git/` excluded), for the
/// progress bar's total. Only metadata is read.
pub fn tree_bytes(path: &std::path::Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// A one-line progress display on stderr, redrawn five times a second, drawn
/// only when stderr is a terminal (and `TERM` is not `dumb`); cleared when
/// dropped.
pub struct ProgressBar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    /// Hashing: bytes hashed of `total`, rate, ETA.
    pub fn hashing(progress: Arc<hash::Progress>, total: u64) -> Option<ProgressBar> {
        ProgressBar::start(move |secs| {
            let done = progress.bytes.load(Ordering::Relaxed);
            let rate = done as f64 / secs;
            let eta = if rate > 0.0 && total > done {
                (total - done) as f64 / rate
            } else {
                0.0
            };
            format!(
                "hashing {} / {} · {}/s · ETA {:.0} s",
                render::table::human_bytes(done),
                render::table::human_bytes(total),
                render::table::human_bytes(rate as u64),
                eta
            )
        })
    }

    /// Many releases (`--discover`, several PATHs): how many are scanned.
    pub fn releases(done: Arc<AtomicUsize>, total: usize) -> Option<ProgressBar> {
        ProgressBar::start(move |_| {
            let done = done.load(Ordering::Relaxed).min(total);
            format!(
                "scanned {done} / {total} release{}",
                if total == 1 { "" } else { "s" }
            )
        })
    }

    /// Draws `line(seconds since start)` until dropped, when stderr is a
    /// terminal; `None` (nothing drawn, no thread) otherwise.
    fn start(line: impl Fn(f64) -> String + Send + 'static) -> Option<ProgressBar> {
        if !io::stderr().is_terminal() || std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let secs = started.elapsed().as_secs_f64().max(0.001);
                let _ = write!(io::stderr().lock(), "\r\x1b[2K{}", line(secs));
            }
            let _ = write!(io::stderr().lock(), "\r\x1b[2K");
        });
        Some(ProgressBar {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
