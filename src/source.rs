//! Where a scan's bytes come from when they are not local files. The read
//! stage knows one kind of address, a path; a release read over HTTP (a hub
//! repository, the LFS objects of a local clone) is registered here for the
//! length of its scan, and its files get paths that no file system can open
//! (they hold a NUL byte). `read` asks this module first: a registered path
//! is answered by its source, with the same byte caps as a local read, and
//! nothing above the read stage knows where the bytes came from.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

// What the read stage reads of a remote file, by range: the sizes belong
// here, with the reads, so the read stage and the remote prefetch share them.

/// The first range read of a large weights file: a safetensors header of
/// a few hundred tensors fits, and 191 such ranges stay under a thousandth
/// of a percent of a 405 GB release.
pub const FIRST_WEIGHTS_RANGE: u64 = 16 << 10;
/// The most a non-safetensors weights view may hold (a whole small file,
/// or a GGUF header window grown to it).
pub const MAX_VIEW_BYTES: u64 = 16 << 20;
/// The end of a zip read first (torch checkpoints, `.npz`, `.keras` too
/// large to read whole): its end-of-central-directory record (and comment),
/// the directory of a checkpoint of a thousand tensors, and the members
/// torch writes last (`version`, `.data/serialization_id`).
pub const ZIP_TAIL: u64 = 128 << 10;
/// Members of a zip that lie at most this far apart are read in one range.
pub const ZIP_COALESCE_GAP: u64 = 64 << 10;
/// Rounds of range reads after a zip's end: the directory if the end does
/// not hold it, the members, and the rest of a member whose local header
/// was longer than guessed.
pub const ZIP_ROUNDS: usize = 3;
/// Range requests for one zip after its first bytes and its end, all
/// rounds together: members spread over a file (a hostile directory's
/// thousands) cost no more; what is left unread the scan reports.
pub const ZIP_MAX_RANGES: usize = 40;

/// Files that can be read by range, named by their path in the release.
pub trait RemoteFiles: Send + Sync {
    /// At most `cap` bytes from the start of `rel`; fewer only when the
    /// file is shorter.
    fn prefix(&self, rel: &str, cap: u64) -> io::Result<Vec<u8>>;
    /// The bytes a weights parser that takes the whole file (or, for GGUF,
    /// a window of `window` bytes) needs of `rel`, whose length is `len`:
    /// the file itself when it is small, else what its format's header
    /// needs, or an error saying why it is not read.
    fn view(&self, rel: &str, len: u64, window: u64) -> io::Result<Vec<u8>>;
    /// Bytes `start..start + len` of `rel` (fewer at its end): one range,
    /// for a parser that reads a large file in parts (a zip by its
    /// directory). The caller keeps to its budget.
    fn read_at(&self, rel: &str, start: u64, len: u64) -> io::Result<Vec<u8>>;
}

type Registered = (u64, Arc<dyn RemoteFiles>);

static REGISTRY: Mutex<Vec<Registered>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Keeps a source registered; dropping it forgets the source.
pub struct Registration {
    id: u64,
}

impl Registration {
    /// The path under which the read stage finds `rel` of this source.
    pub fn path_for(&self, rel: &str) -> PathBuf {
        PathBuf::from(format!("\0remote\0{}\0{rel}", self.id))
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut all) = REGISTRY.lock() {
            all.retain(|(id, _)| *id != self.id);
        }
    }
}

/// Registers `files` until the returned [`Registration`] is dropped.
pub fn register(files: Arc<dyn RemoteFiles>) -> Registration {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut all) = REGISTRY.lock() {
        all.push((id, files));
    }
    Registration { id }
}

/// The source and relative path a registered path stands for.
fn lookup(path: &Path) -> Option<(Arc<dyn RemoteFiles>, String)> {
    let text = path.to_str()?;
    let rest = text.strip_prefix("\0remote\0")?;
    let (id, rel) = rest.split_once('\0')?;
    let id: u64 = id.parse().ok()?;
    let all = REGISTRY.lock().ok()?;
    let (_, files) = all.iter().find(|(i, _)| *i == id)?;
    Some((files.clone(), rel.to_owned()))
}

/// Whether `path` names a file of a registered source.
pub fn is_remote(path: &Path) -> bool {
    path.to_str().is_some_and(|t| t.starts_with("\0remote\0"))
}

/// `read` on the source a registered path belongs to; `None` for a path
/// of no source (a local file).
fn with_source(
    path: &Path,
    read: impl FnOnce(&dyn RemoteFiles, &str) -> io::Result<Vec<u8>>,
) -> Option<io::Result<Vec<u8>>> {
    if !is_remote(path) {
        return None;
    }
    Some(match lookup(path) {
        Some((files, rel)) => read(&*files, &rel),
        None => Err(io::Error::other("remote source no longer registered")),
    })
}

/// [`RemoteFiles::prefix`] for a registered path; `None` for any other.
pub fn prefix(path: &Path, cap: u64) -> Option<io::Result<Vec<u8>>> {
    with_source(path, |files, rel| files.prefix(rel, cap))
}

/// [`RemoteFiles::read_at`] for a registered path; `None` for any other.
pub fn read_at(path: &Path, start: u64, len: u64) -> Option<io::Result<Vec<u8>>> {
    with_source(path, |files, rel| files.read_at(rel, start, len))
}

/// [`RemoteFiles::view`] for a registered path; `None` for any other.
pub fn view(path: &Path, len: u64, window: u64) -> Option<io::Result<Vec<u8>>> {
    with_source(path, |files, rel| files.view(rel, len, window))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl RemoteFiles for Fixed {
        fn prefix(&self, rel: &str, cap: u64) -> io::Result<Vec<u8>> {
            let mut b = rel.as_bytes().to_vec();
            b.truncate(cap as usize);
            Ok(b)
        }
        fn view(&self, _: &str, len: u64, _: u64) -> io::Result<Vec<u8>> {
            Ok(vec![7; len as usize])
        }
        fn read_at(&self, rel: &str, start: u64, len: u64) -> io::Result<Vec<u8>> {
            let b = rel.as_bytes();
            let s = (start as usize).min(b.len());
            Ok(b[s..(s + len as usize).min(b.len())].to_vec())
        }
    }

    #[test]
    fn registered_paths_are_answered_until_dropped() {
        let reg = register(Arc::new(Fixed));
        let path = reg.path_for("dir/config.json");
        assert!(std::fs::File::open(&path).is_err(), "never a local file");
        assert_eq!(prefix(&path, 3).unwrap().unwrap(), b"dir");
        assert_eq!(view(&path, 2, 2).unwrap().unwrap(), vec![7, 7]);
        assert_eq!(read_at(&path, 4, 6).unwrap().unwrap(), b"config");
        assert!(prefix(Path::new("config.json"), 3).is_none());
        drop(reg);
        assert!(prefix(&path, 3).unwrap().is_err());
    }
}
