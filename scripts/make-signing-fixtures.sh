#!/usr/bin/env bash
# Signs a tiny release with the real model_signing package (Sigstore's
# model-transparency), using an EC P-256 key generated here for the purpose,
# and writes two fixtures:
#   fixtures/interop-signing/signed/    the release as signed: every digest matches
#   fixtures/interop-signing/tampered/  the same bundle, one file changed after signing
# openness checks the bundle's resource digests with --hash (the signature
# itself is not verified: that needs Sigstore trust roots). The private key
# is thrown away; the public key is kept beside the fixtures so the bundle can
# be verified with `model_signing verify key --public_key`.
#
# Usage (from the repo root):
#   python3 -m venv /tmp/pysign && /tmp/pysign/bin/pip install model-signing pyopenssl
#   PATH=/tmp/pysign/bin:$PATH scripts/make-signing-fixtures.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/fixtures/interop-signing
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

model=$work/model
mkdir -p "$model"
printf -- '---\nlicense: apache-2.0\n---\n# a signed release\n' > "$model/README.md"
printf '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}\n' > "$model/config.json"
# Any bytes will do as weights for signing; a tiny safetensors file.
python3 - "$model/model.safetensors" <<'PY'
import json, struct, sys
header = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
header += b" " * (-len(header) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + bytes(16))
PY

openssl ecparam -name prime256v1 -genkey -noout -out "$work/key.pem"
openssl ec -in "$work/key.pem" -pubout -out "$work/key.pub" 2>/dev/null
model_signing sign key "$model" --private_key "$work/key.pem" --signature "$model/model.sig"
model_signing verify key "$model" --public_key "$work/key.pub" --signature "$model/model.sig"

rm -rf "$out"
mkdir -p "$out"
cp -r "$model" "$out/signed"
cp -r "$model" "$out/tampered"
printf '{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "edited": true}\n' > "$out/tampered/config.json"
cp "$work/key.pub" "$out/signing-key.pub"
echo "wrote $out"
