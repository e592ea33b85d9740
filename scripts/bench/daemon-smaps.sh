#!/usr/bin/env bash
# Where a running agent JVM's private (anonymous) memory is: /proc/PID/smaps `Anonymous` pages attributed by address
# range (issue #14, goal 4; docs/benchmarks.md "Daemon memory"):
#   java heap      the serial heap's reserved range (jcmd GC.heap_info)
#   code cache     jcmd Compiler.codecache bounds
#   metaspace      jcmd VM.metaspace vslist nodes (non-class and class space)
#   class archive  mappings of the .jsa file (the written pages of its read-write part)
#   malloc         glibc's main heap ([heap]) and its arenas (64 MB-aligned blocks)
#   other          the rest: thread stacks, JVM internal mmaps (NMT's Thread, GC, Internal, ...)
#   scripts/bench/daemon-smaps.sh PID
# Needs jcmd (the JDK's); run as the JVM's user.
set -euo pipefail
p=${1:?PID}
hex() { printf '%d' "$1"; }
heap=$(jcmd "$p" GC.heap_info | awk '/def new generation/ {match($0, /\[0x[0-9a-f]+/); s = substr($0, RSTART + 1, RLENGTH - 1)}
    /tenured generation/ {n = split($0, a, /[ ,)]+/); e = a[n - 1]} END {print s, e}')
code=$(jcmd "$p" Compiler.codecache | awk '/bounds/ {gsub(/[\[\],)]/, " "); print $2, $4}')
meta=$(jcmd "$p" VM.metaspace vslist | awk '/node #[0-9]+: base/ {b = $5; sub(/:$/, "", b); r = $6; sub(/reserved=/, "", r);
    printf "%s %d\n", b, r * 1024}')
{
    read -r hs he <<< "$heap"; echo "heap $(hex "$hs") $(hex "$he")"
    read -r cs ce <<< "$code"; echo "code $(hex "$cs") $(hex "$ce")"
    while read -r b r; do [ -z "$b" ] || echo "meta $(hex "$b") $(($(hex "$b") + r))"; done <<< "$meta"
} > "/tmp/nsa-smaps-ranges.$$"
awk -v ranges="/tmp/nsa-smaps-ranges.$$" '
function h2d(s,   i, c, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }; return v }
BEGIN { while ((getline l < ranges) > 0) { split(l, f, " "); n++; rn[n] = f[1]; rs[n] = f[2]; re[n] = f[3] } }
/^[0-9a-f]+-[0-9a-f]+ / {
    split($1, ad, "-"); s = h2d(ad[1]); e = h2d(ad[2]); cat = ""
    for (i = 1; i <= n; i++) if (s >= rs[i] && s < re[i]) { cat = rn[i]; break }
    if (cat == "") {
        if ($NF ~ /\.jsa$/) cat = "cds"
        else if ($NF == "[heap]") cat = "malloc"
        else if (NF == 5 || $NF ~ /^\[anon/) {
            blk = int(s / 67108864)
            if (s % 67108864 == 0 && $2 ~ /^rw/) arena[blk] = 1
            cat = (blk in arena) ? "malloc" : "other"
        } else cat = "file"
    }
}
/^Anonymous:/ { a[cat] += $2; t += $2 }
END {
    split("heap code meta cds malloc other file", o, " ")
    names["heap"] = "java heap"; names["meta"] = "metaspace"; names["code"] = "code cache"; names["cds"] = "class archive"
    names["malloc"] = "malloc (heap+arenas)"; names["other"] = "other (stacks, JVM)"; names["file"] = "other files"
    for (i = 1; i <= 7; i++) printf "%-22s %8d kB\n", names[o[i]], a[o[i]]
    printf "%-22s %8d kB\n", "total Anonymous", t
}' "/proc/$p/smaps"
rm -f "/tmp/nsa-smaps-ranges.$$"
