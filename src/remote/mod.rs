//! Scanning a release where it lives. A hub repository (`hf://org/name@rev`)
//! is listed through the hub API and its files become an inventory whose
//! paths are registered with [`crate::source`]; the read stage then reads
//! them exactly as it reads local files, each read answered by HTTP range
//! requests within the same byte caps. Before it runs, the first range of
//! every file the read stage will want is fetched on `-j` threads (the
//! read stage reads weights one at a time, in order), so a release of
//! hundreds of shards costs about two round trips per shard, spread over
//! the threads. Nothing is written to disk; what a server does wrong ends
//! as a read failure of that file (a finding) or, for the listing, as the
//! scan's error.

pub mod http;
pub mod hub;
pub mod lfs;

use crate::formats::{gguf, sniff};
use crate::inventory::{self, Entry, Inventory, ScanError};
use crate::read;
use crate::report::{FileKind, Report, Source};
use crate::source::{self, RemoteFiles};
use crate::source::{FIRST_WEIGHTS_RANGE, MAX_VIEW_BYTES};
use http::Client;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A weights file up to this size is read whole by its first range.
const SMALL_WEIGHTS: u64 = 64 << 10;
/// Bytes kept from first ranges at once, across the scan.
const CACHE_BUDGET: u64 = 32 << 20;
/// Parallel requests when `-j` says every core.
const DEFAULT_JOBS: usize = 8;

/// What the caller of a remote scan says beyond [`crate::ScanOptions`].
pub struct Remote<'a> {
    pub jobs: usize,
    pub token_file: Option<&'a Path>,
}

/// The hub repository a PATH names, if it names one.
pub fn hub_target(path: &str) -> Option<hub::Target> {
    hub::parse_target(path, &hub::endpoint())
}

/// The token for the endpoint: `--token-file`, else `HF_TOKEN`. Never
/// printed; sent only to the endpoint's own host.
pub fn token(token_file: Option<&Path>) -> io::Result<Option<String>> {
    if let Some(file) = token_file {
        let mut text = String::new();
        use std::io::Read;
        std::fs::File::open(file)?
            .take(8192)
            .read_to_string(&mut text)?;
        let t = text.trim();
        if t.is_empty() || t.chars().any(|c| c.is_control() || c == ' ') {
            return Err(io::Error::other(format!(
                "{}: not a token (one line, no spaces)",
                file.display()
            )));
        }
        return Ok(Some(t.to_owned()));
    }
    Ok(std::env::var("HF_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty()))
}

fn root_error(display_root: &str, message: String) -> ScanError {
    ScanError::Root {
        path: display_root.to_owned(),
        source: io::Error::other(message),
    }
}

/// Scans a hub repository; the report is the local scan's of the same
/// files, plus its `source` block.
pub fn scan_hub(
    target: &hub::Target,
    display_root: &str,
    count_referenced: bool,
    remote: &Remote<'_>,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let endpoint = hub::endpoint();
    let token = token(remote.token_file).map_err(|e| root_error(display_root, e.to_string()))?;
    let client = Arc::new(Client::new(http::Settings::from_env(), &endpoint, token));
    let listing = hub::list(&client, &endpoint, target)
        .map_err(|e| root_error(display_root, hub::describe(target, &e)))?;
    let files: BTreeMap<String, RemoteFile> = listing
        .files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                RemoteFile::new(
                    target.resolve_url(&endpoint, &listing.commit, &f.path),
                    f.size,
                ),
            )
        })
        .collect();
    let hub = Arc::new(RangeFiles::new(client.clone(), files));
    let registration = source::register(hub.clone());
    let entries: Vec<Entry> = listing
        .files
        .iter()
        .map(|f| Entry {
            kind: inventory::kind_by_name(&f.path),
            read_path: Some(registration.path_for(&f.path)),
            rel: f.path.clone(),
            bytes: f.size,
            symlink: None,
        })
        .collect();
    let declared = entries.iter().map(|e| e.bytes).fold(0, u64::saturating_add);
    hub.prefetch(&entries, remote.jobs);
    let facts = crate::read::read(
        Inventory {
            entries,
            // A listed path no report may carry is a file left out, said
            // without its path as the finding's path.
            issues: listing
                .dropped
                .iter()
                .map(|error| inventory::WalkIssue::Unlisted {
                    rel: None,
                    error: error.clone(),
                })
                .collect(),
        },
        Some(target.name()),
        None,
    );
    drop(registration);
    let mut report = crate::assess::assess(display_root, facts, count_referenced);
    crate::report::flag_overlong_text(&mut report);
    report.source = Some(Source {
        kind: "hub".to_owned(),
        endpoint: http::redact(&endpoint),
        repo: Some(target.display()),
        revision: Some(target.revision.clone().unwrap_or_else(|| "main".to_owned())),
        commit: Some(listing.commit),
        requests: client.requests(),
        bytes_read: client.bytes_read(),
        bytes_declared: declared,
        seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    });
    Ok(report)
}

