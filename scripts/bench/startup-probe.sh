#!/usr/bin/env bash
# The cold cost (ms) of each start-up step of a one-shot render, each in a fresh JVM with the launcher's one-shot
# options and the installed kind of class-data archive (NOXUS_AGENT_CDS=app, made by one launcher run first):
# Host.real(), picocli's empty CommandLine (its converters), the top command + `render` model, parsing the arguments,
# the first Jackson ObjectMapper, the first StrictYaml read of CONFIG, ConfigLoader.load (a second read + validation),
# Agent.open (a third load + the backends). Median of RUNS, with the load average. Steps are cumulative: each pays for
# the classes it is the first to need. The probe class is compiled into a temporary folder, after the agent's jar.
#   scripts/bench/startup-probe.sh CONFIG [RUNS=9]     (after mvn -DskipTests package)
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
config=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
runs=${2:-9}
work=$(mktemp -d /tmp/nsa-bench-probe.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp=
for dep in "$ROOT"/target/lib/*.jar; do cp="$cp$dep:"; done
cp=$cp$ROOT/target/noxus-secrets-agent.jar
javac -nowarn -cp "$cp" -d "$work/classes" "$ROOT/scripts/bench/startup-probe/io/noxus/secretsagent/cli/StartupProbe.java"
NOXUS_AGENT_CDS=app NOXUS_AGENT_CDS_DIR=$ROOT/target/cds "$ROOT/agent/bin/noxus-secrets-agent" version >/dev/null
archive=$(ls "$ROOT"/target/cds/app-*.jsa)
load=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < runs; r++)); do
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xmx128m -XX:SharedArchiveFile="$archive" \
        -Xlog:cds=off -cp "$cp:$work/classes" io.noxus.secretsagent.cli.StartupProbe "$config" >> "$work/runs"
done
names=("Host.real" "empty CommandLine" "Main+render model" "parse" "first ObjectMapper" "StrictYaml.read" \
    "ConfigLoader.load" "Agent.open")
for i in "${!names[@]}"; do
    printf '%-20s %4s ms\n' "${names[$i]}" "$(awk -v c=$((i + 1)) '{print $c}' "$work/runs" | median)"
done
echo "load: $load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $runs runs; config $1"
