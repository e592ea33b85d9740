#!/bin/bash
# systemd-box.sh: a disposable, real systemd (the host's own /lib/systemd/systemd) running as PID 1
# inside private pid/mount/uts/ipc/cgroup namespaces, for tests that need genuine unit semantics
# (EnvironmentFile=, Restart=, Type=notify, ...). It boots in about 0.1 s and needs root.
#
#   SDBOX=/tmp/mybox scripts/systemd-box.sh up       boot a box (default SDBOX=/tmp/sdbox)
#   SDBOX=/tmp/mybox scripts/systemd-box.sh x CMD..  run CMD inside it, e.g. x systemctl start foo
#   SDBOX=/tmp/mybox scripts/systemd-box.sh down     kill it; safe to run any time, even twice
#   scripts/systemd-box.sh selftest                  up, EnvironmentFile= round trip, down
#
# What the box sees: the host's / read-only; fresh tmpfs on /run /tmp /var /dev; its own /proc and
# cgroup2 tree. The only writable host folder is $SDBOX/share (same path inside and out), and
# $SDBOX/share/units is the box's /etc/systemd/system: drop unit files there. Since /tmp, /run and
# /var are private inside, any file a unit must read has to live under $SDBOX/share.
# Only the units you put there start (the boot target is an empty sdbox.target + journald).
# Several boxes may run at once as long as each has its own SDBOX.
#
# Never start systemd as PID 1 without this isolation: it would run a normal boot against the
# host (and e.g. clean the host's /tmp).
set -euo pipefail

die() { printf 'systemd-box: %s\n' "$*" >&2; exit 1; }

BOX=$(realpath -m "${SDBOX:-/tmp/sdbox}")
export SDBOX=$BOX
SELF=$(readlink -f "${BASH_SOURCE[0]}")
SHARE=$BOX/share
UNITS=$SHARE/units
INIT_PID_FILE=$BOX/init.pid        # host pid of the box's PID 1 (written by stage 2)
SCRIPT_PID_FILE=$BOX/script.pid    # host pid of script(1), which owns the box's console pty
CONSOLE_LOG=$BOX/console.log

# The box's processes live in one cgroup2 directory of their own, named after the box folder, so
# `down` can kill exactly them (cgroup.kill) and several boxes never collide.
cgroup2_mount() {
  local m
  for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    [ -f "$m/cgroup.controllers" ] && { echo "$m"; return; }
  done
  die "no cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified"
}
box_cgroup() {
  local tag; tag=$(printf %s "${BOX##*/}" | tr -c 'A-Za-z0-9_.-' _ | cut -c1-40)
  echo "$(cgroup2_mount)/sdbox-$tag-$(printf %s "$BOX" | sha256sum | cut -c1-12)"
}
CGROUP=   # set by the commands that need it (keeps `x`, the hot path, free of extra forks)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

init_pid() { cat "$INIT_PID_FILE" 2>/dev/null || true; }

# in_box CMD...: run CMD in the box's namespaces (mount, uts, ipc, pid).
in_box() {
  local pid; pid=$(init_pid)
  [ -n "$pid" ] || die "box $BOX is not up"
  nsenter -t "$pid" -m -u -i -p -- "$@"
}

# in_cgroup PID: true when PID is in the box cgroup or below it (systemd moves itself to init.scope).
in_cgroup() {
  local name; name=$(basename "$CGROUP")
  grep -qsxF "0::/$name" "/proc/$1/cgroup" || grep -qsF "0::/$name/" "/proc/$1/cgroup"
}

box_is_running() {
  local pid; pid=$(init_pid)
  [ -n "$pid" ] && in_cgroup "$pid"
}

# ---- stage 1 (inside script's pty): join the box cgroup, create the namespaces -----------------
stage_namespaces() {
  echo $$ > "$CGROUP/cgroup.procs"   # the new cgroup namespace is rooted at the box cgroup
  exec unshare --pid --fork --kill-child --mount --propagation private --uts --ipc --cgroup \
    bash "$SELF" __stage_root
}