/// One file readable by range.
pub(crate) struct RemoteFile {
    url: String,
    size: u64,
    /// Extra request headers (an LFS action's), never the hub token.
    headers: Vec<(String, String)>,
    /// The first bytes, once read.
    head: Mutex<Option<Arc<Vec<u8>>>>,
    /// The URL that served the last range (the content host).
    served_by: Mutex<Option<String>>,
}

impl RemoteFile {
    pub(crate) fn new(url: String, size: u64) -> RemoteFile {
        RemoteFile {
            url,
            size,
            headers: Vec::new(),
            head: Mutex::new(None),
            served_by: Mutex::new(None),
        }
    }

    pub(crate) fn with_headers(mut self, headers: Vec<(String, String)>) -> RemoteFile {
        self.headers = headers;
        self
    }
}

/// Files read by range through one client, each one's first bytes kept
/// (within [`CACHE_BUDGET`]) so the read stage's successive prefixes of a
/// file cost one range.
pub(crate) struct RangeFiles {
    client: Arc<Client>,
    files: BTreeMap<String, RemoteFile>,
    cached: AtomicU64,
}

impl RangeFiles {
    pub(crate) fn new(client: Arc<Client>, files: BTreeMap<String, RemoteFile>) -> RangeFiles {
        RangeFiles {
            client,
            files,
            cached: AtomicU64::new(0),
        }
    }

    fn file(&self, rel: &str) -> io::Result<&RemoteFile> {
        self.files
            .get(rel)
            .ok_or_else(|| io::Error::other("not in the listing"))
    }

    /// Bytes `start..start+len` of a file, through its content host once
    /// known.
    fn range(&self, file: &RemoteFile, start: u64, len: u64) -> io::Result<Vec<u8>> {
        let url = file
            .served_by
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .unwrap_or_else(|| file.url.clone());
        let headers: Vec<(&str, &str)> = file
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let got = self
            .client
            .get_range(&url, start, len, Some(file.size), &headers)?;
        if let Ok(mut s) = file.served_by.lock() {
            *s = Some(got.served_by);
        }
        Ok(got.bytes)
    }

    /// The first `want` bytes of a file, from the kept head when it holds
    /// them; what is read is kept when the budget allows.
    fn head(&self, file: &RemoteFile, want: u64) -> io::Result<Vec<u8>> {
        let want = want.min(file.size);
        let kept = file.head.lock().ok().and_then(|h| h.clone());
        let have = kept.as_ref().map_or(0, |h| h.len() as u64);
        if let Some(h) = &kept
            && have >= want
        {
            return Ok(h[..want as usize].to_vec());
        }
        let more = self.range(file, have, want - have)?;
        let mut bytes = kept.map(|h| h.as_ref().clone()).unwrap_or_default();
        bytes.extend_from_slice(&more);
        let added = more.len() as u64;
        if self.cached.fetch_add(added, Ordering::Relaxed) + added <= CACHE_BUDGET {
            if let Ok(mut h) = file.head.lock() {
                *h = Some(Arc::new(bytes.clone()));
            }
        } else {
            self.cached.fetch_sub(added, Ordering::Relaxed);
        }
        Ok(bytes)
    }

