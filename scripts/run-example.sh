#!/bin/sh
# Builds the agent and renders the bundled example config (config/example.yaml) into ./out, then shows what it wrote.
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp)
if ! mvn -q -B -Dstyle.color=never -DskipTests package >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
chmod 600 config/secrets.example.yaml
agent/bin/noxus-secrets-agent render --config config/example.yaml --diff
echo
echo "Files written (mode, owner, size, path):"
find out -type f ! -path 'out/.state/*' -exec stat -c '%a %U:%G %6s %n' {} + | sort -k4
echo
echo "Who receives what (names only):"
agent/bin/noxus-secrets-agent check --config config/example.yaml
