# Sourced by the benchmarks: the median of the numbers on standard input (the mean of the middle two for an even
# count), and one timed run of a command line.
# shellcheck shell=bash
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

# timed_run RESULTS KEY SHELL COMMAND: runs COMMAND with SHELL -c and appends "KEY WALL_MS CPU_MS" to RESULTS (CPU =
# user + sys of the whole process tree, /usr/bin/time). The command's own output goes where the caller sends it.
timed_run() {
    local results=$1 key=$2 shell=$3 cmd=$4 s e u sy
    s=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$results.time" "$shell" -c "$cmd"
    e=$(date +%s%N)
    read -r u sy < "$results.time"
    echo "$key $(( (e - s) / 1000000 )) $(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%d", (u + s) * 1000}')" >> "$results"
}
