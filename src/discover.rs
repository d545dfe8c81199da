//! Discovery: `--discover` treats a PATH as a folder of releases and finds
//! each one below it, so a whole model directory or a Hugging Face cache can be
//! reported in one run. It only lists directories and looks at file names; the
//! scan of each release found is the caller's.
//!
//! The walk follows the inventory's rules: `.git/` is never entered and
//! symlinked directories are never followed (a link loop, or a link to `/`,
//! must not turn a discovery into a walk of the whole disk). Depth and the
//! number of directory entries read are capped, so no tree makes it hang.

use crate::ScanError;
use crate::formats::sniff;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One release found below the discovery root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The release folder: the root joined with its relative path, so its
    /// `display()` is a fine `display_root` for [`crate::scan()`].
    pub path: PathBuf,
    /// The display name: the relative path from the discovery root with `/`,
    /// or `org/name@rev` for a Hugging Face cache snapshot
    /// (`datasets/org/name@rev`, `spaces/org/name@rev` for those repo types).
    pub name: String,
}

/// Bounds of the walk.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Directories deeper than this below the root are not entered.
    pub max_depth: usize,
    /// Directory entries read in total before the walk stops.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 16,
            max_entries: 1_000_000,
        }
    }
}

/// The releases found, plus what the walk could not look at. Warnings are
/// for stderr: a folder that cannot be listed is not a reason to report
/// nothing about the others.
#[derive(Debug, Default)]
pub struct Discovery {
    pub found: Vec<Found>,
    pub warnings: Vec<String>,
}

/// Finds every release below `root`, sorted by name; see [`discover_with`].
/// Only a missing or unreadable `root` is an error.
pub fn discover(root: &Path) -> Result<Vec<Found>, ScanError> {
    discover_with(root, Limits::default()).map(|d| d.found)
}

/// Finds every release below `root`:
/// - a folder with a `config.json`, a model card (`README.md`) or a weights
///   file at its top is a release, and its subfolders are parts of it (a
///   diffusers `unet/` is not a release of its own);
/// - a Hugging Face cache repo folder (`models--org--name`) holds one release
///   per `snapshots/<rev>/` folder; its `blobs/` and `refs/` are not releases;
/// - `root` itself may be a release (or a single file): then it is the only one.
pub fn discover_with(root: &Path, limits: Limits) -> Result<Discovery, ScanError> {
    let root_err = |source| ScanError::Root {
        path: root.display().to_string(),
        source,
    };
    // The root is followed even when it is a link: the user named it.
    let meta = fs::metadata(root).map_err(root_err)?;
    let mut walk = Walk {
        root,
        limits,
        entries_read: 0,
        out: Discovery::default(),
    };
    if meta.is_file() {
        walk.push_root();
        return Ok(walk.out);
    }
    // Listing the root itself must work, or the PATH is unreadable.
    let listing = list(root).map_err(root_err)?;
    walk.entries_read = listing.len();
    if let Some(kind) = hf_repo_kind(&file_name(root)) {
        walk.hf_repo(root, "", kind);
    } else if is_release(&listing) || hf_snapshot_name(root).is_some() {
        walk.push_root();
    } else {
        walk.children(root, "", 0, &listing);
    }
    walk.finish();
    Ok(walk.out)
}

struct Walk<'a> {
    root: &'a Path,
    limits: Limits,
    entries_read: usize,
    out: Discovery,
}

/// A directory entry, with its type as the directory lists it (a symlink is
/// a symlink, not what it points to).
struct Child {
    name: String,
    is_dir: bool,
    is_symlink: bool,
}

impl Walk<'_> {
    /// The root is the release: named by its Hugging Face id when it is a
    /// snapshot, else by its own folder name (its relative path is empty).
    fn push_root(&mut self) {
        let name = hf_snapshot_name(self.root).unwrap_or_else(|| {
            let own = file_name(self.root);
            if own.is_empty() {
                self.root.display().to_string()
            } else {
                own
            }
        });
        self.out.found.push(Found {
            path: self.root.to_path_buf(),
            name,
        });
    }

    /// Looks at the subfolders of `dir` (already listed); `rel` is `dir`
    /// relative to the root ("" for the root).
    fn children(&mut self, dir: &Path, rel: &str, depth: usize, listing: &[Child]) {
        for child in listing {
            if !child.is_dir || child.is_symlink || child.name == ".git" {
                continue;
            }
            let path = dir.join(&child.name);
            let child_rel = join_rel(rel, &child.name);
            if let Some(kind) = hf_repo_kind(&child.name) {
                self.hf_repo(&path, &child_rel, kind);
            } else {
                self.visit(&path, &child_rel, depth + 1);
            }
        }
    }

    fn visit(&mut self, dir: &Path, rel: &str, depth: usize) {
        if depth > self.limits.max_depth {
            self.out.warnings.push(format!(
                "{rel}: deeper than {} levels; not searched",
                self.limits.max_depth
            ));
            return;
        }
        let Some(listing) = self.read(dir, rel) else {
            return;
        };
        if is_release(&listing) {
            // A snapshot reached without its repo folder (the root was a
            // `snapshots/` folder) still gets its hub name.
            self.out.found.push(Found {
                path: dir.to_path_buf(),
                name: hf_snapshot_name(dir).unwrap_or_else(|| rel.to_owned()),
            });
        } else {
            self.children(dir, rel, depth, &listing);
        }
    }

    /// A Hugging Face cache repo folder: each real directory under
    /// `snapshots/` is one revision, hence one release. A repo folder without
    /// snapshots (the hub's `.locks/models--…`) holds no release.
    fn hf_repo(&mut self, repo: &Path, rel: &str, kind: &'static str) {
        let snapshots = repo.join("snapshots");
        let is_real_dir = fs::symlink_metadata(&snapshots).is_ok_and(|m| m.is_dir());
        if !is_real_dir {
            return;
        }
        let snapshots_rel = join_rel(rel, "snapshots");
        let Some(listing) = self.read(&snapshots, &snapshots_rel) else {
            return;
        };
        let id = repo_id(&file_name(repo), kind);
        for rev in listing {
            if rev.is_dir && !rev.is_symlink {
                self.out.found.push(Found {
                    path: snapshots.join(&rev.name),
                    name: format!("{id}@{}", rev.name),
                });
            }
        }
    }

    /// Lists `dir`, counting its entries against the cap; `None` (with a
    /// warning) when it cannot be listed or the cap is reached.
    fn read(&mut self, dir: &Path, rel: &str) -> Option<Vec<Child>> {
        if self.entries_read >= self.limits.max_entries {
            return None;
        }
        match list(dir) {
            Ok(listing) => {
                self.entries_read += listing.len();
                Some(listing)
            }
            Err(err) => {
                self.out.warnings.push(format!("{rel}: cannot list: {err}"));
                None
            }
        }
    }

    /// Sorts by name and makes names unique: two caches below one root may
    /// hold the same `org/name@rev`, and a summary row must say which is which.
    fn finish(&mut self) {
        if self.entries_read >= self.limits.max_entries {
            self.out.warnings.push(format!(
                "stopped after {} directory entries; some releases may be missing",
                self.limits.max_entries
            ));
        }
        let root = self.root;
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for f in &self.out.found {
            *seen.entry(f.name.clone()).or_default() += 1;
        }
        for f in &mut self.out.found {
            if seen.get(&f.name).is_some_and(|&n| n > 1) {
                let rel = f.path.strip_prefix(root).unwrap_or(&f.path);
                f.name = format!("{} ({})", f.name, slash_path(rel));
            }
        }
        self.out
            .found
            .sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.path.cmp(&b.path)));
    }
}

