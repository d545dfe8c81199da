//! `--lfs-remote`: a local clone made without LFS content holds pointers in
//! place of its weights. This asks the repository's LFS server (the Git LFS
//! batch API, at `lfs.url` of `.lfsconfig` or `.git/config`, else the
//! `origin` remote's URL + `.git/info/lfs`; the hub serves the same API) for
//! each pointer's object, and hands the read stage the object in place of
//! the pointer, read by range like a hub file. The object's size must be
//! the pointer's (the batch answer and every `Content-Range` are checked);
//! an object the server does not have stays a pointer, reported as one.

use super::http::{self, Client};
use super::{RangeFiles, Remote, RemoteFile};
use crate::formats::lfs;
use crate::inventory::{self, ScanError};
use crate::report::{ItemSource, Report, Source};
use crate::source;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Objects asked for in one batch request.
const BATCH: usize = 100;
/// Bytes of one batch answer at most.
const MAX_BATCH_ANSWER: u64 = 8 << 20;
const LFS_JSON: &str = "application/vnd.git-lfs+json";

fn root_error(display_root: &str, message: String) -> ScanError {
    ScanError::Root {
        path: display_root.to_owned(),
        source: io::Error::other(message),
    }
}

/// Scans the local clone at `root`, reading its LFS objects remotely.
pub fn scan(
    root: &Path,
    display_root: &str,
    count_referenced: bool,
    remote: &Remote<'_>,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let mut inventory = inventory::walk(root)?;
    let root_name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    // Every pointer of the clone, by its place in the inventory.
    let mut pointers: Vec<(usize, lfs::Pointer)> = Vec::new();
    for (i, entry) in inventory.entries.iter().enumerate() {
        if entry.bytes >= lfs::MAX_POINTER_BYTES as u64 {
            continue;
        }
        let Some(path) = &entry.read_path else {
            continue;
        };
        let mut head = Vec::new();
        let read = std::fs::File::open(path)
            .and_then(|f| f.take(lfs::MAX_POINTER_BYTES as u64).read_to_end(&mut head));
        if read.is_ok()
            && lfs::looks_like_pointer(&head)
            && let Ok(pointer) = lfs::parse(&head)
        {
            pointers.push((i, pointer));
        }
    }
    let endpoint = lfs_endpoint(root).ok_or_else(|| {
        root_error(
            display_root,
            "--lfs-remote: no LFS server: neither .lfsconfig nor .git/config names \
             lfs.url or an http(s) remote"
                .to_owned(),
        )
    })?;
    let hub = super::hub::endpoint();
    let token =
        super::token(remote.token_file).map_err(|e| root_error(display_root, e.to_string()))?;
    let client = Arc::new(Client::new(http::Settings::from_env(), &hub, token));
    let mut files = BTreeMap::new();
    let unique: BTreeMap<&str, u64> = pointers
        .iter()
        .map(|(_, p)| (p.oid.as_str(), p.size))
        .collect();
    let objects: Vec<(&str, u64)> = unique.into_iter().collect();
    let mut actions: BTreeMap<String, (String, Vec<(String, String)>)> = BTreeMap::new();
    for chunk in objects.chunks(BATCH) {
        let body = serde_json::json!({
            "operation": "download",
            "transfers": ["basic"],
            "objects": chunk.iter().map(|(oid, size)| serde_json::json!({"oid": oid, "size": size})).collect::<Vec<_>>(),
        });
        let answer = client
            .post_json(
                &format!("{endpoint}/objects/batch"),
                LFS_JSON,
                body.to_string().as_bytes(),
                MAX_BATCH_ANSWER,
            )
            .map_err(|e| root_error(display_root, format!("--lfs-remote: {e}")))?;
        let answer: serde_json::Value = serde_json::from_slice(&answer).map_err(|e| {
            root_error(
                display_root,
                format!("--lfs-remote: the batch answer is not JSON: {e}"),
            )
        })?;
        let asked: BTreeMap<&str, u64> = chunk.iter().copied().collect();
        for object in answer["objects"].as_array().into_iter().flatten() {
            let (Some(oid), Some(size)) = (object["oid"].as_str(), object["size"].as_u64()) else {
                continue;
            };
            // Only objects asked for, of the pointer's size.
            if asked.get(oid) != Some(&size) {
                continue;
            }
            let download = &object["actions"]["download"];
            let Some(href) = download["href"]
                .as_str()
                .filter(|h| http::origin(h).is_some())
            else {
                continue;
            };
            let headers = download["header"]
                .as_object()
                .map(|h| {
                    h.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                        .filter(|(k, v)| {
                            !k.eq_ignore_ascii_case("range")
                                && k.len() < 128
                                && v.len() < 8192
                                && !v.chars().any(char::is_control)
                        })
                        .take(16)
                        .collect()
                })
                .unwrap_or_default();
            actions.insert(oid.to_owned(), (href.to_owned(), headers));
        }
    }
    let mut remote_rels = BTreeSet::new();
    for (i, pointer) in &pointers {
        if let (Some((href, headers)), Some(entry)) =
            (actions.get(&pointer.oid), inventory.entries.get(*i))
        {
            files.insert(
                entry.rel.clone(),
                RemoteFile::new(href.clone(), pointer.size).with_headers(headers.clone()),
            );
            remote_rels.insert(entry.rel.clone());
        }
    }
    let range_files = Arc::new(RangeFiles::new(client.clone(), files));
    let registration = source::register(range_files.clone());
    for (i, pointer) in &pointers {
        if let Some(entry) = inventory.entries.get_mut(*i)
            && remote_rels.contains(&entry.rel)
        {
            entry.read_path = Some(registration.path_for(&entry.rel));
            entry.bytes = pointer.size;
        }
    }
    let declared = pointers
        .iter()
        .filter(|(i, _)| {
            inventory
                .entries
                .get(*i)
                .is_some_and(|e| remote_rels.contains(&e.rel))
        })
        .map(|(_, p)| p.size)
        .fold(0, u64::saturating_add);
    let remote_entries: Vec<inventory::Entry> = inventory
        .entries
        .iter()
        .filter(|e| remote_rels.contains(&e.rel))
        .cloned()
        .collect();
    range_files.prefetch(&remote_entries, remote.jobs);
    let facts = crate::read::read(std::mem::take(&mut inventory), root_name, None);
    drop(registration);
    let mut report = crate::assess::assess(display_root, facts, count_referenced);
    crate::report::flag_overlong_text(&mut report);
    // The evidence of a file read from the LFS server says so.
    for item in &mut report.components.weights.component.items {
        if item.path.as_ref().is_some_and(|p| remote_rels.contains(p)) {
            item.source = ItemSource::LfsRemote;
        }
    }
    report.source = Some(Source {
        kind: "lfs-remote".to_owned(),
        endpoint: http::redact(&endpoint),
        repo: None,
        revision: None,
        commit: None,
        requests: client.requests(),
        bytes_read: client.bytes_read(),
        bytes_declared: declared,
        seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    });
    Ok(report)
}

