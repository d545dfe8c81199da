//! A model hub repository as a list of files: which targets name one
//! (`hf://org/name@rev`, `hf://datasets/org/name`, `https://huggingface.co/
//! org/name/tree/rev`), the revision resolved to a commit, and the
//! recursive tree listing followed page by page, bounded in pages and
//! entries. Also the resolve URL of each file, which the reader ranges on.

use super::http::{Client, HttpError};

/// A repository on a hub, as a target names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `models` or `datasets`.
    pub kind: &'static str,
    /// `org/name`.
    pub repo: String,
    /// As given; `None` means the default branch.
    pub revision: Option<String>,
}

/// The hub endpoint: `HF_ENDPOINT`, else the public hub.
pub fn endpoint() -> String {
    std::env::var("HF_ENDPOINT")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .map(|e| e.trim().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| "https://huggingface.co".to_owned())
}

/// Whether a PATH as given names a hub repository rather than a folder.
pub fn parse_target(text: &str, endpoint: &str) -> Option<Target> {
    let rest = if let Some(rest) = text.strip_prefix("hf://") {
        rest
    } else {
        let mut prefixes = vec![
            "https://huggingface.co/".to_owned(),
            "http://huggingface.co/".to_owned(),
        ];
        prefixes.push(format!("{endpoint}/"));
        let rest = prefixes
            .iter()
            .find_map(|p| text.strip_prefix(p.as_str()))?;
        // `org/name/tree/rev[/path]`, `org/name/blob/...`: the repository.
        let mut parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
        let lead = usize::from(parts.first() == Some(&"datasets"));
        if let Some(at) = parts
            .iter()
            .skip(lead + 2)
            .position(|p| *p == "tree" || *p == "blob" || *p == "resolve")
        {
            let at = at + lead + 2;
            let rev = parts.get(at + 1).copied().unwrap_or("main").to_owned();
            parts.truncate(at);
            let repo = parts.join("/");
            return target_of(&format!("{repo}@{rev}"));
        }
        return target_of(&parts.join("/"));
    };
    target_of(rest)
}

fn target_of(rest: &str) -> Option<Target> {
    let rest = rest.trim_end_matches('/');
    let (kind, rest) = match rest.strip_prefix("datasets/") {
        Some(r) => ("datasets", r),
        None => ("models", rest.strip_prefix("models/").unwrap_or(rest)),
    };
    let (repo, revision) = match rest.split_once('@') {
        Some((r, v)) if !v.is_empty() => (r, Some(v.to_owned())),
        Some(_) => return None,
        None => (rest, None),
    };
    let parts: Vec<&str> = repo.split('/').collect();
    let ok = |p: &&str| {
        !p.is_empty()
            && *p != "."
            && *p != ".."
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    // `name` alone is a canonical model (`gpt2`); `org/name` otherwise.
    if parts.is_empty() || parts.len() > 2 || !parts.iter().all(ok) {
        return None;
    }
    Some(Target {
        kind,
        repo: repo.to_owned(),
        revision,
    })
}

impl Target {
    /// `org/name`, or `datasets/org/name`.
    pub fn display(&self) -> String {
        if self.kind == "datasets" {
            format!("datasets/{}", self.repo)
        } else {
            self.repo.clone()
        }
    }

    /// The repository's own name, the release name of last resort.
    pub fn name(&self) -> String {
        self.repo
            .rsplit('/')
            .next()
            .unwrap_or(&self.repo)
            .to_owned()
    }

    /// The resolve URL of `path` at `commit`.
    pub fn resolve_url(&self, endpoint: &str, commit: &str, path: &str) -> String {
        let prefix = if self.kind == "datasets" {
            "datasets/"
        } else {
            ""
        };
        format!(
            "{endpoint}/{prefix}{}/resolve/{}/{}",
            self.repo,
            encode(commit, false),
            encode(path, true)
        )
    }
}

/// Percent-encodes a path segment (`/` kept when `keep_slash`).
pub fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One file of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: String,
    pub size: u64,
    /// The SHA-256 of the content, for files stored in LFS.
    pub lfs_oid: Option<String>,
}

/// A listed repository.
#[derive(Debug)]
pub struct Listing {
    pub commit: String,
    pub files: Vec<Listed>,
    /// Listed paths left out because no report may carry them (see
    /// [`safe_path`]), each as an escaped, shortened quotation; at most
    /// [`MAX_DROPPED_NAMED`], then one line for the rest.
    pub dropped: Vec<String>,
}

/// Left-out paths named one by one; a listing of thousands says how many
/// more.
const MAX_DROPPED_NAMED: usize = 20;
/// Characters of a left-out path quoted.
const DROPPED_QUOTE_CHARS: usize = 200;

/// Pages of a tree listing followed at most.
const MAX_PAGES: usize = 1000;
/// Entries kept at most: a repository bigger than this is refused.
const MAX_ENTRIES: usize = 200_000;
/// Bytes of one API answer at most.
const MAX_PAGE_BYTES: u64 = 32 << 20;

/// Why a repository could not be listed; the CLI prints it and exits 2.
pub fn describe(target: &Target, err: &HttpError) -> String {
    let what = target.display();
    match err {
        HttpError::Status {
            status: 401 | 403,
            code,
            ..
        } => format!(
            "hf://{what}: gated or private{}: the token (HF_TOKEN or --token-file) cannot read it",
            code.as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ),
        HttpError::Status {
            status: 404, code, ..
        } => match code.as_deref() {
            Some("RevisionNotFound") => format!(
                "hf://{what}: no revision {}",
                target.revision.as_deref().unwrap_or("main")
            ),
            _ => format!("hf://{what}: no such repository"),
        },
        other => format!("hf://{what}: {other}"),
    }
}

