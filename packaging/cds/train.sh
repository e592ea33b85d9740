#!/bin/sh
# Records target/classes.lst: the classes a render, a check, a status and a few daemon cycles of the bundled example
# load, two renders through each of the vault, aws-secrets-manager and azure-key-vault backends against throw-away
# test servers (OpenBao and moto when the test tools are installed; the project's Azure test server), and a few
# daemon cycles through azure-key-vault.
# Run by `mvn package` (exec-maven-plugin) after the jar is built; the launcher turns the list into a CDS archive
# for the JVM of the host it runs on (an archive only works with the JVM build that made it, so none is shipped).
# The example's unit actions become /bin/true commands: training acts (the action code is loaded) on nothing.
# Usage: packaging/cds/train.sh TARGET_DIR
set -eu
cd "$(dirname "$0")/../.."
target=$(cd "$1" && pwd)
work=$target/cds-training
rm -rf "$work"
mkdir -p "$work/cfg"
cp config/secrets.example.yaml "$work/cfg/"
sed -e '/^ *action:/d' -e 's#^\( *\)units: .*#\1action: {command: [/bin/true]}#' config/example.yaml > "$work/cfg/config.yaml"
printf 'daemon:\n  poll_interval_seconds: 1\n  poll_jitter: 0\n  settle_seconds: 0\n  ready_grace_seconds: 1\n' \
    >> "$work/cfg/config.yaml"
chmod 600 "$work/cfg/"*
cfg=$work/cfg/config.yaml
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
# train_opts: JVM options of the training runs only (test servers' name resolution and trust), never the launcher's:
# the list records class names, not options.
train_opts=
run() {
    list=$1; shift
    # shellcheck disable=SC2086
    "$java" -Xshare:off -XX:DumpLoadedClassList="$work/$list.lst" -XX:+UseSerialGC $train_opts \
        -jar "$target/noxus-secrets-agent.jar" "$@"
}
# A daemon until its state file (STATE, daemon.json) counts 3 cycles, then stopped: run_daemon LIST CONFIG STATE.
# Not through run(): `run … &` would fork a subshell, and $! would be the subshell, not the JVM to stop.
run_daemon() {
    # shellcheck disable=SC2086
    "$java" -Xshare:off -XX:DumpLoadedClassList="$work/$1.lst" -XX:+UseSerialGC $train_opts \
        -jar "$target/noxus-secrets-agent.jar" daemon -c "$2" >/dev/null 2>&1 &
    pid=$!
    i=0
    until grep -qs '"cycles" : [3-9]' "$3"; do
        i=$((i + 1))
        if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            echo "train.sh: the daemon ($1) did not complete 3 cycles" >&2
            exit 1
        fi
        sleep 0.1
    done
    kill -TERM "$pid"
    { wait "$pid"; } 2>/dev/null || true
}
# Two renders of one config (LIST-render, LIST-render2): the first with the JSON report and the diff, the second
# plain, as Ansible runs it.
run_renders() {
    run "$1-render" render -c "$2" --diff --output json >/dev/null
    run "$1-render2" render -c "$2" >/dev/null
}
# Stops a throw-away test server started with its kill in the EXIT trap, and clears the trap.
stop_server() {
    kill "$1" 2>/dev/null || true
    { wait "$1"; } 2>/dev/null || true
    trap - EXIT
}

run render render -c "$cfg" --diff --output json >/dev/null
run render2 render -c "$cfg" --no-act >/dev/null
run check check -c "$cfg" --backends >/dev/null
run_daemon daemon "$cfg" "$work/out/.state/daemon.json"
run status status -c "$cfg" >/dev/null
run version version >/dev/null
# A render through the vault backend (token auth, KV v2 with its mount looked up, field and bulk references, systemd
# and dotenv outputs), twice (created, then unchanged), against a throw-away OpenBao dev server on a free 127.0.0.1
# port, when the test tools are installed (.tools/bin/bao from scripts/install-test-tools.sh, python3 to find the
# port). Without them the list is trained without it, as before, and a vault render loads its classes from the jar.
vault_lists=
bao=.tools/bin/bao
if [ -x "$bao" ] && command -v python3 >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    token=train-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    "$bao" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" -dev-no-store-token \
        >"$work/bao.log" 2>&1 &
    bao_pid=$!
    trap 'kill "$bao_pid" 2>/dev/null || true' EXIT
    i=0
    until BAO_ADDR="http://127.0.0.1:$port" "$bao" status >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then echo "train.sh: the OpenBao dev server did not start; see $work/bao.log" >&2; exit 1; fi
        sleep 0.1
    done
    BAO_ADDR="http://127.0.0.1:$port" BAO_TOKEN="$token" "$bao" kv put secret/train/platform \
        database_url=postgres://train@db/noxus redis_url=redis://cache:6379/0 >/dev/null
    BAO_ADDR="http://127.0.0.1:$port" BAO_TOKEN="$token" "$bao" kv put secret/train/custom-nodes \
        weather_api_key=train-w search_api_key=train-s >/dev/null
    mkdir -p "$work/vault"
    printf '%s' "$token" > "$work/vault/token"
    cat > "$work/vault/config.yaml" <<EOF
