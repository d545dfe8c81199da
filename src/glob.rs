//! Path globs over root-relative `/` paths, for `verify --ignore` and the
//! policy's path exceptions. A glob is cut into segments at `/`, as the path
//! is: `*` matches any run of characters within one segment, `?` one
//! character, and a segment that is exactly `**` matches any number of
//! segments (none included: `**/*.md` matches `README.md`), except at the
//! end, where it matches one or more (`docs/**` is everything inside
//! `docs/`, not a file named `docs`). Every other character matches itself;
//! there are no character classes, alternatives or escapes.
//!
//! Matching is a table over segment pairs, so no glob makes it exponential:
//! at most (glob segments + 1) × (path segments + 1) segment comparisons,
//! each linear in practice.

/// Whether `path` (relative, `/`-separated) matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let globs: Vec<&str> = pattern.split('/').collect();
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    // `next[j]`: do the glob segments after the current one match
    // `parts[j..]`? With none left, only the empty rest does.
    let mut next: Vec<bool> = (0..=n).map(|j| j == n).collect();
    let mut here = vec![false; n + 1];
    for (i, glob) in globs.iter().enumerate().rev() {
        let last = i + 1 == globs.len();
        for j in (0..=n).rev() {
            here[j] = if *glob == "**" {
                // Skip this `**` (not when it ends the glob), or let it take
                // one more segment.
                (!last && next[j]) || (j < n && (next[j + 1] || here[j + 1]))
            } else {
                j < n && next[j + 1] && segment_matches(glob, parts[j])
            };
        }
        std::mem::swap(&mut next, &mut here);
    }
    next[0]
}

/// `*` and `?` within one segment: the classic two-pointer match, which
/// only ever backtracks to the latest `*` (enough when a star matches any
/// run, as it does within a segment).
fn segment_matches(glob: &str, part: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let s: Vec<char> = part.chars().collect();
    let (mut gi, mut si) = (0, 0);
    // The glob index after the latest star, and the text index it resumes at.
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match g.get(gi) {
            Some('*') => {
                gi += 1;
                star = Some((gi, si));
            }
            Some(&c) if c == '?' || c == s[si] => {
                gi += 1;
                si += 1;
            }
            _ => match star {
                Some((after, start)) => {
                    gi = after;
                    si = start + 1;
                    star = Some((after, start + 1));
                }
                None => return false,
            },
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

/// Why `pattern` can never match a release path, or uses syntax this
/// matcher does not have; `None` when it is a usable glob. For inputs that
/// must be right (a policy file), where a silent non-match would hide a
/// mistake.
pub fn problem(pattern: &str) -> Option<&'static str> {
    if pattern.is_empty() {
        return Some("an empty glob matches nothing");
    }
    if pattern.starts_with('/') {
        return Some("paths are relative to the release root: drop the leading `/`");
    }
    if pattern.contains('\\') {
        return Some("paths are separated by `/`, not `\\`");
    }
    if pattern.contains(['[', ']', '{', '}']) {
        return Some(
            "`[...]` and `{a,b}` are not supported: use `*`, `?` or `**`, or list each path",
        );
    }
    let segments: Vec<&str> = pattern.split('/').collect();
    if segments.last() == Some(&"") {
        return Some("a glob names files, not a folder: write `folder/**` for all it holds");
    }
    for segment in segments {
        match segment {
            "" => return Some("an empty segment (`//`) matches nothing"),
            "." | ".." => return Some("release paths have no `.` or `..` segments"),
            "**" => {}
            s if s.contains("**") => {
                return Some("`**` must be a whole segment (`a/**/b`); use `*` within a segment");
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{matches, problem};

    #[test]
    fn star_and_question_mark_stay_within_a_segment() {
        assert!(matches("*.md", "README.md"));
        assert!(!matches("*.md", "docs/README.md"));
        assert!(matches("legacy/*.pkl", "legacy/model.pkl"));
        assert!(!matches("legacy/*.pkl", "legacy/old/model.pkl"));
        assert!(!matches("legacy/*.pkl", "other/legacy/model.pkl"));
        assert!(matches(
            "model-0000?-of-00002.safetensors",
            "model-00001-of-00002.safetensors"
        ));
        assert!(!matches("a?c", "a/c"));
        assert!(matches("*", "x"));
        assert!(!matches("*", "a/b"));
        assert!(matches("*a*b*", "xaybz"));
        assert!(!matches("*a*b*", "xbya"));
        // A star matches the empty run; `?` needs one character.
        assert!(matches("model*.bin", "model.bin"));
        assert!(!matches("model?.bin", "model.bin"));
        // `?` is one character, not one byte.
        assert!(matches("r?sum?.pkl", "résumé.pkl"));
    }

    #[test]
    fn plain_paths_match_only_themselves() {
        assert!(matches("legacy/model.pkl", "legacy/model.pkl"));
        assert!(!matches("legacy/model.pkl", "legacy/model.pkl.gz"));
        assert!(!matches("legacy/model.pkl", "Legacy/model.pkl"));
        assert!(!matches("model.pkl", "legacy/model.pkl"));
        // Brackets are literal characters to the matcher.
        assert!(matches("ckpt[1].pt", "ckpt[1].pt"));
        assert!(!matches("ckpt[1].pt", "ckpt1.pt"));
    }

    #[test]
    fn double_star_spans_any_number_of_segments() {
        assert!(matches("**/*.md", "README.md"));
        assert!(matches("**/*.md", "docs/README.md"));
        // Two folders deep: the old matcher of `verify --ignore` missed this.
        assert!(matches("**/*.md", "docs/a/README.md"));
        assert!(matches("a/**/b/*.pkl", "a/b/m.pkl"));
        assert!(matches("a/**/b/*.pkl", "a/x/y/b/m.pkl"));
        assert!(!matches("a/**/b/*.pkl", "a/x/y/c/m.pkl"));
        assert!(matches("**/legacy/*", "x/y/legacy/m.pkl"));
        assert!(matches("**", "a/b/c"));
        assert!(matches("**/**/x", "x"));
        // At the end it needs at least one segment.
        assert!(matches("docs/**", "docs/a/b.txt"));
        assert!(matches("docs/**", "docs/a"));
        assert!(!matches("docs/**", "docs"));
        assert!(!matches("docs/**", "documents/a"));
    }

    #[test]
    fn hostile_globs_stay_cheap() {
        assert!(!matches(&"*a".repeat(30), &"b".repeat(2000)));
        let deep = vec!["x"; 500].join("/");
        let many = "**/".repeat(60);
        assert!(!matches(&format!("{many}y"), &deep));
        assert!(matches(&format!("{many}x"), &deep));
    }

    #[test]
    fn problems_name_what_cannot_match() {
        for ok in [
            "legacy/*.pkl",
            "**/*.bin",
            "a/**/b",
            "model.safetensors",
            "**",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        let cases = [
            ("", "an empty glob"),
            ("/legacy/a.pkl", "drop the leading `/`"),
            ("legacy\\a.pkl", "not `\\`"),
            ("ckpt-[0-9].pt", "not supported"),
            ("*.{bin,pt}", "not supported"),
            ("legacy/", "`folder/**`"),
            ("a//b", "empty segment"),
            ("./a.pkl", "no `.` or `..`"),
            ("a/../b.pkl", "no `.` or `..`"),
            ("legacy/**.pkl", "whole segment"),
        ];
        for (glob, says) in cases {
            let why = problem(glob).unwrap_or_else(|| panic!("{glob:?} accepted"));
            assert!(why.contains(says), "{glob:?}: {why}");
        }
    }
}
