"""Change->file latency of daemons side by side, with and without the poll phase (scripts/bench/peers-daemon.sh).

  python3 change-latency.py ADDR ROOT_TOKEN_FILE N CHANGES AUDIT_LOG DIR TOOL...

CHANGES times: sleeps a random 0-5 s (so the change falls anywhere in the 5 s period), writes a new random value into
one random secret secret/bench/sNNN (KV v2, over HTTP with the root token) and waits until every TOOL's file
DIR/TOOL/backend.env holds the line SNNN="value" (checked every 20 ms; 30 s at most). The moment a file holds it is
the file's ctime (set by the rename of an atomic write, or by the last write into the file), checked to lie between
the write and the moment the file was seen. A new file's times have the kernel tick's granularity, rounded down (4 ms
here, CONFIG_HZ=250): a read->file below ~4 ms can show as 0 (clamped; never negative). Then, from the server's audit log
(each tool has its own token: auth.display_name = token-TOOL; only times, paths and display names are read; the log
holds no value in clear anyway, they are HMAC'd):

  change->file   from the write's answer to the file holding the value: poll phase + reaction (the old figure);
  read->file     from the tool's first read of the changed secret (secret/data|metadata/bench/sNNN) after the write
                 to the file holding the value: the reaction alone, phase removed (for the agent: the rest of its
                 fetch + render + write; for the peers: the read + re-render + write);
  poll->file     the agent only (its poll is one batch): from the first request of the poll that saw the change to
                 the file: fetch + render + write. The peers have no poll: each secret has its own timer.
  fetch          the agent only: first request -> last answer of that poll (from the audit's response entries);
  rest           the agent only: its first read of the changed secret -> last answer of that poll (the part of
                 read->file spent waiting for the other secrets of the same fetch);
  after          the agent only: last answer of that poll -> file (render, compare, write).

Prints one line: for each figure, per tool, "median/p90" (change->file also the max), in the order of the TOOLs,
then the count of changes a tool missed and the count whose file beat the first read after the write (an in-flight
read served the new value; the last read before the file is used then). No secret value is ever printed.
"""
import datetime
import json
import math
import os
import random
import secrets
import statistics
import sys
import time
import urllib.request

addr, token_file, n, changes, audit, d = sys.argv[1:7]
tools = sys.argv[7:]
n, changes = int(n), int(changes)
token = open(token_file).read()


def put(i, value):
    body = json.dumps({"data": {"value": value}}).encode()
    req = urllib.request.Request(f"{addr}/v1/secret/data/bench/s{i:03d}", body,
                                 {"X-Vault-Token": token, "Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req).read()


def holds(tool, line):
    try:
        with open(f"{d}/{tool}/backend.env") as f:
            return line in f.read()
    except OSError:
        return False


runs = []  # per change: secret index, write start, write end, {tool: (file time, seen time)}
for _ in range(changes):
    time.sleep(random.uniform(0, 5))
    i = random.randrange(n)
    value = "changed-" + secrets.token_hex(6)
    line = f'S{i:03d}="{value}"\n'
    w0 = time.time()
    put(i, value)
    w1 = time.time()
    seen = {}
    while len(seen) < len(tools) and time.time() - w1 < 30:
        for t in tools:
            if t not in seen and holds(t, line):
                now = time.time()
                ctime = os.stat(f"{d}/{t}/backend.env").st_ctime_ns / 1e9
                seen[t] = (ctime if w0 <= ctime <= now else now, now)
        time.sleep(0.02)
    runs.append((i, w0, w1, seen))


def stamp(text):  # RFC 3339 with up to 9 fraction digits -> seconds since the epoch (float)
    main, _, frac = text.rstrip("Z").partition(".")
    t = datetime.datetime.fromisoformat(main).replace(tzinfo=datetime.timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


reads = {t: {} for t in tools}  # tool -> secret index -> request times
requests = {t: [] for t in tools}  # tool -> (time, is_response)
prefixes = ("secret/data/bench/s", "secret/metadata/bench/s")
with open(audit) as f:
    for raw in f:
        e = json.loads(raw)
        name = (e.get("auth") or {}).get("display_name", "")
        t = name[len("token-"):] if name.startswith("token-") else None
        if t not in reads:
            continue
        when = stamp(e["time"])
        requests[t].append((when, e.get("type") == "response"))
        path = (e.get("request") or {}).get("path", "")
        if e.get("type") == "request" and path.startswith(prefixes):
            tail = path.rsplit("/s", 1)[1]
            if tail.isdigit():
                reads[t].setdefault(int(tail), []).append(when)

# the agent's polls: bursts of its requests separated by more than a second
bursts = []
if "agent" in requests:
    for when, is_response in sorted(requests["agent"]):
        if not bursts or (not is_response and when - bursts[-1][1] > 1.0):
            bursts.append([when, when])
        else:
            bursts[-1][1] = max(bursts[-1][1], when)

change_ms = {t: [] for t in tools}
read_ms = {t: [] for t in tools}
poll_ms, fetch_ms, rest_ms, after_ms = [], [], [], []
missed = {t: 0 for t in tools}
in_flight = {t: 0 for t in tools}
for i, w0, w1, seen in runs:
    for t in tools:
        if t not in seen:
            missed[t] += 1
            continue
        filed, noticed = seen[t]
        change_ms[t].append((filed - w1) * 1000)
        times = sorted(x for x in reads[t].get(i, []) if w0 <= x <= noticed)
        after = [x for x in times if x >= w1]
        if after:
            first = after[0]
        elif times:
            first = times[-1]
            in_flight[t] += 1
        else:
            continue
        # a file time rounded down to the tick can fall just before the read that fed it: 0 then
        read_ms[t].append(max(0.0, filed - first) * 1000)
        if t == "agent":
            burst = next((b for b in bursts if b[0] <= first <= b[1]), None)
            if burst:
                poll_ms.append(max(0.0, filed - burst[0]) * 1000)
                fetch_ms.append((burst[1] - burst[0]) * 1000)
                rest_ms.append((burst[1] - first) * 1000)
                after_ms.append(max(0.0, filed - burst[1]) * 1000)


def p90(xs):
    return sorted(xs)[max(0, math.ceil(0.9 * len(xs)) - 1)]


def mp(xs, extra=None):
    if not xs:
        return "-"
    return f"{statistics.median(xs):.0f}/{(extra or p90)(xs):.0f}"


print(" ".join([
    "/".join(f"{statistics.median(change_ms[t]):.0f}" if change_ms[t] else "-" for t in tools)
    + " (max " + "/".join(f"{max(change_ms[t]):.0f}" if change_ms[t] else "-" for t in tools) + ")",
    "|", " ".join(mp(read_ms[t]) for t in tools),
    "|", mp(poll_ms), "|", mp(fetch_ms), "|", mp(rest_ms), "|", mp(after_ms),
    "|", "/".join(str(missed[t]) for t in tools), "|", "/".join(str(in_flight[t]) for t in tools),
]))
