//! A Hub-shaped HTTP server on 127.0.0.1 for the remote-scan tests: the
//! revision and paginated recursive tree API, `resolve` with ranges, LFS
//! files redirected to a second "content host" (another port, so another
//! origin), the Git LFS batch endpoint, and the ways a server goes wrong
//! (401, 404, 429 with Retry-After, 500, a lying Content-Range, a body
//! larger than asked, an endless body, a stall, added latency). Files come
//! from fixture folders or are sparse: a header and a declared size, the
//! rest zeros, so a release can declare hundreds of GB. Every request is
//! logged with the host it reached and whether it carried a token.

use sha2::Digest;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

#[derive(Clone)]
pub enum Content {
    Bytes(Arc<Vec<u8>>),
    /// `head`, then zeros up to `size`.
    Sparse {
        head: Arc<Vec<u8>>,
        size: u64,
    },
    /// `head`, zeros, then `tail` ending at `size`: a zip whose storage
    /// records declare gigabytes and whose directory is real.
    Ends {
        head: Arc<Vec<u8>>,
        tail: Arc<Vec<u8>>,
        size: u64,
    },
}

impl Content {
    pub fn size(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Sparse { size, .. } | Content::Ends { size, .. } => *size,
        }
    }
    fn slice(&self, start: u64, end_incl: u64) -> Vec<u8> {
        (start..=end_incl)
            .map(|i| match self {
                Content::Bytes(b) => b[i as usize],
                Content::Sparse { head, .. } => head.get(i as usize).copied().unwrap_or(0),
                Content::Ends { head, tail, size } => {
                    let tail_start = size - tail.len() as u64;
                    if i >= tail_start {
                        tail[(i - tail_start) as usize]
                    } else {
                        head.get(i as usize).copied().unwrap_or(0)
                    }
                }
            })
            .collect()
    }
    pub fn oid(&self) -> String {
        match self {
            Content::Bytes(b) => hex(&sha2::Sha256::digest(b.as_slice())),
            // Not the real digest of gigabytes of zeros: a stable stand-in.
            Content::Sparse { head, size } => {
                let mut h = sha2::Sha256::new();
                h.update(head.as_slice());
                h.update(size.to_le_bytes());
                hex(&h.finalize())
            }
            Content::Ends { head, tail, size } => {
                let mut h = sha2::Sha256::new();
                h.update(head.as_slice());
                h.update(tail.as_slice());
                h.update(size.to_le_bytes());
                hex(&h.finalize())
            }
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub struct File {
    pub path: String,
    pub content: Content,
    pub lfs: bool,
}

/// Whether the hub stores a file in LFS (by extension, as `.gitattributes`
/// of hub repositories do, or by size).
pub fn stored_in_lfs(path: &str, size: u64) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    size > 10 << 20
        || [
            "safetensors",
            "bin",
            "gguf",
            "pt",
            "pth",
            "ckpt",
            "onnx",
            "h5",
            "npz",
            "npy",
            "msgpack",
            "pkl",
            "keras",
            "zip",
            "7z",
            "tar",
            "gz",
            "parquet",
            "arrow",
            "model",
        ]
        .contains(&ext)
}

/// The regular files of a folder (symlinks and `.git/` left out), sorted.
pub fn files_of(dir: &Path) -> Vec<File> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<File>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let ft = e.file_type().unwrap();
            let path = e.path();
            if ft.is_dir() {
                if e.file_name() != ".git" {
                    walk(root, &path, out);
                }
            } else if ft.is_file() {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path).unwrap();
                out.push(File {
                    lfs: stored_in_lfs(&rel, bytes.len() as u64),
                    path: rel,
                    content: Content::Bytes(Arc::new(bytes)),
                });
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

/// How the server misbehaves; counters count down per request.
#[derive(Default)]
pub struct Behaviour {
    pub latency_ms: AtomicU64,
    /// When set, the repositories need this token.
    pub token: Mutex<Option<String>>,
    /// Answer this many requests with 429 and `Retry-After: retry_after`.
    pub fail_429: AtomicU32,
    pub retry_after: Mutex<String>,
    /// Answer this many requests with 500.
    pub fail_500: AtomicU32,
    /// Content host: a Content-Range one byte off what was asked.
    pub lie_range: AtomicBool,
    /// Content host: ignore ranges and send the whole (huge) file with 200.
    pub ignore_range: AtomicBool,
    /// Content host: a 206 with no length whose body never ends.
    pub endless: AtomicBool,
    /// Content host: headers, then nothing for `stall_ms`.
    pub stall_ms: AtomicU64,
    /// Entries per page of the tree listing.
    pub page_size: AtomicU64,
}

#[derive(Debug, Clone)]
pub struct Logged {
    /// `hub` or `content`.
    pub host: &'static str,
    pub method: String,
    pub target: String,
    pub range: Option<String>,
    pub authorization: Option<String>,
}

pub struct Server {
    pub endpoint: String,
    pub content: String,
    pub repos: Mutex<BTreeMap<String, Vec<File>>>,
    pub behaviour: Behaviour,
    pub log: Mutex<Vec<Logged>>,
}

impl Server {
    /// Starts both hosts; they serve until the test process ends.
    pub fn start() -> Arc<Server> {
        let hub = TcpListener::bind("127.0.0.1:0").unwrap();
        let content = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Arc::new(Server {
            endpoint: format!("http://{}", hub.local_addr().unwrap()),
            content: format!("http://{}", content.local_addr().unwrap()),
            repos: Mutex::new(BTreeMap::new()),
            behaviour: Behaviour::default(),
            log: Mutex::new(Vec::new()),
        });
        server.behaviour.page_size.store(1000, Ordering::Relaxed);
        for (listener, host) in [(hub, "hub"), (content, "content")] {
            let s = server.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let s = s.clone();
                    std::thread::spawn(move || {
                        let _ = s.handle(stream, host);
                    });
                }
            });
        }
        server
    }

    /// Serves `files` as repository `repo` (`org/name`, or
    /// `datasets/org/name`).
    pub fn add(&self, repo: &str, files: Vec<File>) {
        self.repos.lock().unwrap().insert(repo.to_owned(), files);
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    fn handle(&self, stream: TcpStream, host: &'static str) -> std::io::Result<()> {
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let mut body = Vec::new();
        if let Some(n) = headers
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok())
        {
            reader
                .by_ref()
                .take(n.min(1 << 20))
                .read_to_end(&mut body)?;
        }
        self.log.lock().unwrap().push(Logged {
            host,
            method: method.clone(),
            target: target.clone(),
            range: headers.get("range").cloned(),
            authorization: headers.get("authorization").cloned(),
        });
        let latency = self.behaviour.latency_ms.load(Ordering::Relaxed);
        if latency > 0 {
            std::thread::sleep(Duration::from_millis(latency));
        }
        let mut out = stream;
        if countdown(&self.behaviour.fail_429) {
            let after = self.behaviour.retry_after.lock().unwrap().clone();
            return respond(
                &mut out,
                429,
                &[("Retry-After", &after)],
                b"{\"error\":\"slow down\"}",
            );
        }
        if countdown(&self.behaviour.fail_500) {
            return respond(&mut out, 500, &[], b"{\"error\":\"oops\"}");
        }
        if host == "content" {
            return self.content_host(&mut out, &target, &headers);
        }
        self.hub(&mut out, &method, &target, &headers, &body)
    }

    fn authorised(&self, headers: &BTreeMap<String, String>) -> bool {
        match self.behaviour.token.lock().unwrap().as_deref() {
            None => true,
            Some(t) => {
                headers.get("authorization").map(String::as_str) == Some(&format!("Bearer {t}"))
            }
        }
    }

    fn hub(
        &self,
        out: &mut TcpStream,
        method: &str,
        target: &str,
        headers: &BTreeMap<String, String>,
        body: &[u8],
    ) -> std::io::Result<()> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let path = decode(path);
        let repos = self.repos.lock().unwrap();
        // The repository a path names: the longest known prefix.
        let find = |rest: &str| -> Option<(String, String)> {
            repos
                .keys()
                .filter(|k| rest.starts_with(&format!("{k}/")) || rest == k.as_str())
                .max_by_key(|k| k.len())
                .map(|k| {
                    (
                        k.clone(),
                        rest[k.len()..].trim_start_matches('/').to_owned(),
                    )
                })
        };
        let not_found = |out: &mut TcpStream, code: &str| {
            respond(
                out,
                404,
                &[("X-Error-Code", code)],
                b"{\"error\":\"not found\"}",
            )
        };
        let gated = |out: &mut TcpStream| {
            respond(
                out,
                401,
                &[("X-Error-Code", "GatedRepo")],
                b"{\"error\":\"gated\"}",
            )
        };
        if let Some(api) = path.strip_prefix("/api/") {
            let api = api.strip_prefix("models/").map(str::to_owned).or_else(|| {
                api.strip_prefix("datasets/")
                    .map(|r| format!("datasets/{r}"))
            });
            let Some((repo, rest)) = api.as_deref().and_then(find) else {
                return not_found(out, "RepoNotFound");
            };
            if !self.authorised(headers) {
                return gated(out);
            }
            let files = &repos[&repo];
            if let Some(rev) = rest.strip_prefix("revision/") {
                if rev != "main" && rev != COMMIT {
                    return not_found(out, "RevisionNotFound");
                }
                let siblings: Vec<_> = files
                    .iter()
                    .map(|f| serde_json::json!({"rfilename": f.path}))
                    .collect();
                let doc = serde_json::json!({"sha": COMMIT, "siblings": siblings, "gated": false});
                return respond(out, 200, &[], doc.to_string().as_bytes());
            }
            if rest.starts_with("tree/") {
                let page = self.behaviour.page_size.load(Ordering::Relaxed).max(1) as usize;
                let cursor: usize = query
                    .split('&')
                    .find_map(|p| p.strip_prefix("cursor="))
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                let entries: Vec<_> = files
                    .iter()
                    .skip(cursor)
                    .take(page)
                    .map(|f| {
                        let size = f.content.size();
                        if f.lfs {
                            serde_json::json!({"type": "file", "oid": "0", "size": size, "path": f.path,
                                "lfs": {"oid": f.content.oid(), "size": size, "pointerSize": 134}})
                        } else {
                            serde_json::json!({"type": "file", "oid": "0", "size": size, "path": f.path})
                        }
                    })
                    .collect();
                let mut extra = Vec::new();
                let link;
                if cursor + page < files.len() {
                    link = format!(
                        "<{}{}?recursive=true&cursor={}>; rel=\"next\"",
                        self.endpoint,
                        target.split('?').next().unwrap(),
                        cursor + page
                    );
                    extra.push(("Link", link.as_str()));
                }
                return respond(
                    out,
                    200,
                    &extra,
                    serde_json::Value::from(entries).to_string().as_bytes(),
                );
            }
            return not_found(out, "EntryNotFound");
        }
        let rest = path.trim_start_matches('/');
        if method == "POST" && rest.ends_with(".git/info/lfs/objects/batch") {
            let repo = rest.trim_end_matches(".git/info/lfs/objects/batch");
            let Some(files) = repos.get(repo) else {
                return not_found(out, "RepoNotFound");
            };
            if !self.authorised(headers) {
                return respond(out, 401, &[], b"{\"message\":\"credentials needed\"}");
            }
            let asked: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            let objects: Vec<_> = asked["objects"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|o| {
                    let oid = o["oid"].as_str().unwrap_or("").to_owned();
                    match files.iter().find(|f| f.content.oid() == oid) {
                        Some(f) => serde_json::json!({"oid": oid, "size": f.content.size(),
                            "actions": {"download": {"href": format!("{}/blob/{repo}/{}", self.content, f.path),
                                "header": {"X-Object-Ticket": "ticket"}}}}),
                        None => serde_json::json!({"oid": oid, "size": o["size"],
                            "error": {"code": 404, "message": "Object does not exist"}}),
                    }
                })
                .collect();
            let doc = serde_json::json!({"transfer": "basic", "objects": objects});
            return respond(
                out,
                200,
                &[("Content-Type", "application/vnd.git-lfs+json")],
                doc.to_string().as_bytes(),
            );
        }
        let Some((repo, rest)) = find(rest) else {
            return not_found(out, "RepoNotFound");
        };
        let Some(rest) = rest.strip_prefix("resolve/") else {
            return not_found(out, "EntryNotFound");
        };
        if !self.authorised(headers) {
            return gated(out);
        }
        let (rev, file_path) = rest.split_once('/').unwrap_or((rest, ""));
        if rev != "main" && rev != COMMIT {
            return not_found(out, "RevisionNotFound");
        }
        let Some(file) = repos[&repo].iter().find(|f| f.path == file_path) else {
            return not_found(out, "EntryNotFound");
        };
        if file.lfs {
            let location = format!("{}/blob/{repo}/{}", self.content, file.path);
            let size = file.content.size().to_string();
            let oid = file.content.oid();
            return respond(
                out,
                302,
                &[
                    ("Location", &location),
                    ("X-Linked-Size", &size),
                    ("X-Linked-Etag", &oid),
                    ("X-Repo-Commit", COMMIT),
                ],
                b"",
            );
        }
        serve(
            out,
            &file.content,
            headers.get("range"),
            &self.behaviour,
            false,
        )
    }

    fn content_host(
        &self,
        out: &mut TcpStream,
        target: &str,
        headers: &BTreeMap<String, String>,
    ) -> std::io::Result<()> {
        let path = decode(target.split('?').next().unwrap_or(""));
        let Some(rest) = path.strip_prefix("/blob/") else {
            return respond(out, 404, &[], b"");
        };
        let content = {
            let repos = self.repos.lock().unwrap();
            repos.iter().find_map(|(repo, files)| {
                let file = rest.strip_prefix(&format!("{repo}/"))?;
                files
                    .iter()
                    .find(|f| f.path == file)
                    .map(|f| f.content.clone())
            })
        };
        match content {
            Some(c) => serve(out, &c, headers.get("range"), &self.behaviour, true),
            None => respond(out, 404, &[], b""),
        }
    }
}