# ---- stage 2 (PID 1 of the new pid namespace): build the root file system, exec systemd --------
stage_root() {
  [ $$ = 1 ] || die "stage 2 must run as PID 1"
  local host_pid; read -r host_pid _ < /proc/self/stat   # /proc is still the host's here
  echo "$host_pid" > "$INIT_PID_FILE"

  local r=$BOX/root
  # The host's / read-only (a per-mount flag: the host's own / stays writable).
  mount --bind / "$r"
  mount -o remount,bind,ro "$r"
  # Kernel interfaces: our own /proc, read-only /proc/sys and /sys, a cgroup2 rooted at our cgroup.
  mount -t proc -o nosuid,nodev,noexec proc "$r/proc"
  mount --bind "$r/proc/sys" "$r/proc/sys"; mount -o remount,bind,ro "$r/proc/sys"
  mount --bind /sys "$r/sys"; mount -o remount,bind,ro "$r/sys"
  mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup"
  # A minimal /dev with the usual character devices, a private devpts and the pty as console.
  mount -t tmpfs -o mode=755,nosuid tmpfs "$r/dev"
  mkdir "$r/dev/pts" "$r/dev/shm"
  local dev
  for dev in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name major minor <<< "$dev"
    mknod -m 666 "$r/dev/$name" c "$major" "$minor"
  done
  mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$r/dev/pts"
  ln -s pts/ptmx "$r/dev/ptmx"
  ln -s /proc/self/fd "$r/dev/fd"
  mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
  touch "$r/dev/console"
  mount --bind "$(tty)" "$r/dev/console"     # systemd's console output ends in console.log
  # Private, empty state directories.
  local d
  for d in run tmp var; do mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$r/$d"; done
  mkdir -p "$r/var/tmp" "$r/var/log" "$r/var/lib" "$r/var/cache"
  chmod 1777 "$r/tmp" "$r/var/tmp"
  ln -s ../run "$r/var/run"; ln -s ../run/lock "$r/var/lock"
  # The shared folder (same path inside), the unit folder and a machine id of the box's own.
  mkdir -p "$r$SHARE" 2>/dev/null || true    # exists already unless it is under /tmp, /run or /var
  mount --bind "$SHARE" "$r$SHARE"
  mount --bind "$UNITS" "$r/etc/systemd/system"
  mount --bind "$BOX/machine-id" "$r/etc/machine-id"
  # Switch to it and drop the old root.
  cd "$r"; pivot_root . .; umount -l .; cd /
  # No generators, no host environment, a few capabilities fewer.
  exec setpriv --bounding-set -sys_module,-sys_time,-sys_rawio,-syslog,-mac_admin,-wake_alarm \
    env -i container=sdbox SYSTEMD_UNIT_PATH=/etc/systemd/system \
      SYSTEMD_GENERATOR_PATH=/nonexistent SYSTEMD_ENVIRONMENT_GENERATOR_PATH=/nonexistent \
    /lib/systemd/systemd --system --unit=sdbox.target --log-target=console --show-status=no
}

# ---- commands ------------------------------------------------------------------------------------
write_boot_units() {
  local t u
  # Targets that units commonly reference, all empty so nothing of the host's boot gets pulled in.
  for t in sysinit basic shutdown multi-user default network network-online local-fs remote-fs \
           sockets timers paths nss-lookup time-sync; do
    [ -e "$UNITS/$t.target" ] || printf '[Unit]\nDefaultDependencies=no\n' > "$UNITS/$t.target"
  done
  for u in systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket; do
    ln -sfn "/lib/systemd/system/$u" "$UNITS/$u"
  done
  printf '[Unit]\nDefaultDependencies=no\nWants=systemd-journald.socket systemd-journald-dev-log.socket\n' \
    > "$UNITS/sdbox.target"
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "needs root"
  local tool
  for tool in unshare nsenter script setpriv pivot_root mknod; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install util-linux bsdutils)"
  done
  [ -x /lib/systemd/systemd ] || die "/lib/systemd/systemd not found (Debian: apt-get install systemd)"
  box_is_running && die "box $BOX is already up"
  cmd_down >/dev/null   # leftovers of a crashed box

  local start; start=$(now_ms)
  mkdir -p "$BOX/root" "$UNITS" "$CGROUP"
  : > "$CONSOLE_LOG"
  [ -s "$BOX/machine-id" ] || tr -d - < /proc/sys/kernel/random/uuid > "$BOX/machine-id"
  write_boot_units

  # Interrupted while booting: leave nothing behind.
  trap 'cmd_down >/dev/null; exit 130' INT TERM
  # script(1) gives the box a pty as /dev/console and copies everything written to it to the log.
  setsid script -qfec "bash $(printf %q "$SELF") __stage_namespaces" "$CONSOLE_LOG" </dev/null >/dev/null 2>&1 &
  local spid=$!
  echo "$spid" > "$SCRIPT_PID_FILE"

  local i state=
  for i in $(seq 250); do   # up to ~5 s; stop early if the boot chain died
    kill -0 "$spid" 2>/dev/null || break
    if [ -s "$INIT_PID_FILE" ]; then
      state=$(in_box systemctl is-system-running 2>/dev/null || true)
      case $state in running|degraded) break ;; esac
    fi
    sleep 0.02
  done
  case $state in
    running) ;;
    degraded) echo "systemd-box: warning: box $BOX booted degraded" >&2 ;;
    *) cat "$CONSOLE_LOG" >&2; cmd_down >/dev/null; die "box $BOX did not boot (state '${state:-none}')" ;;
  esac
  trap - INT TERM
  echo "up in $(( $(now_ms) - start )) ms, init host pid $(init_pid)"
}