roots: [out]
state_dir: out/.state
backends:
  vault: {type: vault, address: "http://127.0.0.1:$port", auth: {method: token, token_file: token}}
services:
  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
  worker: {role: worker, pool: general, output: {path: out/worker.env, format: dotenv}}
mappings:
  - {env: DATABASE_URL, ref: "vault:secret/train/platform#database_url", scope: global}
  - {env: REDIS_URL, ref: "vault:secret/train/platform#redis_url", scope: global}
  - {bulk: "vault:secret/train/custom-nodes", prefix: NODE_, transform: upper, scope: workers}
EOF
    chmod 600 "$work/vault/"*
    run_renders vault "$work/vault/config.yaml"
    stop_server "$bao_pid"
    vault_lists="$work/vault-render.lst $work/vault-render2.lst"
else
    echo "train.sh: no .tools/bin/bao (scripts/install-test-tools.sh) or no python3: class list trained without a vault render" >&2
fi
# A render through the aws-secrets-manager backend (the AWS SDK: ~1,900 classes a vault render does not load; an
# AWS one-shot of 10 secrets ran 1685 ms / 1490 ms CPU with the list above, 1078 / 1000 with these added,
# docs/benchmarks.md), twice, against a throw-away moto server on a free 127.0.0.1 port, when the test tools have
# moto (.tools/moto-venv). Started here, not with scripts/moto-server.sh: that one keeps its pid in .tools, shared
# with whoever else runs it.
aws_lists=
moto=.tools/moto-venv/bin/moto_server
if [ -x "$moto" ] && command -v python3 >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$moto" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
    moto_pid=$!
    trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
    i=0
    until .tools/moto-venv/bin/python - "http://127.0.0.1:$port" >/dev/null 2>&1 <<'PY'
import json, sys, boto3
sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="AKIATRAIN00000000000", aws_secret_access_key="train")
sm.create_secret(Name="train/platform", SecretString=json.dumps({"database_url": "postgres://train@db/noxus"}))
sm.create_secret(Name="train/custom-nodes", SecretString=json.dumps({"weather_api_key": "train-w"}))
PY
    do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then echo "train.sh: the moto server did not start; see $work/moto.log" >&2; exit 1; fi
        sleep 0.2
    done
    mkdir -p "$work/aws"
    cat > "$work/aws/config.yaml" <<EOF
roots: [out]
state_dir: out/.state
backends:
  aws: {type: aws-secrets-manager, region: us-east-1, endpoint: "http://127.0.0.1:$port"}
services:
  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
  worker: {role: worker, pool: general, output: {path: out/worker.env, format: dotenv}}
mappings:
  - {env: DATABASE_URL, ref: "aws:train/platform#database_url", scope: global}
  - {bulk: "aws:train/custom-nodes", prefix: NODE_, transform: upper, scope: workers}
EOF
    chmod 600 "$work/aws/config.yaml"
    export AWS_ACCESS_KEY_ID=AKIATRAIN00000000000 AWS_SECRET_ACCESS_KEY=train AWS_EC2_METADATA_DISABLED=true
    run_renders aws "$work/aws/config.yaml"
    stop_server "$moto_pid"
    aws_lists="$work/aws-render.lst $work/aws-render2.lst"
else
    echo "train.sh: no .tools/moto-venv (scripts/install-test-tools.sh) or no python3: class list trained without an aws render" >&2