fn countdown(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

fn decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'%'
            && let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

/// Serves `content`, honouring `range` (`bytes=a-b`, `bytes=-n`), unless
/// the content host is told to misbehave.
fn serve(
    out: &mut TcpStream,
    content: &Content,
    range: Option<&String>,
    b: &Behaviour,
    content_host: bool,
) -> std::io::Result<()> {
    let size = content.size();
    if content_host && b.ignore_range.load(Ordering::Relaxed) {
        // The whole file, as fast as it goes, until the client hangs up.
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n");
        out.write_all(head.as_bytes())?;
        let zeros = vec![0u8; 64 << 10];
        let mut sent = 0u64;
        while sent < size.min(1 << 30) {
            out.write_all(&zeros)?;
            sent += zeros.len() as u64;
        }
        return Ok(());
    }
    let Some((start, end)) = range.and_then(|r| parse_range(r, size)) else {
        if range.is_some() {
            return respond(
                out,
                416,
                &[("Content-Range", &format!("bytes */{size}"))],
                b"",
            );
        }
        let body = if size == 0 {
            Vec::new()
        } else {
            content.slice(0, size - 1)
        };
        return respond(out, 200, &[], &body);
    };
    if content_host && b.endless.load(Ordering::Relaxed) {
        let head = format!(
            "HTTP/1.1 206 Partial\r\nContent-Range: bytes {start}-{end}/{size}\r\nConnection: close\r\n\r\n"
        );
        out.write_all(head.as_bytes())?;
        let zeros = vec![0u8; 64 << 10];
        for _ in 0..(1 << 14) {
            out.write_all(&zeros)?;
        }
        return Ok(());
    }
    let stall = b.stall_ms.load(Ordering::Relaxed);
    if content_host && stall > 0 {
        let head = format!(
            "HTTP/1.1 206 Partial\r\nContent-Range: bytes {start}-{end}/{size}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            end - start + 1
        );
        out.write_all(head.as_bytes())?;
        out.flush()?;
        std::thread::sleep(Duration::from_millis(stall));
        return Ok(());
    }
    let claimed = if content_host && b.lie_range.load(Ordering::Relaxed) {
        format!("bytes {}-{}/{size}", start + 1, end)
    } else {
        format!("bytes {start}-{end}/{size}")
    };
    respond(
        out,
        206,
        &[("Content-Range", &claimed)],
        &content.slice(start, end),
    )
}

fn parse_range(r: &str, size: u64) -> Option<(u64, u64)> {
    let spec = r.strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    if size == 0 {
        return None;
    }
    if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        return Some((size.saturating_sub(n), size - 1));
    }
    let a: u64 = a.parse().ok()?;
    let b: u64 = if b.is_empty() {
        size - 1
    } else {
        b.parse().ok()?
    };
    if a >= size || b < a {
        return None;
    }
    Some((a, b.min(size - 1)))
}