cmd_down() {
  local start; start=$(now_ms)
  if [ -d "$CGROUP" ]; then
    # Kill every process of the box at once (all are in its cgroup), then wait until it is empty.
    if [ -f "$CGROUP/cgroup.kill" ]; then
      echo 1 > "$CGROUP/cgroup.kill"
    else
      local pid; pid=$(init_pid)   # older kernels: killing PID 1 kills the whole pid namespace
      if [ -n "$pid" ] && in_cgroup "$pid"; then kill -KILL "$pid"; fi
    fi
    local i
    for i in $(seq 250); do
      grep -qs 'populated 0' "$CGROUP/cgroup.events" && break
      sleep 0.02
    done
    # systemd made sub-cgroups below ours; remove them bottom-up.
    find "$CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true
    if [ -d "$CGROUP" ]; then echo "systemd-box: warning: could not remove $CGROUP" >&2; fi
  fi
  # script(1) is outside the cgroup; without this it lingers ~1.5 s draining the pty.
  local spid; spid=$(cat "$SCRIPT_PID_FILE" 2>/dev/null || true)
  if [ -n "$spid" ] && grep -qsaF __stage_namespaces "/proc/$spid/cmdline"; then
    kill -TERM "$spid" 2>/dev/null || true
  fi
  rm -f "$INIT_PID_FILE" "$SCRIPT_PID_FILE"
  echo "down in $(( $(now_ms) - start )) ms"
}

# selftest: boot, read an EnvironmentFile through a oneshot unit, check the result, take it down.
cmd_selftest() {
  cmd_up
  trap 'cmd_down >/dev/null' EXIT
  printf 'PLAIN=bar\nQUOTED="a b \\" c"\n' > "$SHARE/selftest.env"
  printf '%s\n' '[Service]' Type=oneshot "EnvironmentFile=$SHARE/selftest.env" \
    'ExecStart=/usr/bin/env -0' "StandardOutput=truncate:$SHARE/selftest.out" > "$UNITS/selftest.service"
  local start; start=$(now_ms)
  in_box systemctl start selftest.service
  echo "oneshot unit ran in $(( $(now_ms) - start )) ms"
  local got; got=$(tr '\0' '\n' < "$SHARE/selftest.out" | grep -E '^(PLAIN|QUOTED)=')
  [ "$got" = $'PLAIN=bar\nQUOTED=a b " c' ] || die "unexpected environment: $got"
  echo "selftest ok"
}

case ${1:-} in
  selftest)           CGROUP=$(box_cgroup); cmd_selftest ;;
  up)                 CGROUP=$(box_cgroup); cmd_up ;;
  down)               CGROUP=$(box_cgroup); cmd_down ;;
  x)                  shift; [ $# -gt 0 ] || die "usage: $0 x CMD..."; in_box "$@" ;;
  __stage_namespaces) CGROUP=$(box_cgroup); stage_namespaces ;;
  __stage_root)       stage_root ;;
  *)                  echo "usage: SDBOX=DIR $0 up | x CMD... | down | selftest" >&2; exit 2 ;;
esac
