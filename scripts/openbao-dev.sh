#!/usr/bin/env bash
# Starts or stops a throwaway OpenBao dev server (in-memory, unsealed, known root token) on 127.0.0.1, for manual
# use and the benchmarks; the integration tests start their own (testsupport/OpenBaoServer.java).
#   scripts/openbao-dev.sh start DIR [PORT]   -> prints "export BAO_ADDR=... BAO_TOKEN=..." ; pid and log in DIR
#   scripts/openbao-dev.sh stop DIR
# The bao binary comes from scripts/install-test-tools.sh (.tools/bin/bao).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BAO=$ROOT/.tools/bin/bao
cmd=${1:?usage: openbao-dev.sh start|stop DIR [PORT]}
dir=${2:?usage: openbao-dev.sh start|stop DIR [PORT]}
case "$cmd" in
  start)
    [ -x "$BAO" ] || { echo "openbao-dev: $BAO missing; run scripts/install-test-tools.sh" >&2; exit 1; }
    mkdir -p "$dir"
    port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    token=dev-root-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    "$BAO" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" \
      -dev-no-store-token >"$dir/bao.log" 2>&1 &
    echo $! > "$dir/bao.pid"
    for _ in $(seq 1 100); do
      if BAO_ADDR=http://127.0.0.1:$port "$BAO" status >/dev/null 2>&1; then
        echo "export BAO_ADDR=http://127.0.0.1:$port BAO_TOKEN=$token"
        exit 0
      fi
      sleep 0.1
    done
    echo "openbao-dev: server did not become ready; see $dir/bao.log" >&2
    kill "$(cat "$dir/bao.pid")" 2>/dev/null || true
    exit 1
    ;;
  stop)
    [ -f "$dir/bao.pid" ] && kill "$(cat "$dir/bao.pid")" 2>/dev/null || true
    rm -f "$dir/bao.pid"
    ;;
  *) echo "usage: openbao-dev.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
