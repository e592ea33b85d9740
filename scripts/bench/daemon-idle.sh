#!/bin/bash
# RSS, thread count and CPU time per idle cycle of the daemon, with the JVM options the launcher ships.
# Runs a copy of the build (so rebuilding meanwhile does not disturb it) on the bundled example (6 outputs from the
# file backend, 5 services + env.vm + a secret file) with a 1 s poll interval and no jitter, outside systemd (no
# NOTIFY_SOCKET: no notifications), until the state file counts CYCLES cycles (default 1000, i.e. ~17 min), then
# reads /proc. CPU per idle cycle = (utime+stime at CYCLES - at cycle 100) / (CYCLES - 100): JVM start and the first
# cycle (which writes the files) excluded. Usage: scripts/bench/daemon-idle.sh [CYCLES]   (after mvn -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/../.."
cycles=${1:-1000}
work=$(mktemp -d /tmp/nsa-bench-idle.XXXXXX)
pid=
trap '[ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$work"' EXIT
mkdir -p "$work/agent/bin" "$work/target" "$work/cfg"
cp agent/bin/noxus-secrets-agent "$work/agent/bin/"
cp -r target/noxus-secrets-agent.jar target/lib "$work/target/"
# The class list too: the launcher builds the CDS archive from it (NOXUS_AGENT_CDS=off measures without).
[ ! -f target/classes.lst ] || cp target/classes.lst "$work/target/"
cp config/secrets.example.yaml "$work/cfg/"
sed -e 's#\.\./out#../out#g' config/example.yaml > "$work/cfg/config.yaml"
printf 'daemon:\n  poll_interval_seconds: 1\n  poll_jitter: 0\n' >> "$work/cfg/config.yaml"
chmod 600 "$work/cfg/"*
"$work/agent/bin/noxus-secrets-agent" daemon --config "$work/cfg/config.yaml" >"$work/audit.log" 2>"$work/err.log" &
pid=$!
state="$work/out/.state/daemon.json"
count() { sed -n 's/^ *"cycles" : \([0-9]*\).*/\1/p' "$state" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
until [ "$(count)" -ge 100 ] 2>/dev/null; do kill -0 "$pid"; sleep 0.5; done
cpu100=$(cpu_ticks); c100=$(count)
echo "at cycle $c100: $(grep -E '^(VmRSS|Threads):' "/proc/$pid/status" | tr -s '\t\n' '  ')"
until [ "$(count)" -ge "$cycles" ] 2>/dev/null; do kill -0 "$pid"; sleep 1; done
cpuN=$(cpu_ticks); cN=$(count)
hz=$(getconf CLK_TCK)
echo "at cycle $cN: $(grep -E '^(VmRSS|Threads):' "/proc/$pid/status" | tr -s '\t\n' '  ')"
echo "cycles: $cN  (JVM options: $(tr '\0' ' ' < "/proc/$pid/cmdline" | sed 's/ -jar.*//; s/^[^ ]* //'))"
grep -E '^(VmRSS|VmHWM|Threads):' "/proc/$pid/status"
echo "threads: $(ls "/proc/$pid/task" | while read -r t; do cat "/proc/$pid/task/$t/comm"; done | sort | uniq -c | awk '{printf "%s%s", sep, $2 ($1 > 1 ? "x" $1 : ""); sep=", "}')"
awk -v a="$cpu100" -v b="$cpuN" -v n=$((cN - c100)) -v hz="$hz" \
    'BEGIN {printf "CPU per idle cycle: %.2f ms (%d ticks over %d cycles)\n", (b - a) * 1000 / hz / n, b - a, n}'
