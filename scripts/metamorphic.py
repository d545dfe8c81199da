#!/usr/bin/env python3
"""Metamorphic test of the verdicts: changes that must not move them.

usage: scripts/metamorphic.py BIN ROOT... [--releases-in DIR]... [--verbose]

Each ROOT is a release folder; each `--releases-in DIR` adds every folder
directly under DIR. For every release the harness copies it to a temporary
folder, applies each change below that applies to it, scans the original
and the changed copy with `BIN scan --format json`, and compares what a
user acts on: the code, weights and data statuses, the weight formats, the
licence expression (as a set of ids) and whether it is open.

Changes (each must keep every verdict):
  move-down        a weights or data file moved one folder down, into a new
                   sub-folder of its own folder
  move-up          a weights or data file two folders deep moved up one
                   (files another file names, such as index or manifest
                   shards, are never the ones moved or renamed)
  rename-folders   every `assets/` folder renamed `resources/`, every
                   `data/` folder `datasets/`
  name-case        a weights or data file's name upper-cased (extension kept;
                   files another file names, such as index shards, are left)
  reorder-sections the README's level-2 sections in reverse order
  translate        the README's headings translated English -> Chinese
  add-section      an unrelated README section appended

A change that does not apply (no such file or folder, no README) is not
counted. The last line is `metamorphic: K/N pairs keep every verdict (P%)`;
the pairs that moved are listed before it with what moved. Nothing is
written into the releases; copies live in a temporary folder that is
removed on exit.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

WEIGHTS_OR_DATA = (
    ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".gguf", ".h5", ".keras",
    ".tflite", ".npz", ".npy", ".pkl", ".joblib", ".msgpack", ".mlmodel", ".csv", ".tsv",
    ".jsonl", ".parquet", ".arrow",
)
RENAMES = {"assets": "resources", "data": "datasets"}
HEADINGS_ZH = [
    ("training data", "训练数据"), ("pre-training data", "预训练数据"), ("dataset", "数据集"),
    ("datasets", "数据集"), ("data", "数据"), ("evaluation", "评估"), ("results", "结果"),
    ("benchmark", "基准测试"), ("license", "许可证"), ("licence", "许可证"),
    ("usage", "使用方法"), ("quick start", "快速开始"), ("quickstart", "快速开始"),
    ("installation", "安装"), ("install", "安装"), ("citation", "引用"),
    ("acknowledgements", "致谢"), ("acknowledgments", "致谢"), ("news", "新闻"),
    ("model", "模型"), ("models", "模型"), ("download", "下载"), ("training", "训练"),
    ("inference", "推理"), ("introduction", "简介"), ("contact", "联系方式"),
    ("requirements", "依赖"), ("examples", "示例"), ("example", "示例"), ("faq", "常见问题"),
    ("weights", "权重"), ("checkpoints", "检查点"), ("pretrained models", "预训练模型"),
]
UNRELATED = "\n\n## Contact\n\nQuestions about this project are welcome on its issue tracker.\n"


def scan(binary, folder):
    done = subprocess.run([binary, "scan", "--no-progress", "--format", "json", folder],
                          capture_output=True, timeout=120)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return None
    if isinstance(report, list):
        report = report[0] if report else {}
    return report


def verdict(report):
    if report is None:
        return None
    comp = report.get("components", {})
    lic = report.get("license", {})
    ids = sorted({t.strip().lower() for t in re.split(r"\(|\)|\s+AND\s+|\s+OR\s+|\s+WITH\s+",
                                                       lic.get("spdx") or "") if t.strip()})
    return {
        "code": comp.get("code", {}).get("status"),
        "weights": comp.get("weights", {}).get("status"),
        "data": comp.get("data", {}).get("status"),
        "formats": sorted(comp.get("weights", {}).get("formats") or []),
        "license": ids,
        "open": lic.get("open"),
    }


def regular_files(root):
    out = []
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            path = os.path.join(here, name)
            if os.path.isfile(path) and not os.path.islink(path):
                out.append(os.path.relpath(path, root))
    return out


def skip_special(folder, names):
    """copytree ignore hook: FIFOs, sockets and devices are not copied."""
    ignored = []
    for name in names:
        try:
            mode = os.lstat(os.path.join(folder, name)).st_mode
        except OSError:
            ignored.append(name)
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            ignored.append(name)
    return ignored


def first_weights_or_data(root, min_depth):
    """The first weights or data file at least `min_depth` folders deep
    that no other file names (moving or renaming a shard an index or a
    manifest names breaks that reference, which should move the verdict)."""
    for rel in regular_files(root):
        if (rel.count(os.sep) >= min_depth and rel.lower().endswith(WEIGHTS_OR_DATA)
                and not named_elsewhere(root, os.path.basename(rel))):
            return rel
    return None


def readme(root):
    for name in ("README.md", "readme.md", "Readme.md"):
        if os.path.isfile(os.path.join(root, name)):
            return os.path.join(root, name)
    return None


def move_down(root):
    rel = first_weights_or_data(root, 1)
    if not rel:
        return False
    folder, name = os.path.split(rel)
    os.makedirs(os.path.join(root, folder, "nested"), exist_ok=True)
    os.rename(os.path.join(root, rel), os.path.join(root, folder, "nested", name))
    return True


def move_up(root):
    rel = first_weights_or_data(root, 2)
    if not rel:
        return False
    folder, name = os.path.split(rel)
    target = os.path.join(root, os.path.dirname(folder), name)
    if os.path.exists(target):
        return False
    os.rename(os.path.join(root, rel), target)
    return True


def rename_folders(root):
    done = False
    for here, dirs, _ in os.walk(root, topdown=False):
        for d in dirs:
            if d in RENAMES and not os.path.exists(os.path.join(here, RENAMES[d])):
                os.rename(os.path.join(here, d), os.path.join(here, RENAMES[d]))
                done = True
    return done


def named_elsewhere(root, name):
    """A file another file names (a shard in an index, a split GGUF's
    siblings): renaming it breaks that reference, which should move the
    verdict, so the harness leaves it alone."""
    if re.search(r"-\d+-of-\d+", name, re.I):
        return True
    for rel in regular_files(root):
        if rel.lower().endswith((".json", ".yaml", ".yml", ".txt", ".md", ".py")):
            try:
                with open(os.path.join(root, rel), "rb") as f:
                    if name.encode() in f.read(1 << 20):
                        return True
            except OSError:
                pass
    return False


def name_case(root):
    rel = first_weights_or_data(root, 0)
    if not rel:
        return False
    folder, name = os.path.split(rel)
    stem, dot, ext = name.rpartition(".")
    upper = (stem.upper() + dot + ext) if dot else name.upper()
    if upper == name or os.path.exists(os.path.join(root, folder, upper)):
        return False
    os.rename(os.path.join(root, rel), os.path.join(root, folder, upper))
    return True


def split_front_matter(text):
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            cut = text.find("\n", end + 4)
            cut = len(text) if cut == -1 else cut + 1
            return text[:cut], text[cut:]
    return "", text


def reorder_sections(root):
    path = readme(root)
    if not path:
        return False
    text = open(path, encoding="utf-8", errors="surrogateescape").read()
    front, body = split_front_matter(text)
    # Split at level-2 headings outside code fences.
    parts, current, fenced = [], [], False
    for line in body.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            parts.append("".join(current))
            current = []
        current.append(line)
    parts.append("".join(current))
    head, sections = parts[0], parts[1:]
    if len(sections) < 2:
        return False
    sections = [s if s.endswith("\n") else s + "\n" for s in sections]
    open(path, "w", encoding="utf-8", errors="surrogateescape").write(
        front + head + "".join(reversed(sections)))
    return True


def translate(root):
    path = readme(root)
    if not path:
        return False
    text = open(path, encoding="utf-8", errors="surrogateescape").read()
    changed = False
    lines = []
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = re.match(r"^(#{1,6}\s+)(.*)$", line)
        if m and not fenced:
            title = m.group(2)
            low = title.lower()
            for en, zh in sorted(HEADINGS_ZH, key=lambda p: -len(p[0])):
                if re.search(r"\b" + re.escape(en) + r"\b", low):
                    low = re.sub(r"\b" + re.escape(en) + r"\b", zh, low)
            if low != title.lower():
                line = m.group(1) + low
                changed = True
        lines.append(line)
    if changed:
        open(path, "w", encoding="utf-8", errors="surrogateescape").write("\n".join(lines))
    return changed


def add_section(root):
    path = readme(root)
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as f:
        f.write(UNRELATED)
    return True


CHANGES = [
    ("move-down", move_down), ("move-up", move_up), ("rename-folders", rename_folders),
    ("name-case", name_case), ("reorder-sections", reorder_sections),
    ("translate", translate), ("add-section", add_section),
]


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__)
        return 2
    binary = os.path.abspath(args.pop(0))
    verbose = "--verbose" in args
    releases = []
    while args:
        a = args.pop(0)
        if a == "--verbose":
            continue
        if a == "--releases-in":
            folder = args.pop(0)
            releases += sorted(os.path.join(folder, d) for d in os.listdir(folder)
                               if os.path.isdir(os.path.join(folder, d)))
        else:
            releases.append(a)
    kept = total = 0
    moved = []
    with tempfile.TemporaryDirectory(prefix="openness-metamorphic-") as tmp:
        for release in releases:
            base = verdict(scan(binary, release))
            if base is None:
                continue
            for name, change in CHANGES:
                copy = os.path.join(tmp, "release")
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(release, copy, symlinks=True, ignore=skip_special)
                if not change(copy):
                    continue
                after = verdict(scan(binary, copy))
                total += 1
                if after == base:
                    kept += 1
                    if verbose:
                        print(f"keep  {name:17s} {release}")
                else:
                    diff = {k: (base[k], (after or {}).get(k)) for k in base
                            if after is None or after.get(k) != base[k]}
                    moved.append((name, release, diff))
                    print(f"MOVED {name:17s} {release}: {diff}")
    pct = 100.0 * kept / total if total else 0.0
    print(f"metamorphic: {kept}/{total} pairs keep every verdict ({pct:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