/// Resolves the revision and lists every file, following the pages.
pub fn list(client: &Client, endpoint: &str, target: &Target) -> Result<Listing, HttpError> {
    let revision = target.revision.as_deref().unwrap_or("main");
    let base = format!("{endpoint}/api/{}/{}", target.kind, target.repo);
    let (info, _) = client.get_document(
        &format!("{base}/revision/{}", encode(revision, false)),
        MAX_PAGE_BYTES,
    )?;
    let bad = |error: &str| HttpError::Protocol {
        url: format!("{base}/revision/{revision}"),
        error: error.to_owned(),
    };
    let info: serde_json::Value =
        serde_json::from_slice(&info).map_err(|e| bad(&format!("not JSON: {e}")))?;
    let commit = info
        .get("sha")
        .and_then(|s| s.as_str())
        .filter(|s| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| bad("no commit (`sha`) in the answer"))?
        .to_ascii_lowercase();
    let mut files = Vec::new();
    let mut dropped = Vec::new();
    let mut dropped_more = 0usize;
    let mut next = Some(format!("{base}/tree/{commit}?recursive=true&expand=false"));
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(HttpError::Protocol {
                url: super::http::redact(&url),
                error: format!("more than {MAX_PAGES} pages of listing"),
            });
        }
        let (page, link) = client.get_document(&url, MAX_PAGE_BYTES)?;
        let entries: Vec<serde_json::Value> =
            serde_json::from_slice(&page).map_err(|e| HttpError::Protocol {
                url: super::http::redact(&url),
                error: format!("the listing is not a JSON array: {e}"),
            })?;
        for entry in entries {
            if entry.get("type").and_then(|t| t.as_str()) != Some("file") {
                continue;
            }
            let (Some(path), Some(size)) = (
                entry.get("path").and_then(|p| p.as_str()),
                entry.get("size").and_then(|s| s.as_u64()),
            ) else {
                continue;
            };
            if !safe_path(path) {
                // Hostile input: quoted with every control character
                // escaped, and cut short.
                if dropped.len() < MAX_DROPPED_NAMED {
                    let short = crate::formats::truncate_at_char(path, DROPPED_QUOTE_CHARS);
                    let cut = if short.len() < path.len() {
                        " (cut)"
                    } else {
                        ""
                    };
                    dropped.push(format!(
                        "the listing names {short:?}{cut}, which is not a safe relative path \
                         (absolute, empty, `.`/`..`/`.git` parts, control characters or over \
                         4096 bytes); that file was left out"
                    ));
                } else {
                    dropped_more += 1;
                }
                continue;
            }
            let lfs = entry.get("lfs");
            let lfs_oid = lfs
                .and_then(|l| l.get("oid"))
                .and_then(|o| o.as_str())
                .filter(|o| o.len() == 64 && o.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_ascii_lowercase);
            let size = lfs
                .and_then(|l| l.get("size"))
                .and_then(|s| s.as_u64())
                .unwrap_or(size);
            files.push(Listed {
                path: path.to_owned(),
                size,
                lfs_oid,
            });
            if files.len() > MAX_ENTRIES {
                return Err(HttpError::Protocol {
                    url: super::http::redact(&url),
                    error: format!("more than {MAX_ENTRIES} files listed"),
                });
            }
        }
        next = link;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    if dropped_more > 0 {
        dropped.push(format!(
            "the listing names {dropped_more} more paths that are not safe relative paths; those files were left out"
        ));
    }
    Ok(Listing {
        commit,
        files,
        dropped,
    })
}

/// A listed path the report may carry: relative, no `.`/`..` parts, no
/// `.git/`, no control characters.
fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 4096
        && !path.starts_with('/')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && p != ".git")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(kind: &'static str, repo: &str, rev: Option<&str>) -> Option<Target> {
        Some(Target {
            kind,
            repo: repo.to_owned(),
            revision: rev.map(str::to_owned),
        })
    }

    #[test]
    fn targets_parse() {
        let e = "https://huggingface.co";
        assert_eq!(
            parse_target("hf://org/name", e),
            t("models", "org/name", None)
        );
        assert_eq!(
            parse_target("hf://org/name@v1.0", e),
            t("models", "org/name", Some("v1.0"))
        );
        assert_eq!(
            parse_target("hf://datasets/org/data@refs/pr/1", e),
            t("datasets", "org/data", Some("refs/pr/1"))
        );
        assert_eq!(
            parse_target("https://huggingface.co/org/name/tree/dev", e),
            t("models", "org/name", Some("dev"))
        );
        assert_eq!(
            parse_target("https://huggingface.co/datasets/org/d", e),
            t("datasets", "org/d", None)
        );
        assert_eq!(
            parse_target("http://127.0.0.1:9/org/name", "http://127.0.0.1:9"),
            t("models", "org/name", None)
        );
        assert_eq!(parse_target("./org/name", e), None);
        assert_eq!(parse_target("hf://org/../x", e), None);
        assert_eq!(parse_target("hf://a/b/c", e), None);
    }

    #[test]
    fn listed_paths_are_checked() {
        assert!(safe_path("a/b.json"));
        assert!(!safe_path("../x"));
        assert!(!safe_path("/etc/passwd"));
        assert!(!safe_path(".git/config"));
        assert!(!safe_path("a\nb"));
    }

    #[test]
    fn encoding_keeps_slashes_only_in_paths() {
        assert_eq!(encode("refs/pr/1", false), "refs%2Fpr%2F1");
        assert_eq!(encode("a b/c.json", true), "a%20b/c.json");
    }
}
