#!/usr/bin/env bash
# The Azure SDK for Java (azure-security-keyvault-secrets + azure-identity on the JDK HttpClient transport, Netty
# excluded; scripts/bench/azure-probe/pom.xml) against the agent's thin client (backend/azure), on the Key Vault +
# Entra test server, same run: live threads and RSS after N polls of one secret in one JVM, the median one-shot
# wall time (JVM start, one read, exit), and the bytes of jars each adds to the agent.
#   scripts/bench/azure-clients.sh [POLLS=1000] [REPEAT=5]     (needs mvn, javac, python3, openssl, keytool)
# Note: each agent poll after the first is one list request (change detection), each SDK poll one get.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
POLLS=${1:-1000}
REPEAT=${2:-5}
work=$(mktemp -d)
probe=$ROOT/scripts/bench/azure-probe
mvn -q -B -f "$probe/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/sdk.cp" >/dev/null
[ -f target/noxus-secrets-agent.jar ] || mvn -q -B -DskipTests package >/dev/null
agent_cp=$ROOT/target/noxus-secrets-agent.jar:$(ls "$ROOT"/target/lib/*.jar | tr '\n' ':')
sdk_cp=$(cat "$work/sdk.cp")
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$sdk_cp:$agent_cp" "$probe/AgentProbe.java" "$probe/SdkProbe.java" "$probe/ProbeReport.java"

tenant=7e1d2c3b-0000-4000-8000-00000000c0de
printf '{"tenant": "%s", "vaults": ["noxus-test"], "clients": {"bench": {"secret": "bench-secret"}},
  "secrets": {"bench-s0": [{"value": "v0"}]}}' "$tenant" > "$work/server.json"
python3 tools/azure-test-server/azure_test_server.py --dir "$work" --config "$work/server.json" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -f "$work/ready.json" ] && break; sleep 0.2; done
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["https_port"])' "$work/ready.json")
printf 'bench-secret\n' > "$work/secret"
keytool -importcert -noprompt -alias ca -file "$work/ca.pem" -keystore "$work/ca.p12" -storetype PKCS12 \
  -storepass changeit >/dev/null 2>&1
jvm=(-Djdk.net.hosts.file="$ROOT/src/test/resources/azure-test-hosts" -Djavax.net.ssl.trustStore="$work/ca.p12"
     -Djavax.net.ssl.trustStorePassword=changeit -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
args=("https://noxus-test.vault.azure.net:$port" "https://login.microsoftonline.com:$port" "$tenant" "$work/ca.pem"
      "$work/secret")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "java: $(java -version 2>&1 | head -n1)   cpus: $(nproc)"
java "${jvm[@]}" -cp "$work/classes:$sdk_cp" SdkProbe "$POLLS" "${args[@]}"
java "${jvm[@]}" -cp "$work/classes:$agent_cp" AgentProbe "$POLLS" "${args[@]}"
for client in sdk agent; do
  if [ $client = sdk ]; then cp="$work/classes:$sdk_cp" main=SdkProbe; else cp="$work/classes:$agent_cp" main=AgentProbe; fi
  for _ in $(seq "$REPEAT"); do
    s=$(date +%s%N); java "${jvm[@]}" -cp "$cp" $main 1 "${args[@]}" >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median | xargs printf "$client one-shot median wall ms ($REPEAT runs, JVM start included): %s\n"
done
sdk_only=$(tr ':' '\n' < "$work/sdk.cp" | grep -v -e '/jackson-' -e '/slf4j-api-' | xargs du -cb | tail -1 | cut -f1)
echo "jars the SDK would add (its jackson and slf4j-api are already in the agent): $(tr ':' '\n' < "$work/sdk.cp" | grep -vc -e '/jackson-' -e '/slf4j-api-') jars, $sdk_only bytes; the thin client adds none"
