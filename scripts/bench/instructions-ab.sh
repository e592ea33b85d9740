#!/usr/bin/env bash
# Instructions executed by one-shot renders of N Vault KV v2 fields (one systemd file) by several builds, against one
# OpenBao dev server: valgrind's callgrind count (Ir, every thread of the JVM). Unlike wall or CPU time it hardly moves
# with the machine's load (two runs of one build differ by 1-4 %; the JIT compiles in the background, as shipped),
# so a lever worth a few per cent shows on a shared 2-core machine. The JVM measured is the one the launcher starts,
# with the launcher's options and class-data archive: the launcher runs with a JAVA_HOME whose bin/java starts the real
# java under valgrind (the archive dump, -Xshare:dump, runs without it).
#   scripts/bench/instructions-ab.sh N RUNS BUILD...
# A BUILD is a folder holding agent/bin/noxus-secrets-agent and target/{noxus-secrets-agent.jar,lib,classes.lst}, as
# for cds-vault.sh. Prints per build the median and each run's count, in millions. A run takes 20-60 s.
# Needs valgrind (apt-get install valgrind) and scripts/install-test-tools.sh. A benchmark, not a test.
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${1:?N}; RUNS=${2:?RUNS}; shift 2
[ $# -gt 0 ] || { echo "usage: $0 N RUNS BUILD..." >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install valgrind" >&2; exit 1; }
BAO=$ROOT/.tools/bin/bao
[ -x "$BAO" ] || { echo "$BAO missing: run scripts/install-test-tools.sh" >&2; exit 1; }
builds=()
for b in "$@"; do builds+=("$(cd "$b" && pwd)"); done
work=$(mktemp -d /tmp/nsa-bench-instr.XXXXXX)
eval "$("$ROOT/scripts/openbao-dev.sh" start "$work/server")"
trap '"$ROOT/scripts/openbao-dev.sh" stop "$work/server"; rm -rf "$work"' EXIT
for ((i = 0; i < N; i++)); do "$BAO" kv put "secret/bench/s$i" value="v-$i-$RANDOM$RANDOM" >/dev/null; done
printf '%s' "$BAO_TOKEN" > "$work/token"
chmod 600 "$work/token"
unset BAO_TOKEN
# shellcheck source=scripts/bench/vault-render-config.sh
. "$ROOT/scripts/bench/vault-render-config.sh"

# The JAVA_HOME the launcher sees: the real one's files, but bin/java runs java under callgrind.
real_java=$(readlink -f "$(command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java")")
real_home=$(dirname "$(dirname "$real_java")")
mkdir -p "$work/jdk/bin"
ln -s "$real_home/lib" "$work/jdk/lib"
ln -s "$real_home/release" "$work/jdk/release"
cat > "$work/jdk/bin/java" <<EOF
#!/bin/sh
case " \$* " in *" -Xshare:dump "*) exec "$real_java" "\$@" ;; esac
exec valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file --log-file="\$NSA_CG_LOG" \
    "$real_java" "\$@"
EOF
chmod +x "$work/jdk/bin/java"

for k in "${!builds[@]}"; do
    mkdir -p "$work/b$k"
    vault_render_config "$work/b$k/config.yaml" "$N" "$BAO_ADDR" "$work/token"
    # untimed, without valgrind: the files and the build's own archive (in a folder of this run)
    (cd "$work/b$k" && NOXUS_AGENT_CDS=app NOXUS_AGENT_CDS_DIR=$work/cds$k \
        "${builds[$k]}/agent/bin/noxus-secrets-agent" render -c config.yaml --no-act >/dev/null)
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < RUNS; r++)); do
    for k in "${!builds[@]}"; do
        (cd "$work/b$k" && JAVA_HOME=$work/jdk NSA_CG_LOG=$work/cg.log NOXUS_AGENT_CDS=app \
            NOXUS_AGENT_CDS_DIR=$work/cds$k "${builds[$k]}/agent/bin/noxus-secrets-agent" render -c config.yaml \
            --no-act >/dev/null)
        ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.log")
        echo "$k $((ir / 1000000))" >> "$work/results"
    done
done
for k in "${!builds[@]}"; do
    echo "${builds[$k]}: N=$N, median $(awk -v k="$k" '$1 == k {print $2}' "$work/results" | median)M instructions;" \
        "runs: $(awk -v k="$k" '$1 == k {printf "%sM ", $2}' "$work/results")"
done
echo "load: $load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (instruction counts do not depend on it)"