// ---------------------------------------------------------------------------
// Releases and reports shared by the remote-scan test binaries

/// A release of one big safetensors shard (sparse) plus a config.
pub fn big_release(server: &Server, repo: &str) {
    let header = safetensors_header(0, 40, 1 << 30);
    let size = header.len() as u64 + 40 * (1u64 << 30);
    server.add(
        repo,
        vec![
            File {
                path: "config.json".to_owned(),
                content: Content::Bytes(Arc::new(
                    br#"{"architectures": ["LlamaForCausalLM"]}"#.to_vec(),
                )),
                lfs: false,
            },
            File {
                path: "model.safetensors".to_owned(),
                content: Content::Sparse {
                    head: Arc::new(header),
                    size,
                },
                lfs: true,
            },
        ],
    );
}

/// The finding about `path` of this code, if any.
pub fn finding<'a>(
    report: &'a serde_json::Value,
    code: &str,
    path: &str,
) -> Option<&'a serde_json::Value> {
    report["findings"]
        .as_array()?
        .iter()
        .find(|f| f["code"] == code && f["path"] == path)
}

/// A safetensors header of `tensors` BF16 tensors of `bytes` each (a
/// multiple of 8192: rows of 4096), parameter-style names, shard `shard`.
pub fn safetensors_header(shard: usize, tensors: usize, bytes: u64) -> Vec<u8> {
    let mut map = serde_json::Map::new();
    let mut offset = 0u64;
    for t in 0..tensors {
        assert!(bytes.is_multiple_of(8192));
        map.insert(
            format!("model.layers.{shard}.mlp.w{t}.weight"),
            serde_json::json!({"dtype": "BF16", "shape": [bytes / 8192, 4096],
                "data_offsets": [offset, offset + bytes]}),
        );
        offset += bytes;
    }
    let mut json = serde_json::Value::Object(map).to_string().into_bytes();
    while !json.len().is_multiple_of(8) {
        json.push(b' ');
    }
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend(json);
    out
}

