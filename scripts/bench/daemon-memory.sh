#!/usr/bin/env bash
# Daemon memory and threads with all backends configured (issue #14, goal 4): file + vault (OpenBao dev) + aws (moto)
# + azure-key-vault (tools/azure-test-server, TLS with its own CA, the vault name resolved through
# src/test/resources/azure-test-hosts via -Djdk.net.hosts.file), 10 secrets each, two outputs, 1 s poll, no jitter.
# Each VARIANT is one daemon, started through a copy of the launcher (its daemon options line as shipped), all
# variants side by side against the same servers, so they see the same load:
#   VARIANT = name:ENV=VALUE,ENV=VALUE:JVM options appended (NOXUS_AGENT_JAVA_OPTS; a later option wins)
#   e.g. base::   arena2:MALLOC_ARENA_MAX=2:   nocds:NOXUS_AGENT_CDS=off:   xss256:MALLOC_ARENA_MAX=2:-Xss256k
#   MEMORY_DIST=DIR among a variant's ENV: that variant runs the build copy in DIR (made from this build if missing;
#   e.g. a copy with another target/classes.lst or launcher); -Xlog:class+load=info:file=classload.log among its
#   options: the end counts the classes loaded from outside the class archive
#   MEMORY_BACKENDS=file+vault+aws+azure (the default) among a variant's ENV: only those backends and their mappings
#   in that variant's config (what each backend type costs)
# Every EVERY cycles (state file count) it prints per variant: RssAnon (private anonymous RSS, /proc/PID/status),
# Private = Private_Clean + Private_Dirty (smaps_rollup), RssFile, Threads; at the end the thread names and, for a
# variant with -XX:NativeMemoryTracking=summary, jcmd VM.native_memory summary (committed KB per category).
#   scripts/bench/daemon-memory.sh [--no-build] CYCLES EVERY VARIANT...
# Not in CI. No secret value is printed. Needs scripts/install-test-tools.sh (bao, moto venv) and jcmd for NMT.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
CYCLES=${1:?CYCLES}
EVERY=${2:?EVERY}
shift 2
[ $# -gt 0 ] || set -- "base::"
if [ "$build" = 1 ]; then mvn -q -B -Dstyle.color=never -DskipTests package; fi
BAO=$ROOT/.tools/bin/bao
MOTO=$ROOT/.tools/moto-venv/bin/moto_server
for t in "$BAO" "$MOTO"; do [ -x "$t" ] || { echo "$t missing: run scripts/install-test-tools.sh" >&2; exit 1; }; done

work=$(mktemp -d /tmp/nsa-bench-memory.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -n "${MEMORY_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- a copy of the build: rebuilding meanwhile does not disturb the run. MEMORY_DIST=DIR keeps it in DIR (made if
# missing), so that a later run finds the same CDS archive there (e.g. a dynamic archive made on top of it by a
# variant with -XX:ArchiveClassesAtExit=DIR/dyn.jsa, used by the next run's -XX:SharedArchiveFile=STATIC:DIR/dyn.jsa)
# A variant can name its own copy with MEMORY_DIST=DIR among its ENV (e.g. a copy whose target/classes.lst another
# train.sh recorded, or whose launcher differs): used as it is when it holds a jar, else made from this build.
dist=${MEMORY_DIST:-$work/dist}
make_dist() { # DIR
    if [ ! -f "$1/target/noxus-secrets-agent.jar" ]; then
        mkdir -p "$1/agent/bin" "$1/target"
        cp agent/bin/noxus-secrets-agent "$1/agent/bin/"
        cp -r target/noxus-secrets-agent.jar target/lib "$1/target/"
        [ ! -f target/classes.lst ] || cp target/classes.lst "$1/target/"
    fi
    "$1/agent/bin/noxus-secrets-agent" --version >/dev/null   # builds the CDS archive once, not in every variant
}
make_dist "$dist"
for v in "$@"; do
    IFS=: read -r _ envs _ <<< "$v"
    case ",$envs" in *,MEMORY_DIST=*) d=${envs#*MEMORY_DIST=}; make_dist "${d%%,*}" ;; esac
done

# ---- OpenBao dev ----
bport=$(free_port)
token=dev-root-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
"$BAO" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$bport" -dev-no-store-token \
    >"$work/bao.log" 2>&1 &
pids+=($!)
export BAO_ADDR=http://127.0.0.1:$bport
for _ in $(seq 100); do BAO_TOKEN=$token "$BAO" status >/dev/null 2>&1 && break; sleep 0.1; done
printf '%s' "$token" > "$work/token"; chmod 600 "$work/token"
for i in $(seq 0 9); do BAO_TOKEN=$token "$BAO" kv put -mount=secret "mem/s$i" value="v$i-$RANDOM" >/dev/null; done

# ---- moto (its own process and port, not scripts/moto-server.sh's shared pid file) ----
mport=$(free_port)
"$MOTO" -H 127.0.0.1 -p "$mport" >"$work/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -fsS -o /dev/null "http://127.0.0.1:$mport/moto-api/data.json" 2>/dev/null && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=AKIAMEMORY0000000000 AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
"$ROOT/.tools/moto-venv/bin/python" - "http://127.0.0.1:$mport" <<'PY'
import sys, json, boto3
sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="us-east-1")
for i in range(10):
    sm.create_secret(Name=f"mem/s{i}", SecretString=json.dumps({"value": f"value-{i}"}))
PY

# ---- Azure Key Vault + Entra test server ----
tenant=7e1d2c3b-0000-4000-8000-00000000c0de
python3 - "$work" "$tenant" <<'PY'
import json, sys
work, tenant = sys.argv[1], sys.argv[2]
secrets = {f"mem-s{i}": [{"value": f"value-{i}"}] for i in range(10)}
json.dump({"tenant": tenant, "vaults": ["noxus-test"], "clients": {"bench": {"secret": "bench-secret"}},
           "secrets": secrets}, open(f"{work}/azure.json", "w"))
PY
mkdir -p "$work/azure"
python3 tools/azure-test-server/azure_test_server.py --dir "$work/azure" --config "$work/azure.json" \
    >"$work/azure.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -f "$work/azure/ready.json" ] && break; sleep 0.2; done
aport=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["https_port"])' "$work/azure/ready.json")
printf 'bench-secret\n' > "$work/client-secret"; chmod 600 "$work/client-secret"
printf 'AUTH_SECRET: file-secret\nOTHER: other\n' > "$work/secrets.yaml"; chmod 600 "$work/secrets.yaml"

