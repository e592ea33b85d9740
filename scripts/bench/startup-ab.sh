#!/usr/bin/env bash
# A/B of one-shot start-up levers: each VARIANT is "NAME|COMMAND" (a shell command line, e.g. environment assignments
# then a launcher and its arguments); all run RUNS times, interleaved (the order rotates every run), after one
# untimed run each (files created, archives built). Prints per variant the median wall ms and median CPU ms
# (user+sys of the whole process tree, /usr/bin/time), with the load average at the start and the end.
#   scripts/bench/startup-ab.sh RUNS 'A|NOXUS_AGENT_CDS=off agent/bin/noxus-secrets-agent render -c cfg.yaml' 'B|...'
# Run it from the folder the commands expect (their relative paths). A benchmark, not a test.
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
runs=$1; shift
names=(); cmds=()
for v in "$@"; do names+=("${v%%|*}"); cmds+=("${v#*|}"); done
work=$(mktemp -d /tmp/nsa-bench-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
for c in "${cmds[@]}"; do sh -c "$c" >/dev/null 2>&1 || { echo "failed: $c" >&2; sh -c "$c" >/dev/null; exit 1; }; done
load=$(cut -d' ' -f1-3 /proc/loadavg)
n=${#cmds[@]}
for ((r = 0; r < runs; r++)); do
    for ((k = 0; k < n; k++)); do
        i=$(( (k + r) % n ))
        timed_run "$work/results" "$i" sh "${cmds[$i]}" >/dev/null 2>&1
    done
done
for ((i = 0; i < n; i++)); do
    printf '%-28s median wall %5s ms  CPU %5s ms   wall runs: %s\n' "${names[$i]}" \
        "$(awk -v i=$i '$1 == i {print $2}' "$work/results" | median)" \
        "$(awk -v i=$i '$1 == i {print $3}' "$work/results" | median)" \
        "$(awk -v i=$i '$1 == i {printf "%s ", $2}' "$work/results")"
done
echo "load: $load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $runs runs each"
