#!/usr/bin/env bash
# Starts or stops moto's server (AWS Secrets Manager, STS and IAM APIs) on 127.0.0.1, for trying the
# aws-secrets-manager backend by hand and for scripts/bench/. The tests start their own (MotoServer.java).
#   scripts/moto-server.sh start [PORT]   prints the endpoint (http://127.0.0.1:PORT); PORT defaults to a free one
#   scripts/moto-server.sh stop
# Any access key is accepted (e.g. AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing), region us-east-1.
# Needs scripts/install-test-tools.sh first. State: .tools/moto-server.{pid,port,log}.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/.tools
BIN=$TOOLS/moto-venv/bin/moto_server

die() { printf 'moto-server: %s\n' "$*" >&2; exit 1; }

running() { [ -f "$TOOLS/moto-server.pid" ] && kill -0 "$(cat "$TOOLS/moto-server.pid")" 2>/dev/null; }

case "${1:-}" in
  start)
    [ -x "$BIN" ] || die "$BIN is missing: run scripts/install-test-tools.sh"
    running && die "already running (pid $(cat "$TOOLS/moto-server.pid")): http://127.0.0.1:$(cat "$TOOLS/moto-server.port")"
    port=${2:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    MOTO_RECORDER_FILEPATH=$TOOLS/moto-server.recording nohup "$BIN" -H 127.0.0.1 -p "$port" \
      >"$TOOLS/moto-server.log" 2>&1 &
    echo $! > "$TOOLS/moto-server.pid"
    echo "$port" > "$TOOLS/moto-server.port"
    for _ in $(seq 1 150); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/data.json" 2>/dev/null; then
        echo "http://127.0.0.1:$port"
        exit 0
      fi
      running || break
      sleep 0.2
    done
    cat "$TOOLS/moto-server.log" >&2
    die "did not start on 127.0.0.1:$port"
    ;;
  stop)
    if running; then
      kill "$(cat "$TOOLS/moto-server.pid")"
    fi
    rm -f "$TOOLS/moto-server.pid" "$TOOLS/moto-server.port"
    ;;
  *)
    die "usage: scripts/moto-server.sh start [PORT] | stop"
    ;;
esac
