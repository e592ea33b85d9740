#!/usr/bin/env bash
# The daemon's real poll period and change->file latency against one OpenBao dev server (issue #14, goal 3).
# For each N (default 10 50 200) KV v2 secrets (secret/bench/sNNN, one field each, all in one systemd env file), it
# starts `noxus-secrets-agent daemon` (poll_interval_seconds 5, poll_jitter 0, action none) from each AGENT_HOME given
# (a folder with agent/bin/noxus-secrets-agent and target/noxus-secrets-agent.jar: the working tree by default, or
# copies of two builds for an A/B), waits for the first file, then CHANGES times: sleeps a random 0-5 s (so changes
# fall anywhere in the poll period), writes a new value into one random secret and measures from the write's answer
# to the output file holding the new value (checked every 10 ms), and the part of it after the start of the poll that
# saw the change (its read of s000 in the audit log): fetch + render + write, without the poll phase. After the changes it idles IDLE seconds and reads
# the daemon's CPU time (utime+stime) over that window.
# The real poll period comes from the server's audit log: a poll is a burst of secret/metadata/bench/* reads, and
# starts with the first of them. The agents run in turn for each N (interleaved A, B, A, B ... across N). Prints, per agent and N:
# latency median/min/max, the poll period median/max, CPU ms per idle poll, threads, and the load average.
# A benchmark, not a test: not in CI. No secret value is printed.
#   scripts/bench/daemon-poll.sh [CHANGES=12] [NS="10 50 200"] [AGENT_HOME...]
# Needs .tools/bin/bao (scripts/install-test-tools.sh) and a built jar (mvn -q -DskipTests package).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHANGES=${1:-12}
NS=${2:-"10 50 200"}
shift $(( $# > 2 ? 2 : $# ))
HOMES=("$@")
[ ${#HOMES[@]} -gt 0 ] || HOMES=("$ROOT")
IDLE=${IDLE:-20}
BAO=$ROOT/.tools/bin/bao
[ -x "$BAO" ] || { echo "no $BAO: run scripts/install-test-tools.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/nsa-bench-poll.XXXXXX)
server=
agent=
trap '[ -z "$agent" ] || kill "$agent" 2>/dev/null || true; [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; [ -n "${POLL_KEEP:-}" ] || rm -rf "$work"' EXIT

# shellcheck source=scripts/bench/audited-bao.sh
. "$ROOT/scripts/bench/audited-bao.sh"
start_audited_bao "$BAO" "$work"
printf '%s' "$token" > "$work/token"
chmod 600 "$work/token"

max=$(printf '%s\n' $NS | sort -n | tail -1)
python3 - "$addr" "$work/token" "$max" <<'PY'
import json, secrets, sys, urllib.request
addr, token, n = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3])
for i in range(n):
    body = json.dumps({"data": {"value": secrets.token_hex(12)}}).encode()
    req = urllib.request.Request(f"{addr}/v1/secret/data/bench/s{i:03d}", body, {"X-Vault-Token": token}, method="POST")
    urllib.request.urlopen(req).read()
PY

echo "load at start: $(cat /proc/loadavg)"
for n in $NS; do
    for h in "${HOMES[@]}"; do
        run=$work/run-$n-$(basename "$h")
        mkdir -p "$run/out"
        {
            printf 'roots: [%s]\nstate_dir: %s\n' "$run/out" "$run/state"
            printf 'backends:\n  vault: {type: vault, address: "%s", kv_versions: {secret: 2}, auth: {method: token, token_file: %s}}\n' \
                "$addr" "$work/token"
            printf 'services:\n  app: {role: backend, output: {path: %s, format: systemd}, action: none}\n' "$run/out/app.env"
            printf 'mappings:\n'
            for i in $(seq 0 $((n - 1))); do printf '  - {env: S%03d, ref: "vault:secret/bench/s%03d#value", scope: global}\n' "$i" "$i"; done
            printf 'daemon: {poll_interval_seconds: 5, poll_jitter: 0, settle_seconds: 0}\n'
        } > "$run/config.yaml"
        chmod 600 "$run/config.yaml"
        : > "$audit.mark"
        from=$(wc -l < "$audit")
        "$h/agent/bin/noxus-secrets-agent" daemon --config "$run/config.yaml" >"$run/stdout" 2>"$run/stderr" &
        agent=$!
        python3 - "$addr" "$work/token" "$n" "$CHANGES" "$run/out/app.env" "$agent" "$IDLE" "$audit" "$from" "$(basename "$h")" <<'PY'
import json, os, random, secrets, statistics, sys, time, urllib.request, datetime
addr, token, n, changes, out, pid, idle, audit, start_line, label = sys.argv[1:]
token, n, changes, pid, idle, start_line = open(token).read(), int(n), int(changes), int(pid), int(idle), int(start_line)
def wait_for(pred, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return False
def content():
    try:
        with open(out) as f:
            return f.read()
    except OSError:
        return ""
if not wait_for(lambda: content().count("\n") > n, 120):
    sys.exit(f"{label} N={n}: no output file within 120 s")
lat = []
written = []  # (wall time of the change, wall time the file had it)
for c in range(changes):
    time.sleep(random.uniform(0, 5))
    i = random.randrange(n)
    value = secrets.token_hex(12)
    body = json.dumps({"data": {"value": value}}).encode()
    req = urllib.request.Request(f"{addr}/v1/secret/data/bench/s{i:03d}", body, {"X-Vault-Token": token}, method="POST")
    urllib.request.urlopen(req).read()
    t0, w0 = time.monotonic(), time.time()
    if not wait_for(lambda: value in content(), 60):
        sys.exit(f"{label} N={n}: change {c} not in the file within 60 s")
    lat.append((time.monotonic() - t0) * 1000)
    written.append((w0, w0 + lat[-1] / 1000))
def cpu():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
def threads():
    return len(os.listdir(f"/proc/{pid}/task"))
c0, w0 = cpu(), time.time()
time.sleep(idle)
c1, w1 = cpu(), time.time()
polls = []
with open(audit) as f:
    for k, line in enumerate(f):
        if k < start_line or '"secret/metadata/bench/' not in line:
            continue
        e = json.loads(line)
        if e.get("type") != "request":
            continue
        t = datetime.datetime.fromisoformat(e["time"][:26].rstrip("Z")).replace(tzinfo=datetime.timezone.utc).timestamp()
        polls.append(t)
# one poll = one burst of metadata reads; a poll starts with the first read after a pause of over a second
polls.sort()
polls = [t for k, t in enumerate(polls) if k == 0 or t - polls[k - 1] > 1.0]
periods = [b - a for a, b in zip(polls, polls[1:])]
# the part of each latency after the poll that saw the change started (its first read, of s000): fetch + render +
# write, which concurrency shortens; the rest is the poll phase (uniform over the period whatever the agent does)
work = []
for changed, seen in written:
    starts = [t for t in polls if changed <= t <= seen]
    if starts:
        work.append((seen - starts[-1]) * 1000)
work.sort()
idle_polls = sum(1 for t in polls if w0 <= t <= w1)
lat.sort()
print(f"{label:>12} N={n:<4} change->file ms: median {statistics.median(lat):6.0f} min {lat[0]:5.0f} max {lat[-1]:6.0f}"
      f" | poll start->file ms: median {statistics.median(work) if work else float('nan'):5.0f} max {max(work) if work else float('nan'):5.0f}"
      f" | poll period s: median {statistics.median(periods):5.2f} max {max(periods):5.2f} ({len(periods)} periods)"
      f" | idle CPU ms/poll {(c1 - c0) / max(1, idle_polls):5.1f} ({idle_polls} polls) | threads {threads()}"
      f" | load {open('/proc/loadavg').read().split()[0]}")
PY
        kill "$agent"; wait "$agent" 2>/dev/null || true; agent=
    done
done
echo "load at end: $(cat /proc/loadavg)"
