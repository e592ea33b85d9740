#!/bin/bash
# Change-to-restart latency of the daemon in a real systemd (scripts/systemd-box.sh, needs root): the packaged unit
# runs the agent (poll interval 2 s, no jitter, settle 0 s, one service); N times (default 20) the secrets file is
# replaced atomically after a random 0-2 s pause (so changes fall anywhere in the poll period), and the latency is
# from that rename (CLOCK_MONOTONIC) to the service's new ExecMainStartTimestampMonotonic (systemd's own record of
# the restarted process start, same clock). Prints every latency and the median.
# Usage: scripts/bench/daemon-latency.sh [N]    (after: mvn -q -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
n=${1:-20}
export SDBOX
SDBOX=$(mktemp -d /tmp/nsa-bench-lat.XXXXXX)
box() { "$repo/scripts/systemd-box.sh" x "$@"; }
trap '"$repo/scripts/systemd-box.sh" down >/dev/null 2>&1 || true; rm -rf "$SDBOX"' EXIT
"$repo/scripts/systemd-box.sh" up >/dev/null
s=$SDBOX/share
mkdir -p "$s/opt/agent/bin" "$s/opt/target" "$s/etc" "$s/out"
cp agent/bin/noxus-secrets-agent "$s/opt/agent/bin/"
cp -r target/noxus-secrets-agent.jar target/lib "$s/opt/target/"
secrets() { printf 'token: "t-%s"\n' "$1" > "$s/etc/secrets.tmp"; chmod 600 "$s/etc/secrets.tmp"; mv "$s/etc/secrets.tmp" "$s/etc/secrets.yaml"; }
secrets 0
cat > "$s/etc/config.yaml" <<YAML
roots: [$s/out]
state_dir: $s/state
backends:
  file: {type: file, path: secrets.yaml}
services:
  app: {role: backend, output: {path: $s/out/app.env, format: systemd}, units: [app.service]}
mappings:
  - {env: TOKEN, ref: "file:token", scope: global}
daemon: {poll_interval_seconds: 2, poll_jitter: 0, settle_seconds: 0}
YAML
chmod 600 "$s/etc/config.yaml"
printf '[Service]\nEnvironmentFile=-%s\nExecStart=/bin/sleep infinity\n' "$s/out/app.env" > "$s/units/app.service"
sed -e "s#/opt/noxus-secrets-agent/bin/#$s/opt/agent/bin/#" -e "s#/etc/noxus-secrets-agent/config.yaml#$s/etc/config.yaml#" \
    packaging/systemd/noxus-secrets-agent.service > "$s/units/noxus-secrets-agent.service"
box systemctl daemon-reload
box systemctl start app.service noxus-secrets-agent.service
start_of() { box systemctl show -p ExecMainStartTimestampMonotonic --value app.service; }
# The first cycle creates the file and restarts the app: wait for that to settle.
sleep 4
results=""
for i in $(seq "$n"); do
    before=$(start_of)
    sleep "$(python3 -c 'import random; print(round(random.uniform(0, 2), 3))')"
    # Write the new file, then take the time and rename in one process (no start-up cost between the two).
    t0=$(python3 -c 'import os, sys, time
d = sys.argv[1]
with open(d + "/secrets.tmp", "w") as f:
    f.write("token: \"t-" + sys.argv[2] + "\"\n")
os.chmod(d + "/secrets.tmp", 0o600)
t = time.monotonic()
os.rename(d + "/secrets.tmp", d + "/secrets.yaml")
print(int(t * 1e6))' "$s/etc" "$i")
    for _ in $(seq 200); do
        now=$(start_of)
        [ "$now" != "$before" ] && break
        sleep 0.05
    done
    [ "$now" != "$before" ] || { echo "change $i: no restart within 10 s" >&2; exit 1; }
    ms=$(( (now - t0) / 1000 ))
    results="$results $ms"
    echo "change $i: ${ms} ms"
done
echo "latencies (ms):$results"
echo "$results" | tr ' ' '\n' | sed '/^$/d' | sort -n | \
    awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print "median (ms): " m "  min: " a[1] "  max: " a[NR]}'
echo "agent: $(box systemctl show -p NRestarts -p StatusText noxus-secrets-agent.service | tr '\n' ' ')"
