//! Progress on stderr while hashing: a one-line display (bytes, rate, ETA),
//! drawn only when stderr is a terminal and never on stdout.

use openness::hash;
use openness::render;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

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

/// A one-line progress display on stderr (bytes, rate, ETA), drawn only when
/// stderr is a terminal; cleared when dropped.
pub struct ProgressBar {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    pub fn start(progress: Arc<hash::Progress>, total: u64) -> Option<ProgressBar> {
        use std::sync::atomic::{AtomicBool, Ordering};
        if !io::stderr().is_terminal() || std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let done = progress.bytes.load(Ordering::Relaxed);
                let secs = started.elapsed().as_secs_f64().max(0.001);
                let rate = done as f64 / secs;
                let eta = if rate > 0.0 && total > done {
                    (total - done) as f64 / rate
                } else {
                    0.0
                };
                let _ = write!(
                    io::stderr().lock(),
                    "\r\x1b[2Khashing {} / {} · {}/s · ETA {:.0} s",
                    render::table::human_bytes(done),
                    render::table::human_bytes(total),
                    render::table::human_bytes(rate as u64),
                    eta
                );
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
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
