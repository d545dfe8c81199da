#!/usr/bin/env bash
# Rebuild the extracts eval/judge.py scans: every release of sources.tsv
# cloned at its pinned commit into eval/extracts/<owner>__<name> (or the
# folder given as $1), Git LFS content skipped so weights stay pointers, as
# CI clones do. Needs git and network access; nothing here runs code from
# the releases. Already present folders are left as they are.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-$here/extracts}
mkdir -p "$root"
export GIT_LFS_SKIP_SMUDGE=1 GIT_TERMINAL_PROMPT=0
tail -n +2 "$here/sources.tsv" | while IFS=$'\t' read -r repo commit _; do
  dir=$root/${repo/\//__}
  if [[ -d $dir ]]; then
    echo "have $repo"
    continue
  fi
  echo "clone $repo@$commit"
  git init -q "$dir"
  git -C "$dir" fetch -q --depth 1 "https://github.com/$repo" "$commit" ||
    git -C "$dir" fetch -q "https://github.com/$repo"
  git -C "$dir" -c advice.detachedHead=false checkout -q "$commit"
  # The scan never reads .git/, but an extract is a release, not a clone.
  rm -rf "$dir/.git"
done
echo "extracts in $root; score with: python3 $here/judge.py <openness binary> --root $root"