# ---- one config per variant ----
config() { # DIR BACKENDS (file+vault+aws+azure or a part)
    local b=+$2+
    {
        echo "roots: [out]"
        echo "state_dir: out/.state"
        echo "backends:"
        echo "  file: {type: file, path: $work/secrets.yaml}"
        case $b in *+vault+*)
        echo "  vault: {type: vault, address: \"$BAO_ADDR\", auth: {method: token, token_file: $work/token}}" ;; esac
        case $b in *+aws+*)
        echo "  aws: {type: aws-secrets-manager, region: us-east-1, endpoint: \"http://127.0.0.1:$mport\"}" ;; esac
        case $b in *+azure+*)
        echo "  azure: {type: azure-key-vault, vault_url: \"https://noxus-test.vault.azure.net:$aport\","
        echo "          ca_file: \"$work/azure/ca.pem\", authority_host: \"https://login.microsoftonline.com:$aport\","
        echo "          client_secret: {tenant_id: $tenant, client_id: bench, secret_file: $work/client-secret}}" ;; esac
        echo "services:"
        echo "  backend: {role: backend, output: {path: out/backend.env, format: systemd}}"
        echo "  worker: {role: worker, pool: general, output: {path: out/worker.env, format: systemd}}"
        echo "mappings:"
        echo "  - {env: AUTH_SECRET, ref: \"file:AUTH_SECRET\", scope: global}"
        echo "  - {env: OTHER, ref: \"file:OTHER\", scope: workers}"
        for i in $(seq 0 9); do
            case $b in *+vault+*) echo "  - {env: V$i, ref: \"vault:secret/mem/s$i#value\", scope: global}" ;; esac
            case $b in *+aws+*) echo "  - {env: A$i, ref: \"aws:mem/s$i#value\", scope: \"service:backend\"}" ;; esac
            case $b in *+azure+*) echo "  - {env: Z$i, ref: \"azure:mem-s$i\", scope: workers}" ;; esac
        done
        echo "daemon: {poll_interval_seconds: 1, poll_jitter: 0}"
    } > "$1/config.yaml"
    chmod 600 "$1/config.yaml"
}

