#!/usr/bin/env bash
# Where a one-shot's time goes, from the JVM's own class-load log (-Xlog:class+load with uptime): the moment the
# first class of each phase loads, median of RUNS runs of COMMAND (a launcher command line; NOXUS_AGENT_JAVA_OPTS is
# set here). Phases: JVM start (until cli.Main), command line (picocli, until app.Agent), config (until
# backend.Backends), to the first request (until the HTTP client's HttpURLConnection), fetch and render (until the
# output format class), the rest (state, report, exit: until the last class; wall time measured outside).
#   scripts/bench/startup-phases.sh RUNS 'agent/bin/noxus-secrets-agent render -c config.yaml --no-act'
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
runs=$1; cmd=$2
work=$(mktemp -d /tmp/nsa-bench-phases.XXXXXX)
trap 'rm -rf "$work"' EXIT
markers="io.noxus.secretsagent.cli.Main io.noxus.secretsagent.app.Agent io.noxus.secretsagent.backend.Backends sun.net.www.protocol.http.HttpURLConnection io.noxus.secretsagent.format.SystemdFormat"
sh -c "$cmd" >/dev/null 2>&1
load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < runs; r++)); do
    s=$(date +%s%N)
    NOXUS_AGENT_JAVA_OPTS="${NOXUS_AGENT_JAVA_OPTS:-} -Xlog:class+load=info:file=$work/cl:uptimemillis" sh -c "$cmd" >/dev/null 2>&1
    e=$(date +%s%N)
    line="$(( (e - s) / 1000000 ))"
    for m in $markers; do
        line="$line $(grep -m1 "\] $m " "$work/cl" | sed 's/^\[\([0-9]*\)ms\].*/\1/')"
    done
    line="$line $(tail -1 "$work/cl" | sed 's/^\[\([0-9]*\)ms\].*/\1/') $(grep -c 'source:' "$work/cl")"
    echo "$line" >> "$work/runs"
done
col() { awk -v c="$1" '{print $c}' "$work/runs" | median; }
printf 'wall %s ms (launcher + JVM exit included), classes %s; class-load uptime ms at: Main %s, Agent %s, Backends %s, first HttpURLConnection %s, format %s, last class %s\n' \
    "$(col 1)" "$(col 8)" "$(col 2)" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)"
echo "load: $load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $runs runs"
