#!/usr/bin/env bash
# startup-probe.sh's cold step costs for several builds, interleaved (one probe run per build in turn, RUNS rounds),
# each build with its own `app` class-data archive: the A/B of a start-up lever step by step. A BUILD is a folder
# holding agent/bin/noxus-secrets-agent and target/{noxus-secrets-agent.jar,lib,classes.lst} (a copy made after
# `mvn -DskipTests package` of each commit; `git archive COMMIT | tar -x -C DIR` then build there). Prints per build
# the median ms of each step (names as in startup-probe.sh), with the load average.
#   scripts/bench/startup-probe-ab.sh RUNS CONFIG BUILD...
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=$1; config_arg=$2; config=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2
work=$(mktemp -d /tmp/nsa-bench-probe-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
builds=()
for b in "$@"; do
    b=$(cd "$b" && pwd); k=${#builds[@]}; builds+=("$b")
    cp=; for dep in "$b"/target/lib/*.jar; do cp="$cp$dep:"; done
    cp=$cp$b/target/noxus-secrets-agent.jar
    javac -nowarn -cp "$cp" -d "$work/classes$k" \
        "$ROOT/scripts/bench/startup-probe/io/noxus/secretsagent/cli/StartupProbe.java"
    NOXUS_AGENT_CDS=app NOXUS_AGENT_CDS_DIR=$b/target/cds "$b/agent/bin/noxus-secrets-agent" version >/dev/null
    printf '%s' "$cp:$work/classes$k" > "$work/cp$k"
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < runs; r++)); do
    for k in "${!builds[@]}"; do
        archive=$(ls "${builds[$k]}"/target/cds/app-*.jsa)
        echo "$k $(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xmx128m \
            -XX:SharedArchiveFile="$archive" -Xlog:cds=off -cp "$(cat "$work/cp$k")" \
            io.noxus.secretsagent.cli.StartupProbe "$config")" >> "$work/runs"
    done
done
names=("Host.real" "empty CommandLine" "Main+render model" "parse" "first ObjectMapper" "StrictYaml.read" \
    "ConfigLoader.load" "Agent.open")
printf '%-20s' step; for b in "${builds[@]}"; do printf ' %14s' "$(basename "$b")"; done; echo
for i in "${!names[@]}"; do
    printf '%-20s' "${names[$i]}"
    for k in "${!builds[@]}"; do
        printf ' %11s ms' "$(awk -v k="$k" -v c=$((i + 2)) '$1 == k {print $c}' "$work/runs" | median)"
    done
    echo
done
echo "load: $load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $runs runs each; config $config_arg"
