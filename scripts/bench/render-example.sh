#!/bin/sh
# Wall time of one `render` of the bundled example config, JVM start included: N runs (default 5), median.
# The first run writes the files, the others find them unchanged, as a render on a running host mostly does.
# Usage: scripts/bench/render-example.sh [N]     (after: mvn -q -DskipTests package)
set -eu
cd "$(dirname "$0")/../.."
n=${1:-5}
rm -rf out
times=""
i=0
while [ "$i" -lt "$n" ]; do
    start=$(date +%s%N)
    agent/bin/noxus-secrets-agent render --config config/example.yaml >/dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    times="$times $ms"
    i=$((i + 1))
done
echo "runs (ms):$times"
echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print "median (ms): " m}'
