#!/bin/sh
# One-shot `render` of the bundled example through the launcher (JVM start included), median of N runs (default 11)
# and max RSS, in five set-ups: JDK 17 without / with the AppCDS archive the launcher builds, JDK 25 without / with
# it, and JDK 25 with a JEP 514 AOT cache (-XX:AOTCache, trained on the same render) plus
# -XX:UserThreadWaitAttemptsAtExit=0. Each set-up first runs once untimed (it writes the files and, with CDS on,
# builds the archive); the timed runs find the files unchanged, as most renders on a running host do.
# Usage: scripts/bench/startup.sh [N]     (after mvn -DskipTests package; JDK 25 from $JDK25, default Temurin's path)
set -eu
cd "$(dirname "$0")/../.."
n=${1:-11}
jdk17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d /tmp/nsa-bench-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r config "$work/"
cfg=$work/config/example.yaml
chmod 600 "$work/config/"*
launcher=agent/bin/noxus-secrets-agent

bench() {   # NAME, then the environment assignments for the launcher
    name=$1; shift
    env "$@" NOXUS_AGENT_CDS_DIR="$work/cds" "$launcher" render -c "$cfg" --no-act >/dev/null
    times=""; rss=""
    i=0
    while [ "$i" -lt "$n" ]; do
        start=$(date +%s%N)
        /usr/bin/time -f %M -o "$work/rss" env "$@" NOXUS_AGENT_CDS_DIR="$work/cds" "$launcher" render -c "$cfg" --no-act >/dev/null
        end=$(date +%s%N)
        times="$times $(( (end - start) / 1000000 ))"
        rss="$rss $(cat "$work/rss")"
        i=$((i + 1))
    done
    median() { echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
    printf '%-34s median %4s ms   max RSS median %6s kB   runs (ms):%s\n' "$name" "$(median "$times")" "$(median "$rss")" "$times"
}

bench "JDK 17, no CDS archive" JAVA_HOME="$jdk17" NOXUS_AGENT_CDS=off
bench "JDK 17, AppCDS (shipped)" JAVA_HOME="$jdk17" NOXUS_AGENT_CDS=app
if [ -x "$jdk25/bin/java" ]; then
    bench "JDK 25, no CDS archive" JAVA_HOME="$jdk25" NOXUS_AGENT_CDS=off
    rm -rf "$work/cds"
    bench "JDK 25, AppCDS (shipped)" JAVA_HOME="$jdk25" NOXUS_AGENT_CDS=app
    # JEP 514: one training run writes the AOT cache (classes loaded and linked, method profiles); the class path
    # must be the one the launcher gives (the absolute jar path), or the cache is refused.
    "$jdk25/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m -XX:AOTCacheOutput="$work/app.aot" \
        -jar "$PWD/target/noxus-secrets-agent.jar" render -c "$cfg" --no-act >"$work/aot.log" 2>&1 || { tail -5 "$work/aot.log"; exit 1; }
    bench "JDK 25, AOT cache + no exit wait" JAVA_HOME="$jdk25" NOXUS_AGENT_CDS=off \
        NOXUS_AGENT_JAVA_OPTS="-XX:AOTCache=$work/app.aot -XX:UserThreadWaitAttemptsAtExit=0"
fi
