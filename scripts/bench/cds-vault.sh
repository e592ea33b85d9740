#!/usr/bin/env bash
# One-shot `render` of N Vault KV v2 fields (one systemd file, launcher and CDS archive as shipped) by two builds of
# the agent, interleaved, against one OpenBao dev server: median wall ms, CPU ms (user+sys) and the classes the JVM
# loaded from outside the CDS archive (-Xlog:class+load in one extra run, "source: shared objects file" = archived).
# Each build is a folder holding agent/bin/noxus-secrets-agent and target/{noxus-secrets-agent.jar,lib,classes.lst}
# (copy them after `mvn -DskipTests package` of each commit); each builds its own archive in its target/cds/.
#   scripts/bench/cds-vault.sh BEFORE_DIR AFTER_DIR [N=10] [RUNS=9]     (needs scripts/install-test-tools.sh)
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd)
N=${3:-10}
RUNS=${4:-9}
BAO=$ROOT/.tools/bin/bao
work=$(mktemp -d /tmp/nsa-bench-cds.XXXXXX)
eval "$("$ROOT/scripts/openbao-dev.sh" start "$work/server")"
trap '"$ROOT/scripts/openbao-dev.sh" stop "$work/server"; rm -rf "$work"' EXIT
for ((i = 0; i < N; i++)); do "$BAO" kv put "secret/bench/s$i" value="v-$i-$RANDOM$RANDOM" >/dev/null; done
printf '%s' "$BAO_TOKEN" > "$work/token"
unset BAO_TOKEN
# shellcheck source=scripts/bench/vault-render-config.sh
. "$ROOT/scripts/bench/vault-render-config.sh"
for b in before after; do
    mkdir -p "$work/$b"
    vault_render_config "$work/$b/config.yaml" "$N" "$BAO_ADDR" "$work/token"
done
chmod 600 "$work/token" "$work"/*/config.yaml
export NOXUS_AGENT_CDS=${NOXUS_AGENT_CDS:-app}   # as installed: the agent's classes archived too
agent() { local b=$1; shift; local dir; [ "$b" = before ] && dir=$before || dir=$after
    (cd "$work/$b" && "$dir/agent/bin/noxus-secrets-agent" render -c config.yaml --no-act "$@" >/dev/null); }
for b in before after; do agent "$b"; done   # untimed: files created, archive built
for b in before after; do
    (cd "$work/$b" && NOXUS_AGENT_JAVA_OPTS="-Xlog:class+load=info:file=$work/$b.classes" agent "$b")
    total=$(grep -c 'source:' "$work/$b.classes")
    outside=$(grep 'source:' "$work/$b.classes" | grep -vc 'source: shared objects file' || true)
    echo "$b: classes loaded $total, from outside the archive $outside ($(grep 'source:' "$work/$b.classes" | grep -v 'shared objects file' | grep -c 'io.noxus' || true) of them io.noxus), classes.lst $(wc -l < "$( [ $b = before ] && echo "$before" || echo "$after")/target/classes.lst") lines"
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < RUNS; r++)); do
    order="before after"; [ $((r % 2)) = 1 ] && order="after before"
    for b in $order; do
        timed_run "$work/results" "$b" bash "$(declare -f agent); before=$before after=$after work=$work; agent $b"
    done
done
for b in before after; do
    echo "$b: N=$N, $RUNS runs interleaved, median wall $(awk -v b=$b '$1 == b {print $2}' "$work/results" | median) ms, median CPU $(awk -v b=$b '$1 == b {print $3}' "$work/results" | median) ms; runs (ms): $(awk -v b=$b '$1 == b {printf "%s ", $2}' "$work/results")"
done
echo "load: $load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
