#!/usr/bin/env bash
# One-shot `render` of N Azure Key Vault secrets (JVM start included, through agent/bin/noxus-secrets-agent) beside
# one Python process looping over N `SecretClient.get_secret` calls (the pinned azure-keyvault-secrets and
# azure-identity of .tools/azure-venv), against the same Key Vault + Entra test server (tools/azure-test-server) in
# the same run; prints the median wall time of each and the requests the server received for one render.
#   scripts/bench/azure-render.sh [--no-build] [N=50] [REPEAT=7]
# Needs root (the Python side resolves the vault name through a private /etc/hosts: unshare -m). Builds the jar
# (mvn -q -DskipTests package) unless --no-build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
N=${1:-50}
REPEAT=${2:-7}

scripts/install-test-tools.sh
if [ "$build" = 1 ]; then mvn -q -B -Dstyle.color=never -DskipTests package; fi

work=$(mktemp -d)
hosts=$ROOT/src/test/resources/azure-test-hosts
tenant=7e1d2c3b-0000-4000-8000-00000000c0de
python3 - "$work" "$N" "$tenant" <<'PY'
import json, sys
work, n, tenant = sys.argv[1], int(sys.argv[2]), sys.argv[3]
secrets = {f"bench-s{i}": [{"value": json.dumps({"value": f"value-{i}", "user": "noxus"})}] for i in range(n)}
json.dump({"tenant": tenant, "vaults": ["noxus-test"], "clients": {"bench": {"secret": "bench-secret"}},
           "secrets": secrets}, open(f"{work}/server.json", "w"))
PY
python3 tools/azure-test-server/azure_test_server.py --dir "$work" --config "$work/server.json" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -f "$work/ready.json" ] && break; sleep 0.2; done
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["https_port"])' "$work/ready.json")
vault=https://noxus-test.vault.azure.net:$port
authority=https://login.microsoftonline.com:$port

printf 'bench-secret\n' > "$work/client-secret"; chmod 600 "$work/client-secret"
{
  echo "roots: [out]"
  echo "state_dir: out/.state"
  echo "backends:"
  echo "  azure: {type: azure-key-vault, vault_url: \"$vault\", ca_file: \"$work/ca.pem\", authority_host: \"$authority\","
  echo "          client_secret: {tenant_id: $tenant, client_id: bench, secret_file: client-secret}}"
  echo "services:"
  echo "  backend: {role: backend, output: {path: out/backend.env, format: systemd}}"
  echo "mappings:"
  for i in $(seq 0 $((N - 1))); do echo "  - {env: S$i, ref: \"azure:bench-s$i#value\", scope: global}"; done
} > "$work/config.yaml"
chmod 600 "$work/config.yaml"

cat > "$work/loop.py" <<'PY'
import sys
from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient
vault, authority, tenant, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = SecretClient(vault, ClientSecretCredential(tenant, "bench", "bench-secret", authority=authority,
                                                    disable_instance_discovery=True))
for i in range(n):
    client.get_secret(f"bench-s{i}")
PY

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m/1e9}'; }
export NOXUS_AGENT_JAVA_OPTS="-Djdk.net.hosts.file=$hosts"
agent=agent/bin/noxus-secrets-agent
control() { curl -fsS --cacert "$work/ca.pem" -X "$1" "https://127.0.0.1:$port$2"; }

"$agent" render -c "$work/config.yaml" >/dev/null   # first render creates the file; the timed ones compare
grep -q "^S$((N - 1))=\"value-$((N - 1))\"$" "$work/out/backend.env" || { echo "render gave wrong output" >&2; exit 1; }
control POST /_test/requests/reset >/dev/null
"$agent" render -c "$work/config.yaml" >/dev/null
calls=$(control GET /_test/requests | python3 -c 'import json,sys,collections
c = collections.Counter("%s %s %s" % (r["method"], "/secrets/NAME" if r["path"].startswith("/secrets/") else r["path"], r["status"]) for r in json.load(sys.stdin))
print("\n".join("%5d  %s" % (n, k) for k, n in c.items()))')

render_times=() loop_times=()
for _ in $(seq 1 "$REPEAT"); do
  t0=$(now); "$agent" render -c "$work/config.yaml" >/dev/null; t1=$(now)
  render_times+=($((t1 - t0)))
  t0=$(now)
  SSL_CERT_FILE=$work/ca.pem REQUESTS_CA_BUNDLE=$work/ca.pem unshare -m sh -c \
    'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$hosts" \
    .tools/azure-venv/bin/python "$work/loop.py" "$vault" "$authority" "$tenant" "$N"
  t1=$(now)
  loop_times+=($((t1 - t0)))
done

echo "secrets: $N   repeats: $REPEAT   (medians, wall clock)"
echo "render (one JVM, thin client):                      $(printf '%s\n' "${render_times[@]}" | median) s"
echo "one Python process, $N SecretClient.get_secret calls: $(printf '%s\n' "${loop_times[@]}" | median) s"
echo "requests the server received for one render:"
echo "$calls"
echo "java: $(java -version 2>&1 | head -1)   azure-keyvault-secrets: $(.tools/azure-venv/bin/pip show azure-keyvault-secrets 2>/dev/null | sed -n 's/^Version: //p')   cpus: $(nproc)"
