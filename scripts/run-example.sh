#!/bin/sh
# Builds the agent (only when its sources changed) and renders the bundled example config (config/example.yaml) into ./out, then shows what it wrote.
set -eu
cd "$(dirname "$0")/.."
# Build only when the jar is missing or older than anything it is built from: the sources and resources (a folder's
# time changes when a file in it is added, removed or renamed, so deletions count too), the pom and the CDS training.
jar=target/noxus-secrets-agent.jar
if [ ! -f "$jar" ] || [ ! -d target/lib ] ||
   [ -n "$(find src/main pom.xml packaging/cds -newer "$jar" -print 2>/dev/null | head -n 1)" ]; then
    echo "Building the agent (mvn package, about a minute)..."
    log=$(mktemp)
    if ! mvn -q -B -Dstyle.color=never -DskipTests package >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; exit 1
    fi
    rm -f "$log"
    touch "$jar" # the jar plugin keeps an up-to-date jar's old time; this run's check must see it as new
fi
chmod 600 config/secrets.example.yaml
agent/bin/noxus-secrets-agent render --config config/example.yaml --diff --no-act
echo
echo "Files written (mode, owner, size, path):"
find out -type f ! -path 'out/.state/*' -exec stat -c '%a %U:%G %6s %n' {} + | sort -k4
echo
echo "Who receives what (names only):"
agent/bin/noxus-secrets-agent check --config config/example.yaml
