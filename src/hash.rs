//! SHA-256 of release files, fast and in bounded memory. A big file is hashed
//! through read-only memory maps of 8 MiB windows (no copy out of the page
//! cache; mapping the whole file would make it all count as resident
//! memory), a small one read into a 128 KiB buffer; files are spread
//! across worker threads largest first so one big shard does not finish last
//! alone, and progress is published through an atomic counter the binary may
//! show. `sha2` picks SHA-NI at run time when the CPU has it.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Per-worker read buffer, for files smaller than [`MAP_MIN`]. Measured on
/// a 1 GiB page-cached file (2-core AMD EPYC, 512 KiB L2 per core): 64-128
/// KiB reads cost 0.16-0.2 s of system time in a bare loop, 256 KiB-4 MiB
/// reads 0.55-0.7 s (a buffer larger than the L2 cache is copied out of the
/// page cache through memory). Inside the scan even 128 KiB reads cost 0.6-0.7
/// s, so big files are mapped instead (no copy at all). See BENCHMARKS.md.
pub const READ_BUFFER: usize = 128 << 10;

/// Files at least this big are hashed through memory maps.
pub const MAP_MIN: u64 = 1 << 20;

/// Bytes mapped at a time: a map makes its pages count as resident memory,
/// so a window, not the whole file, bounds what hashing holds (the budget is
/// 64 MiB for every worker together).
pub const MAP_WINDOW: u64 = 8 << 20;

/// Bytes hashed so far, shared with whoever draws a progress bar.
#[derive(Debug, Default)]
pub struct Progress {
    pub bytes: AtomicU64,
}

/// Hex SHA-256 of one file.
pub fn sha256_file(path: &Path, progress: Option<&Progress>) -> io::Result<String> {
    let mut buf = vec![0u8; READ_BUFFER];
    sha256_with(path, &mut buf, progress)
}

fn sha256_with(path: &Path, buf: &mut [u8], progress: Option<&Progress>) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let count = |n: usize| {
        if let Some(p) = progress {
            p.bytes.fetch_add(n as u64, Ordering::Relaxed);
        }
    };
    // Big files are hashed where their pages sit in the page cache, one
    // window at a time; the rest (small files, a file that grew, a map that
    // could not be made or watched) is read.
    let len = file.metadata()?.len();
    let mut done = 0u64;
    if len >= MAP_MIN {
        while done < len {
            let want = (len - done).min(MAP_WINDOW) as usize;
            if !hash_window(&file, done, want, &mut hasher)? {
                break;
            }
            done += want as u64;
            count(want);
        }
        file.seek(SeekFrom::Start(done))?;
    }
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        count(n);
    }
    Ok(hex(&hasher.finalize()))
}

/// Hashes `len` bytes at `offset` through a read-only map of that window
/// alone (so resident memory stays one window per worker), with sequential
/// advice. `false` when no map could be made or watched: the caller reads
/// instead. A file that shrinks under the map is caught by
/// [`crate::mapguard`] and is an error, not a crash.
fn hash_window(file: &File, offset: u64, len: usize, hasher: &mut Sha256) -> io::Result<bool> {
    // SAFETY: a read-only map; a truncation while it is read faults into
    // mapguard's handler (zero page, `faulted()`), never into a crash.
    #[allow(unsafe_code)]
    let map = match unsafe {
        memmap2::MmapOptions::new()
            .offset(offset)
            .len(len)
            .map(file)
    } {
        Ok(map) => map,
        Err(_) => return Ok(false),
    };
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    let Some(watch) = crate::mapguard::watch(&map) else {
        return Ok(false);
    };
    hasher.update(&map[..]);
    if watch.faulted() {
        return Err(io::Error::other("the file shrank while being hashed"));
    }
    Ok(true)
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Hashes `files` (path, size) on `jobs` threads (every core when 0),
/// largest first. Results come back in the input order.
pub fn sha256_files(
    files: &[(PathBuf, u64)],
    jobs: usize,
    progress: Option<&Progress>,
) -> Vec<io::Result<String>> {
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[b].1.cmp(&files[a].1).then(a.cmp(&b)));
    crate::parallel::map_in_order(files.len(), &order, jobs.max(1), |i| {
        sha256_file(&files[i].0, progress)
    })
    .into_iter()
    .map(|slot| slot.unwrap_or_else(|| Err(io::Error::other("file was not hashed"))))
    .collect()
}

/// Default worker count: every core.
pub fn default_jobs() -> usize {
    crate::parallel::threads(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        let abc = dir.path().join("abc");
        std::fs::write(&empty, b"").unwrap();
        std::fs::write(&abc, b"abc").unwrap();
        // FIPS 180-2 test vectors.
        assert_eq!(
            sha256_file(&empty, None).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_file(&abc, None).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parallel_results_keep_input_order_and_count_progress() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (i, size) in [10usize, 5_000_000, 0, 123].iter().enumerate() {
            let p = dir.path().join(format!("f{i}"));
            std::fs::write(&p, vec![i as u8; *size]).unwrap();
            files.push((p, *size as u64));
        }
        files.push((dir.path().join("missing"), 0));
        let progress = Progress::default();
        let out = sha256_files(&files, 3, Some(&progress));
        for (i, (path, _)) in files.iter().enumerate().take(4) {
            assert_eq!(out[i].as_ref().unwrap(), &sha256_file(path, None).unwrap());
        }
        assert!(out[4].is_err());
        assert_eq!(progress.bytes.load(Ordering::Relaxed), 10 + 5_000_000 + 123);
    }
}