/// Lists a directory without following links, sorted by name so the walk
/// (and its warnings) are deterministic.
fn list(dir: &Path) -> std::io::Result<Vec<Child>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // An entry whose type cannot be read is treated as a plain file:
        // never entered, and its name still counts for `is_release`.
        let (is_dir, is_symlink) = entry
            .file_type()
            .map(|t| (t.is_dir(), t.is_symlink()))
            .unwrap_or((false, false));
        out.push(Child {
            name: entry.file_name().to_string_lossy().into_owned(),
            is_dir,
            is_symlink,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A release announces itself at its top: a config, a model card or weights.
/// Names only: files (or links to files) count; folders do not, so a
/// `model.safetensors/` directory does not make a release.
fn is_release(listing: &[Child]) -> bool {
    listing.iter().any(|c| {
        if c.is_dir {
            return false;
        }
        let lower = c.name.to_ascii_lowercase();
        lower == "config.json"
            || lower == "readme.md"
            || sniff::weights_format_by_name(&lower).is_some()
    })
}

/// `models--…` → "models"; the cache's repo types and their id prefixes.
fn hf_repo_kind(dir_name: &str) -> Option<&'static str> {
    ["models", "datasets", "spaces"].into_iter().find(|k| {
        dir_name
            .strip_prefix(k)
            .and_then(|rest| rest.strip_prefix("--"))
            .is_some_and(|rest| !rest.is_empty())
    })
}

/// `models--org--name` → `org/name`, `datasets--org--name` →
/// `datasets/org/name`, as the hub spells repo ids (the cache replaced each
/// `/` by `--`; repo names cannot contain `--`).
fn repo_id(dir_name: &str, kind: &str) -> String {
    let rest = dir_name
        .strip_prefix(kind)
        .and_then(|r| r.strip_prefix("--"))
        .unwrap_or(dir_name);
    let id = rest.replace("--", "/");
    if kind == "models" {
        id
    } else {
        format!("{kind}/{id}")
    }
}

/// `…/models--org--name/snapshots/<rev>` → `org/name@rev`.
fn hf_snapshot_name(dir: &Path) -> Option<String> {
    // Canonical, so `.` or a trailing `/` still has its real folder names.
    let dir = fs::canonicalize(dir).ok()?;
    let rev = dir.file_name()?.to_string_lossy().into_owned();
    let snapshots = dir.parent()?;
    if snapshots.file_name()? != "snapshots" {
        return None;
    }
    let repo = file_name(snapshots.parent()?);
    let kind = hf_repo_kind(&repo)?;
    Some(format!("{}@{rev}", repo_id(&repo, kind)))
}

fn file_name(path: &Path) -> String {
    let named = path.file_name().map(|n| n.to_string_lossy().into_owned());
    // `.` and `..` have no file name: ask the file system for the real one.
    named
        .or_else(|| {
            fs::canonicalize(path)
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default()
}

fn join_rel(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{rel}/{name}")
    }
}

fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_folder_names_become_repo_ids() {
        assert_eq!(hf_repo_kind("models--org--name"), Some("models"));
        assert_eq!(hf_repo_kind("datasets--org--name"), Some("datasets"));
        assert_eq!(hf_repo_kind("spaces--org--app"), Some("spaces"));
        assert_eq!(hf_repo_kind("models--"), None);
        assert_eq!(hf_repo_kind("models"), None);
        assert_eq!(hf_repo_kind("my-models--x"), None);
        assert_eq!(
            repo_id("models--meta-llama--Llama-3.1-8B", "models"),
            "meta-llama/Llama-3.1-8B"
        );
        assert_eq!(repo_id("models--gpt2", "models"), "gpt2");
        assert_eq!(
            repo_id("datasets--org--corpus", "datasets"),
            "datasets/org/corpus"
        );
    }
}