/// A torch zip of `storage` declared bytes (zeros the server never sends):
/// `data.pkl` and the storage's header at the front, `version`, the
/// directory and its end record at the back.
pub fn declared_torch_zip(data_pkl: &[u8], storage: u64) -> Content {
    fn local(out: &mut Vec<u8>, name: &str, size: u32) {
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    fn central(out: &mut Vec<u8>, name: &str, size: u32, offset: u32) {
        out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    let mut head = Vec::new();
    local(&mut head, "archive/data.pkl", data_pkl.len() as u32);
    head.extend_from_slice(data_pkl);
    let storage_at = head.len() as u32;
    local(&mut head, "archive/data/0", storage as u32);
    let version_at = head.len() as u64 + storage;
    let mut tail = Vec::new();
    local(&mut tail, "archive/version", 2);
    tail.extend_from_slice(b"3\n");
    let cd_at = version_at + tail.len() as u64;
    let mut cd = Vec::new();
    central(&mut cd, "archive/data.pkl", data_pkl.len() as u32, 0);
    central(&mut cd, "archive/data/0", storage as u32, storage_at);
    central(&mut cd, "archive/version", 2, version_at as u32);
    tail.extend_from_slice(&cd);
    tail.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x03\x00\x03\x00");
    tail.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    tail.extend_from_slice(&(cd_at as u32).to_le_bytes());
    tail.extend_from_slice(&0u16.to_le_bytes());
    let size = cd_at + cd.len() as u64 + 22;
    Content::Ends {
        head: Arc::new(head),
        tail: Arc::new(tail),
        size,
    }
}

/// `zip` (a [`declared_torch_zip`]) with its end record saying 60,000
/// entries in a directory 2 GB long at an offset past the end of the file.
pub fn lying_directory(zip: &Content) -> Content {
    let Content::Ends { head, tail, size } = zip else {
        panic!("not a declared zip")
    };
    let mut lying = tail.as_ref().clone();
    let end = lying.len() - 22;
    lying[end + 8..end + 12].copy_from_slice(&[0x60, 0xea, 0x60, 0xea]);
    lying[end + 12..end + 16].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    lying[end + 16..end + 20].copy_from_slice(&((size + 4096) as u32).to_le_bytes());
    Content::Ends {
        head: head.clone(),
        tail: Arc::new(lying),
        size: *size,
    }
}
