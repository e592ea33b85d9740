#!/bin/sh
# Records target/classes.lst: the classes a render, a check, a status and a few daemon cycles of the bundled example
# load. Run by `mvn package` (exec-maven-plugin) after the jar is built; the launcher turns the list into a CDS archive
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
run() {
    list=$1; shift
    "$java" -Xshare:off -XX:DumpLoadedClassList="$work/$list.lst" -XX:+UseSerialGC -jar "$target/noxus-secrets-agent.jar" "$@"
}
run render render -c "$cfg" --diff --output json >/dev/null
run render2 render -c "$cfg" --no-act >/dev/null
run check check -c "$cfg" --backends >/dev/null
# Not through run(): `run … &` would fork a subshell, and $! would be the subshell, not the JVM to stop.
"$java" -Xshare:off -XX:DumpLoadedClassList="$work/daemon.lst" -XX:+UseSerialGC -jar "$target/noxus-secrets-agent.jar" \
    daemon -c "$cfg" >/dev/null 2>&1 &
pid=$!
i=0
until grep -qs '"cycles" : [3-9]' "$work/out/.state/daemon.json"; do
    i=$((i + 1))
    if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        echo "train.sh: the daemon did not complete 3 cycles" >&2
        exit 1
    fi
    sleep 0.1
done
kill -TERM "$pid"
{ wait "$pid"; } 2>/dev/null || true
run status status -c "$cfg" >/dev/null
run version version >/dev/null
# One list, first occurrence kept (the order is the load order, which the archive dump follows).
awk '!seen[$0]++' "$work/render.lst" "$work/render2.lst" "$work/check.lst" "$work/daemon.lst" "$work/status.lst" \
    "$work/version.lst" > "$target/classes.lst"
rm -rf "$work"