fi
# A render through the azure-key-vault backend (a client secret's token from Microsoft Entra, then Key Vault: a
# secret, a JSON property, a bulk by name prefix), twice, then a few daemon cycles, against a throw-away
# tools/azure-test-server (python3 standard library and openssl: HTTPS with its own test CA on a free 127.0.0.1 port).
# The test-only settings stay in this script, never in the launcher: the vault and login names (real Azure names, so
# the agent's name checks stay on) resolve to 127.0.0.1 through src/test/resources/azure-test-hosts
# (-Djdk.net.hosts.file, an option of these training JVMs only); the renders trust the test CA through the
# backend's own ca_file, the daemon (configured without ca_file, as most hosts are) through a throw-away trust
# store (-Djavax.net.ssl.trustStore), so the JDK's default trust path is in the list too. Skipped, like the others,
# when the server, python3, openssl or keytool is missing.
azure_lists=
azure_server=tools/azure-test-server/azure_test_server.py
keytool=${JAVA_HOME:+$JAVA_HOME/bin/}keytool
if [ -f "$azure_server" ] && command -v python3 >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 \
        && command -v "$keytool" >/dev/null 2>&1; then
    tenant=7e1d2c3b-0000-4000-8000-00000000c0de
    mkdir -p "$work/azure-server" "$work/azure"
    python3 - "$work/azure-server.json" "$tenant" <<'PY'
import json, sys
json.dump({"tenant": sys.argv[2], "vaults": ["noxus-test"], "clients": {"train": {"secret": "train-secret"}},
           "secrets": {"database-url": [{"value": "postgres://train@db/noxus"}],
                       "platform": [{"value": json.dumps({"openai_key": "train-o"})}],
                       "workers-weather": [{"value": "train-w"}], "workers-search": [{"value": "train-s"}]}},
          open(sys.argv[1], "w"))
PY
    python3 "$azure_server" --dir "$work/azure-server" --config "$work/azure-server.json" >"$work/azure.log" 2>&1 &
    azure_pid=$!
    trap 'kill "$azure_pid" 2>/dev/null || true' EXIT
    i=0
    until [ -s "$work/azure-server/ready.json" ]; do
        i=$((i + 1))
        if [ "$i" -gt 150 ] || ! kill -0 "$azure_pid" 2>/dev/null; then
            echo "train.sh: the Azure test server did not start; see $work/azure.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    port=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["https_port"])' "$work/azure-server/ready.json")
    printf 'train-secret\n' > "$work/azure/client-secret"
    for ca in with-ca no-ca; do
        {
            echo "roots: [out]"
            echo "state_dir: out/.state"
            echo "backends:"
            echo "  azure: {type: azure-key-vault, vault_url: \"https://noxus-test.vault.azure.net:$port\","
            echo "          authority_host: \"https://login.microsoftonline.com:$port\","
            [ "$ca" = no-ca ] || echo "          ca_file: \"$work/azure-server/ca.pem\","
            echo "          client_secret: {tenant_id: $tenant, client_id: train, secret_file: client-secret}}"
            echo "services:"
            echo "  backend: {role: backend, output: {path: out/backend.env, format: systemd}}"
            echo "  worker: {role: worker, pool: general, output: {path: out/worker.env, format: dotenv}}"
            echo "mappings:"
            echo "  - {env: DATABASE_URL, ref: \"azure:database-url\", scope: global}"
            echo "  - {env: OPENAI_KEY, ref: \"azure:platform#openai_key\", scope: \"service:backend\"}"
            echo "  - {bulk: \"azure:workers-*\", prefix: W_, transform: upper, scope: workers}"
            echo "daemon: {poll_interval_seconds: 1, poll_jitter: 0, settle_seconds: 0, ready_grace_seconds: 1}"
        } > "$work/azure/$ca.yaml"
    done
    chmod 600 "$work/azure/"*
    "$keytool" -importcert -noprompt -alias train -file "$work/azure-server/ca.pem" -keystore "$work/azure/trust.p12" \
        -storetype PKCS12 -storepass train-trust >/dev/null 2>&1
    train_opts="-Djdk.net.hosts.file=$(pwd)/src/test/resources/azure-test-hosts"
    run_renders azure "$work/azure/with-ca.yaml"
    train_opts="$train_opts -Djavax.net.ssl.trustStore=$work/azure/trust.p12 -Djavax.net.ssl.trustStorePassword=train-trust"
    run_daemon azure-daemon "$work/azure/no-ca.yaml" "$work/azure/out/.state/daemon.json"
    train_opts=
    stop_server "$azure_pid"
    azure_lists="$work/azure-render.lst $work/azure-render2.lst $work/azure-daemon.lst"
else
    echo "train.sh: no tools/azure-test-server, python3, openssl or keytool: class list trained without an azure render" >&2
fi
# One list, first occurrence kept (the order is the load order, which the archive dump follows).
# shellcheck disable=SC2086
awk '!seen[$0]++' "$work/render.lst" "$work/render2.lst" "$work/check.lst" "$work/daemon.lst" "$work/status.lst" \
    "$work/version.lst" $vault_lists $aws_lists $azure_lists > "$target/classes.lst"
rm -rf "$work"