    /// Reads the first range of every file the read stage will read, on
    /// `jobs` threads; a failure is left for the read stage to meet again.
    pub(crate) fn prefetch(&self, entries: &[Entry], jobs: usize) {
        let wanted: Vec<(&RemoteFile, u64)> = entries
            .iter()
            .filter_map(|e| Some((self.files.get(&e.rel)?, first_read(e))))
            .filter(|(_, n)| *n > 0)
            .collect();
        let jobs = if jobs == 0 { DEFAULT_JOBS } else { jobs }
            .clamp(1, 64)
            .min(wanted.len().max(1));
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                scope.spawn(|| {
                    while let Some((file, want)) = wanted.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        if self.cached.load(Ordering::Relaxed) + want > CACHE_BUDGET {
                            continue;
                        }
                        let _ = self.head(file, *want);
                    }
                });
            }
        });
    }
}

impl RemoteFiles for RangeFiles {
    fn read_at(&self, rel: &str, start: u64, len: u64) -> io::Result<Vec<u8>> {
        let file = self.file(rel)?;
        if start == 0 {
            // From the kept first bytes, extended.
            return self.head(file, len);
        }
        let len = len.min(file.size.saturating_sub(start));
        if len == 0 {
            return Ok(Vec::new());
        }
        self.range(file, start, len)
    }

    fn prefix(&self, rel: &str, cap: u64) -> io::Result<Vec<u8>> {
        let file = self.file(rel)?;
        self.head(file, cap)
    }

    fn view(&self, rel: &str, len: u64, window: u64) -> io::Result<Vec<u8>> {
        let file = self.file(rel)?;
        if window < len {
            // A GGUF header window: grown until the header parses.
            let limit = window.min(MAX_VIEW_BYTES);
            let mut size = limit.min(1 << 20);
            loop {
                let bytes = self.head(file, size)?;
                if size >= limit || gguf::parse_prefix(&bytes, len).is_ok() {
                    return Ok(bytes);
                }
                size = size.saturating_mul(4).min(limit);
            }
        }
        if len <= MAX_VIEW_BYTES {
            return self.head(file, len);
        }
        Err(io::Error::other(format!(
            "a {len}-byte file of this format is not read over HTTP: safetensors and GGUF \
             headers and the directories and pickles of zips (torch checkpoints, .npz, .keras) \
             are read by range, other formats only when at most {MAX_VIEW_BYTES} bytes; \
             only the bytes that tell its format were read"
        )))
    }
}

/// What the read stage reads first of a file, by its kind and name (its
/// own caps): the range fetched ahead. 0 for a file it never opens.
fn first_read(entry: &Entry) -> u64 {
    let size = entry.bytes;
    let name = entry.file_name().to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if size == 0 {
        return 0;
    }
    if size < crate::formats::lfs::MAX_POINTER_BYTES as u64 {
        return size;
    }
    let want = match entry.kind {
        FileKind::Weights => {
            if size <= SMALL_WEIGHTS {
                size
            } else {
                FIRST_WEIGHTS_RANGE
            }
        }
        FileKind::Config | FileKind::Tokenizer => {
            if read::config_read_whole(&name) {
                read::MAX_CONFIG_BYTES
            } else {
                read::MAX_CODE_HEAD
            }
        }
        FileKind::Code => read::MAX_CODE_HEAD,
        FileKind::License => read::MAX_LICENSE_BYTES,
        FileKind::Docs | FileKind::Data => {
            if matches!(ext, "csv" | "tsv" | "txt") && entry.kind == FileKind::Data {
                read::MAX_TABLE_HEAD_BYTES
            } else if name == "readme.md" || inventory::is_datasheet_name(&name) {
                crate::formats::card::MAX_CARD_BYTES as u64
            } else if matches!(ext, "md" | "markdown" | "rst") {
                read::MAX_DOC_REFS_BYTES
            } else {
                0
            }
        }
        FileKind::Other => sniff::SNIFF_BYTES as u64,
    };
    want.min(size)
}
