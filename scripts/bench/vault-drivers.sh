#!/usr/bin/env bash
# Measures the Vault Java clients on this machine against a fresh OpenBao dev server:
#  1. threads and open sockets after each of 20 polls in one JVM (one KV v2 read per poll);
#  2. one-shot latency: median wall time of 5 runs of a JVM that starts, reads one secret and exits.
# Clients: com.bettercloud:vault-java-driver:5.1.0, io.github.jopenlibs:vault-java-driver:$JOPENLIBS_VERSION,
# a single shared java.net.http.HttpClient, and the agent's own VaultBackend (thin client on HttpURLConnection).
# Note: the agent keeps KV v2 data between polls (one metadata read per unchanged poll), the drivers read data.
# Usage: scripts/bench/vault-drivers.sh     (needs scripts/install-test-tools.sh, mvn, javac)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JOPENLIBS_VERSION=${JOPENLIBS_VERSION:-6.2.0}
WORK=$ROOT/.tools/bench/drivers
mkdir -p "$WORK/classes"
m2=${M2_REPO:-$HOME/.m2/repository}   # the local Maven repository dependency:get fills
mvn -q -B dependency:get -Dartifact=com.bettercloud:vault-java-driver:5.1.0 -Dtransitive=false >/dev/null 2>&1
mvn -q -B dependency:get -Dartifact=io.github.jopenlibs:vault-java-driver:$JOPENLIBS_VERSION -Dtransitive=false >/dev/null 2>&1
CP=$m2/com/bettercloud/vault-java-driver/5.1.0/vault-java-driver-5.1.0.jar
CP=$CP:$m2/io/github/jopenlibs/vault-java-driver/$JOPENLIBS_VERSION/vault-java-driver-$JOPENLIBS_VERSION.jar
(cd "$ROOT" && mvn -q -B -DskipTests package >/dev/null 2>&1) || { echo "mvn package failed" >&2; exit 1; }
CP=$CP:$ROOT/target/noxus-secrets-agent.jar:$(ls "$ROOT"/target/lib/*.jar | tr '\n' ':')
javac -nowarn -d "$WORK/classes" -cp "$CP" "$ROOT/scripts/bench/driver-probe/DriverProbe.java"
CP=$CP:$WORK/classes

eval "$("$ROOT/scripts/openbao-dev.sh" start "$WORK/server")"
trap '"$ROOT/scripts/openbao-dev.sh" stop "$WORK/server"' EXIT
"$ROOT/.tools/bin/bao" kv put secret/probe value=probe >/dev/null

echo "java: $(java -version 2>&1 | head -n1); server: $("$ROOT/.tools/bin/bao" version)"
for client in bettercloud jopenlibs jdk agent; do
  java -cp "$CP" DriverProbe "$client" 20 | sed -n '1p;5p;10p;20p'
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for client in bettercloud jopenlibs jdk agent; do
  java -cp "$CP" DriverProbe "$client" 1 >/dev/null   # warm the page cache
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N); java -cp "$CP" DriverProbe "$client" 1 >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median | xargs printf "$client one-shot median wall ms (5 runs, JVM start included): %s\n"
done
