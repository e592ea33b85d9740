#!/usr/bin/env bash
# One-shot `render` of N AWS secrets (JVM start included, through agent/bin/noxus-secrets-agent) beside a plain
# shell loop of N `aws secretsmanager get-secret-value` calls (AWS CLI v1 from PyPI), against the same moto
# server in the same run; prints the median wall time of each and the requests moto received for one render.
#   scripts/bench/aws-render.sh [--no-build] [N=50] [REPEAT=7]
# Installs its tools (scripts/install-test-tools.sh awscli), builds the jar (mvn -q -DskipTests package) unless
# --no-build, starts moto on a free 127.0.0.1 port and stops it at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
N=${1:-50}
REPEAT=${2:-7}

scripts/install-test-tools.sh awscli
if [ "$build" = 1 ]; then mvn -q -B -Dstyle.color=never -DskipTests package; fi

work=$(mktemp -d)
endpoint=$(scripts/moto-server.sh start)
trap 'scripts/moto-server.sh stop; rm -rf "$work"' EXIT

export AWS_ACCESS_KEY_ID=AKIABENCH00000000000 AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

# N secrets, each a small JSON object like the ones Noxus keeps.
.tools/moto-venv/bin/python - "$endpoint" "$N" <<'PY'
import sys, json, boto3
endpoint, n = sys.argv[1], int(sys.argv[2])
sm = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
for i in range(n):
    sm.create_secret(Name=f"bench/s{i}", SecretString=json.dumps({"value": f"value-{i}", "user": "noxus"}))
PY

{
  echo "roots: [out]"
  echo "state_dir: out/.state"
  echo "backends:"
  echo "  aws: {type: aws-secrets-manager, region: us-east-1, endpoint: \"$endpoint\"}"
  echo "services:"
  echo "  backend: {role: backend, output: {path: out/backend.env, format: systemd}}"
  echo "mappings:"
  for i in $(seq 0 $((N - 1))); do echo "  - {env: S$i, ref: \"aws:bench/s$i#value\", scope: global}"; done
} > "$work/config.yaml"
chmod 600 "$work/config.yaml"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m/1e9}'; }

agent=agent/bin/noxus-secrets-agent
"$agent" render -c "$work/config.yaml" >/dev/null   # first render creates the file; the timed ones compare
grep -q "^S$((N - 1))=\"value-$((N - 1))\"$" "$work/out/backend.env" || { echo "render gave wrong output" >&2; exit 1; }

curl -fsS -X POST "$endpoint/moto-api/recorder/reset-recording" >/dev/null
curl -fsS -X POST "$endpoint/moto-api/recorder/start-recording" >/dev/null
"$agent" render -c "$work/config.yaml" >/dev/null
calls=$(curl -fsS "$endpoint/moto-api/recorder/download-recording" | grep -o '"X-Amz-Target": "[^"]*"' | sort | uniq -c)
curl -fsS -X POST "$endpoint/moto-api/recorder/stop-recording" >/dev/null

aws=.tools/awscli-venv/bin/aws
render_times=() loop_times=()
for _ in $(seq 1 "$REPEAT"); do
  t0=$(now); "$agent" render -c "$work/config.yaml" >/dev/null; t1=$(now)
  render_times+=($((t1 - t0)))
  t0=$(now)
  for i in $(seq 0 $((N - 1))); do
    "$aws" secretsmanager get-secret-value --endpoint-url "$endpoint" --secret-id "bench/s$i" \
      --query SecretString --output text >/dev/null
  done
  t1=$(now)
  loop_times+=($((t1 - t0)))
done

echo "secrets: $N   repeats: $REPEAT   (medians, wall clock)"
echo "render (one JVM, BatchGetSecretValue):     $(printf '%s\n' "${render_times[@]}" | median) s"
echo "shell loop of $N aws get-secret-value:      $(printf '%s\n' "${loop_times[@]}" | median) s"
echo "requests moto received for one render:"
echo "$calls"
echo "java: $(java -version 2>&1 | head -1)   aws: $("$aws" --version 2>&1)   cpus: $(nproc)"
