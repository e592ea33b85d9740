#!/usr/bin/env bash
# One-shot `render` of 50 Vault fields (JVM start included, through agent/bin/noxus-secrets-agent) beside a shell
# loop of 50 `bao kv get -field=...` into a file, against the same fresh OpenBao dev server on this machine.
# The 50 fields live in 5 KV v2 secrets of 10 fields each; the render writes them to one systemd env file.
# Each side runs RUNS times (default 5, outputs removed before each run); the median wall time is printed.
# Usage: scripts/bench/vault-render-50.sh [RUNS]   (needs scripts/install-test-tools.sh and Maven)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-5}
BAO=$ROOT/.tools/bin/bao
WORK=$ROOT/.tools/bench/render50
rm -rf "$WORK" && mkdir -p "$WORK/out"
(cd "$ROOT" && mvn -q -B -DskipTests package >/dev/null 2>&1) || { echo "mvn package failed" >&2; exit 1; }

eval "$("$ROOT/scripts/openbao-dev.sh" start "$WORK/server")"
trap '"$ROOT/scripts/openbao-dev.sh" stop "$WORK/server"' EXIT

mappings=""
for s in 1 2 3 4 5; do
  args=()
  for f in $(seq 1 10); do
    args+=("f$f=value-$s-$f")
    mappings+="  - {env: S${s}_F$f, ref: \"vault:secret/bench/s$s#f$f\", scope: global}"$'\n'
  done
  "$BAO" kv put "secret/bench/s$s" "${args[@]}" >/dev/null
done
(umask 077 && printf '%s' "$BAO_TOKEN" > "$WORK/token")
cat > "$WORK/config.yaml" <<YAML
roots: [out]
state_dir: out/.state
backends:
  vault: {type: vault, address: "$BAO_ADDR", auth: {method: token, token_file: token}}
services:
  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
mappings:
$mappings
YAML

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }

render() { rm -rf "$WORK/out"; mkdir -p "$WORK/out"; "$ROOT/agent/bin/noxus-secrets-agent" render -c "$WORK/config.yaml" >/dev/null; }
bao_loop() {
  : > "$WORK/bao-loop.env"
  for s in 1 2 3 4 5; do
    for f in $(seq 1 10); do
      printf 'S%s_F%s=%s\n' "$s" "$f" "$("$BAO" kv get -field="f$f" "secret/bench/s$s")" >> "$WORK/bao-loop.env"
    done
  done
}

render; bao_loop   # warm the page cache; check both work
grep -q '^S5_F10="value-5-10"$' "$WORK/out/backend.env" || { echo "render output is wrong" >&2; exit 1; }
grep -q '^S5_F10=value-5-10$' "$WORK/bao-loop.env" || { echo "bao loop output is wrong" >&2; exit 1; }

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n1), $("$BAO" version | cut -d' ' -f1-2)"
r=$(for _ in $(seq "$RUNS"); do ms render; done | median)
b=$(for _ in $(seq "$RUNS"); do ms bao_loop; done | median)
echo "noxus-secrets-agent render, 50 Vault fields, one JVM: median ${r} ms over $RUNS runs"
echo "shell loop of 50 'bao kv get -field=...' into a file:  median ${b} ms over $RUNS runs"
