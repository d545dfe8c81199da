#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs taken from fixtures/ (plus a
# few made inline), so no corpus needs to live in git. Safe to re-run: files
# libFuzzer has added to a corpus are kept, seeds are overwritten.
#
#   fuzz/seed.sh [TARGET...]    (default: every target)
set -euo pipefail
cd "$(dirname "$0")"
fx=../fixtures

# copy TARGET FILE...: seed TARGET's corpus with FILEs (missing ones skipped).
copy() {
    local target=$1
    shift
    mkdir -p "corpus/$target"
    local f
    for f in "$@"; do
        [[ -f $f ]] || continue
        # Name seeds after their fixture path so two README.md don't collide.
        local name=${f#"$fx"/}
        name=${name#../}
        cp "$f" "corpus/$target/seed-${name//\//_}"
    done
}

# inline TARGET NAME TEXT: a seed with no fixture to copy from.
inline() {
    mkdir -p "corpus/$1"
    printf '%s' "$3" >"corpus/$1/seed-$2"
}

seed() {
    case $1 in
    safetensors)
        copy "$1" "$fx"/corrupt/*.safetensors "$fx"/adapter/adapter_model.safetensors \
            "$fx"/sharded/model-00002-of-00002.safetensors ;;
    shard_index)
        copy "$1" "$fx"/sharded/model.safetensors.index.json \
            "$fx"/pytorch-sharded/pytorch_model.bin.index.json \
            "$fx"/missing-shard/model.safetensors.index.json ;;
    gguf)
        copy "$1" "$fx"/interop-gguf/*/*.gguf "$fx"/gguf-missing-split/*.gguf ;;
    pickle)
        copy "$1" "$fx"/interop-pickle/*.pkl "$fx"/custom-pickle/model.pkl ;;
    torch)
        copy "$1" "$fx"/interop-pickle/*.pt ;;
    sevenz)
        copy "$1" "$fx"/interop-7z/*.7z "$fx"/malicious-round-2/model.7z ;;
    numpy)
        copy "$1" "$fx"/interop-formats/*.npy "$fx"/interop-formats/*.npz \
            "$fx"/detected-formats/mlx/weights.npz ;;
    onnx)
        copy "$1" "$fx"/interop-formats/model.onnx "$fx"/interop-formats/escape/model.onnx \
            "$fx"/interop-formats/external/model.onnx ;;
    keras)
        copy "$1" "$fx"/interop-formats/model.keras "$fx"/interop-formats/model.h5 ;;
    msgpack)
        copy "$1" "$fx"/interop-formats/flax_model.msgpack ;;
    dduf)
        copy "$1" "$fx"/interop-formats/pipeline.dduf "$fx"/dduf-inside/pipeline.dduf ;;
    refs)
        copy "$1" "$fx"/weights-by-reference/README.md "$fx"/weights-by-reference/download.sh \
            "$fx"/weights-by-reference/sparrow/hub.py "$fx"/data-by-reference/README.md \
            "$fx"/data-by-reference/configs/wren_small.yaml ;;
    card)
        copy "$1" "$fx"/*/README.md "$fx"/licenses/*/README.md ;;
    config)
        copy "$1" "$fx"/hf-complete/config.json "$fx"/remote-code/config.json \
            "$fx"/remote-code/tokenizer_config.json "$fx"/adapter/adapter_config.json \
            "$fx"/diffusers/model_index.json "$fx"/diffusers/unet/config.json
        inline "$1" modules.json '[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]' ;;
    lfs)
        copy "$1" "$fx"/lfs-pointers/model.safetensors "$fx"/lfs-pointers/pytorch_model.bin ;;
    digests)
        copy "$1" "$fx"/signed/model.sig "$fx"/interop-signing/tampered/model.sig \
            "$fx"/signed/.cache/huggingface/download/model.safetensors.metadata ;;
    licence)
        copy "$1" "$fx"/licenses/*/LICENSE "$fx"/fully-open/data/LICENSE ;;
    policy)
        copy "$1" ../policy.template.toml ../tests/data/policies/*.toml ;;
    mot_yaml)
        copy "$1" "$fx"/mof/Test_Data/*.yml "$fx"/mof/data/schema/sample_model.yml ;;
    manifest)
        inline "$1" sha256sums "# openness manifest
90665c7a97de33d5f1b7c6d0e3d759342aa5a85bcfb6af85b1252497b5efff62  model.safetensors
5a1e3c0000000000000000000000000000000000000000000000000000000000 *config.json
" ;;
    *)
        echo "seed.sh: unknown target $1" >&2
        return 1 ;;
    esac
}

if [[ $# -eq 0 ]]; then
    set -- $(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^openness-fuzz$')
fi
for t in "$@"; do
    seed "$t"
done
