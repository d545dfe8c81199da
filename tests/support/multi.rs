//! Trees for the multi-release features (`--discover`, `diff`), written into a
//! temporary folder at test time rather than checked in under `fixtures/`:
//! they hold many releases and symlinks, and `fixtures_are_current` compares
//! the checked-in tree with the single-release generator only.

use super::generator::{
    APACHE_2_0, fully_open, lfs_pointer, llama_config, sha256_hex, st_owned, symlink, tiny_llama,
    write, write_json,
};
use std::fs;
use std::io;
use std::path::Path;

/// The revisions of the three cached models, as the hub names them (commit
/// hashes).
pub const HF_REVS: [(&str, &str); 3] = [
    ("a", "1111111111111111111111111111111111111111"),
    ("b", "2222222222222222222222222222222222222222"),
    ("c", "3333333333333333333333333333333333333333"),
];

/// A folder of releases:
/// - `hub/`: a Hugging Face cache with `models--org--{a,b,c}`, one revision
///   each, snapshot files linking into `blobs/`, plus the cache's `.locks/`
///   and `version.txt` (neither is a release);
/// - `plain/one/`: config, weights and card, with a `unet/` part that holds
///   weights of its own but belongs to `one`;
/// - `plain/two/`: weights only;
/// - `plain/link-to-one`: a symlinked directory, never followed;
/// - `.git/` holding a `config.json`, never entered.
pub fn discover_tree(d: &Path) -> io::Result<()> {
    let hub = d.join("hub");
    for (name, rev) in HF_REVS {
        hf_cached_model(&hub, "org", name, rev)?;
    }
    write(&hub, "version.txt", "1")?;
    write(&hub, ".locks/models--org--a/deadbeef.lock", "")?;

    let one = d.join("plain/one");
    write_json(&one, "config.json", &llama_config(1, 16, "bfloat16"))?;
    write(&one, "model.safetensors", st_owned(&tiny_llama(1, 16)))?;
    write(&one, "README.md", "---\nlicense: apache-2.0\n---\n# one\n")?;
    write(&one, "LICENSE", APACHE_2_0)?;
    write(
        &one,
        "unet/diffusion_pytorch_model.safetensors",
        st_owned(&tiny_llama(1, 16)),
    )?;
    write(
        &d.join("plain/two"),
        "model.safetensors",
        st_owned(&tiny_llama(1, 16)),
    )?;
    symlink(d, "plain/link-to-one", "one")?;

    write_json(d, ".git/config.json", &llama_config(1, 16, "bfloat16"))?;
    write(d, ".git/HEAD", "ref: refs/heads/main\n")
}

/// One cached model repo as `huggingface_hub` lays it out: content in
/// `blobs/` named by digest, `refs/main` holding the revision, and the
/// snapshot made of relative links into `blobs/`.
pub fn hf_cached_model(hub: &Path, org: &str, name: &str, rev: &str) -> io::Result<()> {
    let repo = format!("models--{org}--{name}");
    let card = format!("---\nlicense: mit\n---\n# {org}/{name}\n");
    let config = serde_json::to_string_pretty(&llama_config(1, 16, "bfloat16"))
        .map_err(io::Error::other)?
        + "\n";
    let files: [(&str, Vec<u8>); 3] = [
        ("README.md", card.into_bytes()),
        ("config.json", config.into_bytes()),
        ("model.safetensors", st_owned(&tiny_llama(1, 16))),
    ];
    for (file, content) in files {
        let blob = sha256_hex(&content);
        write(hub, &format!("{repo}/blobs/{blob}"), &content)?;
        symlink(
            hub,
            &format!("{repo}/snapshots/{rev}/{file}"),
            &format!("../../blobs/{blob}"),
        )?;
    }
    write(hub, &format!("{repo}/refs/main"), rev)
}

/// Two versions of one release, each kind of change between them: the new
/// one drops all code (code goes shipped → referenced, through the config's
/// transformers architecture), relicenses from Apache-2.0 to Llama 3.1,
/// removes a tensor from `model.safetensors`, adds a weights file and an LFS
/// pointer in place of a checkpoint (a new error), so its MOF class drops.
pub fn diff_pair(old: &Path, new: &Path) -> io::Result<()> {
    fully_open(old)?;
    fully_open(new)?;
    for code in [
        "modeling_tiny.py",
        "train.py",
        "inference.py",
        "eval/evaluate.py",
        "scripts/prepare_data.py",
        "LICENSE",
    ] {
        fs::remove_file(new.join(code))?;
    }
    write(
        new,
        "README.md",
        "---\nlicense: llama3.1\npipeline_tag: text-generation\n---\n# tiny-open, relicensed\n",
    )?;
    let mut tensors = tiny_llama(1, 16);
    tensors.retain(|(name, _, _)| name != "lm_head.weight");
    write(new, "model.safetensors", st_owned(&tensors))?;
    write(new, "extra/model.safetensors", st_owned(&tiny_llama(1, 16)))?;
    write(new, "pytorch_model.bin", lfs_pointer(2_200_000_000))
}
