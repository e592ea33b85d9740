# The daemon phase of scripts/bench/peers.sh (`--daemon`), sourced by it after the OpenBao server, the secrets and
# generate() are in place. Not meant to run alone.
# shellcheck shell=bash disable=SC2154
WINDOW=$RUNS
# PEERS_WARMUP=SECONDS (default 15): how long the daemons run after their first files before the idle window. A JVM
# still compiles (C1) in its first minutes, which the first window counts as idle CPU; 240 shows the steady state.
WARMUP=${PEERS_WARMUP:-15}
# PEERS_DAEMONS="agent": the agent alone, the same way (its fetch without the peers' CPU beside it); the ratios are
# then meaningless.
read -r -a TOOLS <<< "${PEERS_DAEMONS:-agent bao ct}"
running() { [[ " ${TOOLS[*]} " == *" $1 "* ]]; }
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
    # A secret without a lease is re-read after int(seconds of the default lease) x (threshold +- 0.05): the duration
    # is truncated to WHOLE seconds (consul-template's leaseCheckWait, which bao agent embeds). consul-template:
    # 6 s x 0.8333 = 5 s mean. bao agent's threshold is fixed at 0.9 (it ignores template_config's
    # lease_renewal_threshold), so 5 s x 0.9 = 4.5 s mean, the nearest it gets (6 s would give 5.4 s): it re-reads
    # each secret 11 % more often than the others, ~0.25 s less poll phase on average. (5556 ms x 0.9 and 5263 ms x
    # 0.95, used before, gave 4.5 s and 4.75 s, not the 5 s intended.)
    sed -i -e "s#$work/token\"#$work/token-bao\"#" -e 's#^exit_after_auth = true#exit_after_auth = false#' \
        -e 's#^template_config .*#template_config { static_secret_render_interval = "5s" }#' "$d/bao.hcl"
    sed -i 's#^  renew_token = false#  renew_token = false\n  default_lease_duration = "6s"\n  lease_renewal_threshold = 0.8333#' \
        "$d/ct.hcl"
    rm -f "$d"/agent/*.env "$d"/bao/*.env "$d"/ct/*.env
    if running agent; then
        (cd "$d" && exec "$AGENT" daemon --config config.yaml >"$d/agent.out" 2>"$d/agent.err") &
        pid_of[agent]=$!
    fi
    if running bao; then
        (cd "$d" && exec "$BAO" agent -config=bao.hcl -log-level=warn >"$d/bao.out" 2>&1) &
        pid_of[bao]=$!
    fi
    if running ct; then
        (cd "$d" && VAULT_TOKEN=$(cat "$work/token-ct") exec "$CT" -config=ct.hcl >"$d/ct.out" 2>&1) &
        pid_of[ct]=$!
    fi
}
stop_daemons() {
    local t
    # consul-template ends on SIGINT only (its kill_signal); SIGTERM would be ignored
    for t in "${TOOLS[@]}"; do kill -s "$([ "$t" = ct ] && echo INT || echo TERM)" "${pid_of[$t]}" 2>/dev/null || true; done
    for t in "${TOOLS[@]}"; do wait "${pid_of[$t]}" 2>/dev/null || true; done
}
trap 'stop_daemons; [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; [ -n "${PEERS_KEEP:-}" ] || rm -rf "$work"' EXIT

echo "daemons side by side, 5 s period, idle window ${WINDOW} s after ${WARMUP} s, $CHANGES changes; agent / bao agent / consul-template"
printf '%-5s %-16s %-22s %-22s %-18s %-14s %-18s %-18s %s\n' N load "RSS kB" "private (anon) kB" \
    "Private kB" threads "CPU ms/cycle" "requests/cycle" "change->file ms med (max)"
ratios=()
lats=()
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
    sleep "$WARMUP"
    for t in "${TOOLS[@]}"; do
        [ "$t" != agent ] || continue
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
    lat_line=$(python3 "$ROOT/scripts/bench/change-latency.py" "$BAO_ADDR" "$work/token" "$n" "$CHANGES" "$audit" "$d" \
        "${TOOLS[@]}")
    IFS='|' read -r lat rf pf fetch rest after missed inflight <<< "$lat_line"
    declare -A rfm
    read -r ra rb rc <<< "$rf"
    rfm[agent]=${ra%%/*}; rfm[bao]=${rb%%/*}; rfm[ct]=${rc%%/*}
    declare -A med
    read -r m _ <<< "$lat"
    IFS=/ read -r med[agent] med[bao] med[ct] <<< "$m"
    stop_daemons
    j() { local -n a=$1; echo "${a[agent]:-}/${a[bao]:-}/${a[ct]:-}"; }
    printf '%-5s %-16s %-22s %-22s %-18s %-14s %-18s %-18s %s\n' "$n" "$load" "$(j rss)" "$(j anon)" "$(j priv)" \
        "$(j thr)" "$(j cpu)" "$(j req)" "$lat"
    lats+=("$(printf '%-5s %-16s %-32s %-24s %-12s %-12s %-12s %-12s %-8s %s' "$n" "$(cut -d' ' -f1-3 /proc/loadavg)" "$lat" "$rf" \
        "$pf" "$fetch" "$rest" "$after" "$missed" "$inflight")")
    r() { local -n a=$1; awk -v a="${a[agent]:-0}" -v b="${a[bao]:-0}" -v x="${a[ct]:-0}" 'BEGIN {if (a > 0) printf "1 : %.2f : %.2f", b / a, x / a; else printf "0 : %s : %s", b, x}'; }
    ratios+=("$(printf '%-5s | %s | %s | %s | %s | %s | %s | %s' "$n" "$(r rss)" "$(r anon)" "$(r thr)" "$(r cpu)" "$(r req)" "$(r med)" "$(r rfm)")")
done
echo
echo "ratios agent : bao agent : consul-template"
echo "N     | RSS | private (anon) | threads | CPU per idle cycle | requests per idle cycle | change->file median | read->file median"
for r in "${ratios[@]}"; do echo "$r"; done
echo
echo "latency ms, $CHANGES changes per N (agent / bao agent / consul-template; scripts/bench/change-latency.py says what each is)"
echo "(med/p90; the agent's poll->file, fetch, rest of the fetch after the read, fetch end->file; a peer's 0 = under the 4 ms file-time tick)"
printf '%-5s %-16s %-32s %-24s %-12s %-12s %-12s %-12s %-8s %s\n' N "load after" "change->file med (max)" "read->file a b c" \
    "poll->file" "fetch" "rest" "after" missed "in-flight"
for r in "${lats[@]}"; do echo "$r"; done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
