# shellcheck shell=bash
# Sourced by the benchmarks (peers.sh, daemon-poll.sh): start_audited_bao BAO WORK starts an OpenBao dev server on a
# free 127.0.0.1 port with a file audit device (OpenBao 2.x only accepts audit devices from its config file, not over
# the API), waits until it answers, and sets: server (its pid, for the caller's EXIT trap), port, token, addr (its
# URL) and audit (the audit log, one JSON line per request). Its output goes to WORK/server.log.
start_audited_bao() {
    local bao=$1 work=$2
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    token=dev-root-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    audit=$work/audit.log
    printf 'audit "file" "bench" {\n  options {\n    file_path = "%s"\n  }\n}\n' "$audit" > "$work/server.hcl"
    "$bao" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" -dev-no-store-token \
        -config="$work/server.hcl" >"$work/server.log" 2>&1 &
    server=$!
    addr=http://127.0.0.1:$port
    for _ in $(seq 100); do BAO_ADDR=$addr BAO_TOKEN=$token "$bao" status >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "the OpenBao dev server did not answer within 10 s; see $work/server.log" >&2
    return 1
}
