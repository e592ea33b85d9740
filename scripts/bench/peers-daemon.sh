# The daemon phase of scripts/bench/peers.sh (`--daemon`), sourced by it after the OpenBao server, the secrets and
# generate() are in place. Not meant to run alone.
# shellcheck shell=bash disable=SC2154
WINDOW=$RUNS
TOOLS=(agent bao ct)
declare -A pid_of token_of

for tool in "${TOOLS[@]}"; do   # one token per tool: the audit log names it (auth.display_name = token-TOOL)
    BAO_TOKEN=$(cat "$work/token") "$BAO" token create -policy=root -orphan -display-name="$tool" -field=token \
        > "$work/token-$tool"
    chmod 600 "$work/token-$tool"
done
requests_of() { grep '"type":"request"' "$audit" | grep -c "\"display_name\":\"token-$1\"" || true; }
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

start_daemons() { # DIR
    local d=$1
    sed -i "s#token_file: $work/token}#token_file: $work/token-agent}#" "$d/config.yaml"
    printf 'daemon: {poll_interval_seconds: 5, poll_jitter: 0}\n' >> "$d/config.yaml"
    # bao agent: 5556 ms x its 0.9 +- 0.05 renewal threshold = 5 s mean; consul-template: 5263 ms x 0.95 +- 0.05.
    sed -i -e "s#$work/token\"#$work/token-bao\"#" -e 's#^exit_after_auth = true#exit_after_auth = false#' \
        -e 's#^template_config .*#template_config { static_secret_render_interval = "5556ms" }#' "$d/bao.hcl"
    sed -i 's#^  renew_token = false#  renew_token = false\n  default_lease_duration = "5263ms"\n  lease_renewal_threshold = 0.95#' \
        "$d/ct.hcl"
    rm -f "$d"/agent/*.env "$d"/bao/*.env "$d"/ct/*.env
    (cd "$d" && exec "$AGENT" daemon --config config.yaml >"$d/agent.out" 2>"$d/agent.err") &
    pid_of[agent]=$!
    (cd "$d" && exec "$BAO" agent -config=bao.hcl -log-level=warn >"$d/bao.out" 2>&1) &
    pid_of[bao]=$!
    (cd "$d" && VAULT_TOKEN=$(cat "$work/token-ct") exec "$CT" -config=ct.hcl >"$d/ct.out" 2>&1) &
    pid_of[ct]=$!
}
stop_daemons() {
    local t
    # consul-template ends on SIGINT only (its kill_signal); SIGTERM would be ignored
    for t in "${TOOLS[@]}"; do kill -s "$([ "$t" = ct ] && echo INT || echo TERM)" "${pid_of[$t]}" 2>/dev/null || true; done
    for t in "${TOOLS[@]}"; do wait "${pid_of[$t]}" 2>/dev/null || true; done
}
trap 'stop_daemons; [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; [ -n "${PEERS_KEEP:-}" ] || rm -rf "$work"' EXIT

# change_latency DIR N: one change of a random secret at a random moment; prints "agent_ms bao_ms ct_ms"
change_latency() {
    local d=$1 n=$2 i value t0 now t seen=() ms=()
    i=$((RANDOM % n))
    value=changed-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    sleep "$(awk -v r="$RANDOM" 'BEGIN {printf "%.2f", r % 500 / 100}')"
    t0=$(date +%s%N)
    BAO_TOKEN=$(cat "$work/token") "$BAO" kv put -mount=secret "bench/s$(printf %03d "$i")" value="$value" >/dev/null
    local line
    line=$(printf 'S%03d="%s"' "$i" "$value")
    for t in 0 1 2; do seen[t]=0; ms[t]=timeout; done
    while :; do
        now=$(date +%s%N)
        for t in 0 1 2; do
            if [ "${seen[t]}" = 0 ] && grep -qxF "$line" "$d/${TOOLS[t]}/backend.env" 2>/dev/null; then
                seen[t]=1; ms[t]=$(( (now - t0) / 1000000 ))
            fi
        done
        [ "${seen[0]}${seen[1]}${seen[2]}" != 111 ] || break
        [ $(( (now - t0) / 1000000000 )) -lt 30 ] || break
        sleep 0.05
    done
    echo "${ms[*]}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
echo "daemons side by side, 5 s period, idle window ${WINDOW} s, $CHANGES changes; agent / bao agent / consul-template"
printf '%-5s %-16s %-22s %-22s %-18s %-14s %-18s %-18s %s\n' N load "RSS kB" "private (anon) kB" \
    "Private kB" threads "CPU ms/cycle" "requests/cycle" "change->file ms med/max"
ratios=()
for n in $NS; do
    d=$work/daemon-n$n
    generate "$d" "$n" one
    start_daemons "$d"
    for _ in $(seq 600); do
        ok=1
        for t in "${TOOLS[@]}"; do
            kill -0 "${pid_of[$t]}" 2>/dev/null || { echo "$t died:" >&2; cat "$d/$t".{out,err} 2>/dev/null | tail -5 >&2; exit 1; }
            [ -s "$d/$t/backend.env" ] || ok=0
        done
        [ "$ok" = 0 ] || break
        sleep 0.2
    done
    sleep 15
    for t in bao ct; do
        cmp -s "$d/agent/backend.env" "$d/$t/backend.env" || { echo "n=$n daemon: $t's file differs from the agent's" >&2; exit 1; }
    done
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    declare -A c0 r0
    for t in "${TOOLS[@]}"; do c0[$t]=$(ticks_of "${pid_of[$t]}"); r0[$t]=$(requests_of "$t"); done
    sleep "$WINDOW"
    declare -A cpu req rss anon priv thr
    for t in "${TOOLS[@]}"; do
        p=${pid_of[$t]}
        cpu[$t]=$(awk -v a="${c0[$t]}" -v b="$(ticks_of "$p")" -v hz="$hz" -v c=$((WINDOW / 5)) 'BEGIN {printf "%.1f", (b - a) * 1000 / hz / c}')
        req[$t]=$(awk -v a="${r0[$t]}" -v b="$(requests_of "$t")" -v c=$((WINDOW / 5)) 'BEGIN {printf "%.1f", (b - a) / c}')
        rss[$t]=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
        anon[$t]=$(awk '/^RssAnon:/ {print $2}' "/proc/$p/status")
        priv[$t]=$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' "/proc/$p/smaps_rollup")
        thr[$t]=$(awk '/^Threads:/ {print $2}' "/proc/$p/status")
    done
    : > "$d/latency"
    for ((k = 0; k < CHANGES; k++)); do change_latency "$d" "$n" >> "$d/latency"; done
    declare -A med max
    for c in 1 2 3; do
        t=${TOOLS[c - 1]}
        med[$t]=$(awk -v c=$c '$c != "timeout" {print $c}' "$d/latency" | median)
        max[$t]=$(awk -v c=$c '{if ($c == "timeout") m = "timeout"; else if (m != "timeout" && $c > m) m = $c} END {print m}' "$d/latency")
    done
    stop_daemons
    j() { local -n a=$1; echo "${a[agent]}/${a[bao]}/${a[ct]}"; }
    lat="$(j med) (max $(j max))"
    printf '%-5s %-16s %-22s %-22s %-18s %-14s %-18s %-18s %s\n' "$n" "$load" "$(j rss)" "$(j anon)" "$(j priv)" \
        "$(j thr)" "$(j cpu)" "$(j req)" "$lat"
    r() { local -n a=$1; awk -v a="${a[agent]}" -v b="${a[bao]}" -v x="${a[ct]}" 'BEGIN {if (a > 0) printf "1 : %.2f : %.2f", b / a, x / a; else printf "0 : %s : %s", b, x}'; }
    ratios+=("$(printf '%-5s | %s | %s | %s | %s | %s | %s' "$n" "$(r rss)" "$(r anon)" "$(r thr)" "$(r cpu)" "$(r req)" "$(r med)")")
done
echo
echo "ratios agent : bao agent : consul-template"
echo "N     | RSS | private (anon) | threads | CPU per idle cycle | requests per idle cycle | change->file median"
for r in "${ratios[@]}"; do echo "$r"; done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