names=() dpids=()
for v in "$@"; do
    IFS=: read -r name envs jopts <<< "$v"
    d=$work/v-$name
    mkdir -p "$d"
    backends=file+vault+aws+azure
    case ",$envs" in *,MEMORY_BACKENDS=*) backends=${envs#*MEMORY_BACKENDS=}; backends=${backends%%,*} ;; esac
    config "$d" "$backends"
    (
        cd "$d"
        IFS=, read -ra kv <<< "$envs"
        MEMORY_DIST=$dist
        for e in "${kv[@]}"; do [ -z "$e" ] || export "${e?}"; done
        export NOXUS_AGENT_JAVA_OPTS="-Djdk.net.hosts.file=$ROOT/src/test/resources/azure-test-hosts $jopts"
        exec "$MEMORY_DIST/agent/bin/noxus-secrets-agent" daemon --config config.yaml >audit.log 2>err.log
    ) &
    pids+=($!); dpids+=($!); names+=("$name")
done

count() { sed -n 's/^ *"cycles" : \([0-9]*\).*/\1/p' "$1/out/.state/daemon.json" 2>/dev/null || echo 0; }
# the JVM's pid: the launcher execs java, so the subshell's pid is the JVM's
sample() { # NAME PID DIR
    local p=$2 st sm
    st=$(grep -E '^(RssAnon|RssFile|Threads):' "/proc/$p/status" | awk '{printf "%s=%s ", $1, $2}')
    sm=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' "/proc/$p/smaps_rollup")
    printf '%-10s cycle %6s  %s Private:=%s kB cpu_ms:=%s\n' "$1" "$(count "$3")" "$st" "$sm" \
        "$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$p/stat")"
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -n1)"
next=$EVERY
while :; do
    min=$CYCLES
    for k in "${!names[@]}"; do
        kill -0 "${dpids[$k]}" 2>/dev/null || { echo "${names[$k]} died:" >&2; tail -5 "$work/v-${names[$k]}/err.log" >&2; exit 1; }
        c=$(count "$work/v-${names[$k]}"); [ "$c" -ge "$min" ] || min=$c
    done
    if [ "$min" -ge "$next" ] || [ "$min" -ge "$CYCLES" ]; then
        for k in "${!names[@]}"; do sample "${names[$k]}" "${dpids[$k]}" "$work/v-${names[$k]}"; done
        echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
        next=$((next + EVERY))
    fi
    [ "$min" -lt "$CYCLES" ] || break
    sleep 1
done
for k in "${!names[@]}"; do
    p=${dpids[$k]}
    echo "== ${names[$k]}: $(tr '\0' ' ' < "/proc/$p/cmdline" | sed 's/ -cp .*//; s/^[^ ]* //')"
    echo "threads: $(for t in /proc/$p/task/*; do cat "$t/comm"; done | sort | uniq -c | awk '{printf "%s%s", sep, $2 ($1 > 1 ? "x" $1 : ""); sep=", "}')"
    grep -E '^(VmRSS|VmHWM|RssAnon|RssFile)' "/proc/$p/status" | tr -s ' \t' ' ' | paste -sd' '
    # the CDS archive's mappings: resident, and of it anonymous (written or relocated pages: private, not shared)
    awk '/^[0-9a-f]+-[0-9a-f]+ / {jsa = ($NF ~ /\.jsa$/)} jsa && /^Rss:/ {r += $2} jsa && /^Anonymous:/ {a += $2}
         END {printf "CDS archive mappings: Rss %d kB, of it Anonymous %d kB\n", r, a}' "/proc/$p/smaps"
    if tr '\0' ' ' < "/proc/$p/cmdline" | grep -q NativeMemoryTracking; then
        jcmd "$p" VM.native_memory summary | sed -n 's/^-  *\([A-Za-z ]*\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1 \2/p' \
            | awk '{c=$NF; $NF=""; printf "  %-28s %8d KB committed\n", $0, c}'
        jcmd "$p" VM.native_memory summary | grep -E '^Total'
    fi
    # private memory by address range (daemon-smaps.sh: heap, code cache, metaspace, archive, malloc, other)
    if command -v jcmd >/dev/null 2>&1; then
        "$ROOT/scripts/bench/daemon-smaps.sh" "$p" | awk '{v = $(NF - 1); $NF = ""; $(NF - 1) = ""; sub(/ +$/, ""); printf "%s%s %.1f", sep, $0, v / 1000; sep = ", "} END {print " MB"}' \
            | sed 's/^/anonymous by range: /'
    fi
    # a variant with -Xlog:class+load=info:file=classload.log (relative: its own folder): classes loaded, of them
    # from the class archive
    if [ -f "$work/v-${names[$k]}/classload.log" ]; then
        awk '/ source: / {n++} /source: shared objects file/ {s++} END {printf "classes loaded %d, from the archive %d, from outside it %d\n", n, s, n - s}' \
            "$work/v-${names[$k]}/classload.log"
    fi
    # whether the file outputs hold the values (the daemon works)
    grep -c '^' "$work/v-${names[$k]}/out/backend.env" | sed 's/^/backend.env lines: /'
done