/// The LFS server of the clone at `root`: `lfs.url` of `.lfsconfig`, then
/// of `.git/config`, then the `origin` remote's URL (any remote when there
/// is no `origin`) with `.git/info/lfs` (`/info/lfs` after a `.git`).
pub fn lfs_endpoint(root: &Path) -> Option<String> {
    let read = |p: &Path| -> Option<String> {
        let mut text = String::new();
        std::fs::File::open(p)
            .ok()?
            .take(1 << 20)
            .read_to_string(&mut text)
            .ok()?;
        Some(text)
    };
    let lfsconfig = read(&root.join(".lfsconfig")).unwrap_or_default();
    let gitconfig = read(&root.join(".git").join("config")).unwrap_or_default();
    for text in [&lfsconfig, &gitconfig] {
        if let Some(url) = config_value(text, "lfs", "url").filter(|u| http::origin(u).is_some()) {
            return Some(url.trim_end_matches('/').to_owned());
        }
    }
    let remote = config_value(&gitconfig, "remote \"origin\"", "url")
        .or_else(|| config_section_value(&gitconfig, "remote ", "url"))?;
    http::origin(&remote)?;
    let remote = remote.trim_end_matches('/');
    Some(if remote.ends_with(".git") {
        format!("{remote}/info/lfs")
    } else {
        format!("{remote}.git/info/lfs")
    })
}

/// `key` of section `[section]` in a git-config text.
fn config_value(text: &str, section: &str, key: &str) -> Option<String> {
    config_section_value_with(text, |s| s == section, key)
}

/// `key` of the first section starting with `prefix`.
fn config_section_value(text: &str, prefix: &str, key: &str) -> Option<String> {
    config_section_value_with(text, |s| s.starts_with(prefix), key)
}

fn config_section_value_with(
    text: &str,
    matches: impl Fn(&str) -> bool,
    key: &str,
) -> Option<String> {
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = matches(section.trim());
            continue;
        }
        if inside
            && let Some((k, v)) = line.split_once('=')
            && k.trim().eq_ignore_ascii_case(key)
        {
            return Some(v.trim().trim_matches('"').to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lfs_server_comes_from_lfsconfig_then_the_remote() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(
            dir.path().join(".git/config"),
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://hub.example/org/name\n",
        )
        .unwrap();
        assert_eq!(
            lfs_endpoint(dir.path()).as_deref(),
            Some("https://hub.example/org/name.git/info/lfs")
        );
        std::fs::write(
            dir.path().join(".git/config"),
            "[remote \"origin\"]\n\turl = https://hub.example/org/name.git\n",
        )
        .unwrap();
        assert_eq!(
            lfs_endpoint(dir.path()).as_deref(),
            Some("https://hub.example/org/name.git/info/lfs")
        );
        std::fs::write(
            dir.path().join(".lfsconfig"),
            "[lfs]\n\turl = https://lfs.example/x/info/lfs/\n",
        )
        .unwrap();
        assert_eq!(
            lfs_endpoint(dir.path()).as_deref(),
            Some("https://lfs.example/x/info/lfs")
        );
        std::fs::remove_file(dir.path().join(".lfsconfig")).unwrap();
        std::fs::write(
            dir.path().join(".git/config"),
            "[remote \"origin\"]\n\turl = git@hub.example:org/name.git\n",
        )
        .unwrap();
        assert_eq!(lfs_endpoint(dir.path()), None, "ssh remotes are not HTTP");
    }
}
