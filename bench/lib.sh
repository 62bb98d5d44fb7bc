# shellcheck shell=bash disable=SC2034,SC2154   # variables shared with the sourcing script
# bench/lib.sh: what the load-comparison scripts in bench/ share. Sourced, never run; the sourcing script sets
# `set -euo pipefail`, KEEP, and `root` (the repo root) first.
#
# Process bookkeeping: every server a script starts with `start NAME CMD...` is recorded as "NAME:PID", with its
# output in $work/NAME.log. On exit (normal, error or signal) each is sent SIGTERM by PID, in the reverse order of
# starting, given up to 10 s, then SIGKILL by PID if it is still there. Nothing is ever stopped by name. The work dir
# is removed after a successful run (the script sets ok=1 last) unless KEEP=1, and kept on failure.

pids=()
work=""
ok=0

log() { echo "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }

bench_cleanup() {
  local rc=$? entry name pid i
  trap - EXIT INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[$i]##*:}
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  for entry in "${pids[@]}"; do
    name=${entry%%:*}
    pid=${entry##*:}
    for _ in $(seq 1 50); do   # up to 10 s for a graceful stop (Lintas drains)
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "$ok" = 1 ] && [ "$KEEP" != 1 ]; then
      rm -rf "$work"
    else
      log "work dir kept (configs and logs): $work"
    fi
  fi
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Installs the Debian packages named, when any are given: one apt-get update, then one install. Needs root.
install_missing() {
  [ $# -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || die "missing $*; run as root to install them, or install them first"
  log "installing $* ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Builds Lintas through ./lintas if needed (on first use, or when sources changed), and sets lintas_version,
# JAVA_HOME (the JDK the launcher picks) and java_version for the machine facts.
build_lintas() {
  log "building Lintas if needed ..."
  lintas_version=$("$root/lintas" version)
  # shellcheck source=../scripts/jdk.sh
  . "$root/scripts/jdk.sh"
  lintas_find_jdk
  java_version=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)
}

# True when something accepts TCP connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The PID recorded for a started server's name.
pid_of() { printf '%s\n' "${pids[@]}" | awk -F: -v n="$1" '$1 == n {print $2}'; }

# Starts "$@" in the background with its output in $work/NAME.log and records its PID.
start() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=("$name:$!")
  log "started $name (pid $!): $*"
}

# The machine's CPU time so far, in jiffies, as "STEAL TOTAL" from the first line of /proc/stat. Steal is time a
# virtual machine's CPUs wanted to run while the host ran something else; a run that saw much of it measured the
# neighbours as much as the software.
cpu_jiffies() {
  awk 'NR == 1 { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t; exit }' /proc/stat
}

# The share of CPU time stolen between two cpu_jiffies snapshots, in percent with one decimal.
steal_pct() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2]
    printf "%.1f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}

# Median of the numbers given as arguments (mean of the two middle ones for an even count); n/a for none.
median() {
  printf '%s\n' "$@" | sort -g | awk 'NF { v[++n] = $1 } END {
    if (n == 0) { print "n/a"; exit }
    if (n % 2) printf "%.3f", v[(n + 1) / 2]; else printf "%.3f", (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

# $1 / $2 with two decimals; n/a when either is n/a or $2 is not positive.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a != "n/a" && b != "n/a" && b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# Waits until $1 (a recorded name) accepts connections on 127.0.0.1:$2; fails with its log if it dies or takes 60 s.
await_listening() {
  local name=$1 port=$2 pid
  pid=$(pid_of "$name")
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/$name.log" >&2 || true; die "$name exited during start-up"; }
    listening "$port" && return 0
    sleep 0.2
  done
  tail -n 30 "$work/$name.log" >&2 || true
  die "$name did not listen on 127.0.0.1:$port within 60 s"
}

# The value of field $1 in the tsv line of file $2 (name=value fields separated by tabs).
field() { tr '\t' '\n' <"$2" | awk -F= -v n="$1" '$1 == n {print $2; exit}'; }

# Two decimals, or n/a as it is.
two() { awk -v v="$1" 'BEGIN { if (v == "n/a") print v; else printf "%.2f", v }'; }

# Writes a Mosquitto config to $1: one listener on 127.0.0.1:$2, anonymous clients, the in-flight and queue bounds
# $3 and $4 (Lintas's, so that both brokers hold the same), only warnings and errors logged (no line per
# connection), and the persistence lines given after them.
mosquitto_conf() {
  local file=$1 port=$2 inflight=$3 queued=$4
  shift 4
  {
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    printf '%s\n' "$@"
    echo "max_inflight_messages $inflight"
    echo "max_queued_messages $queued"
    echo "log_dest stderr"
    echo "log_type error"
    echo "log_type warning"
    echo "connection_messages false"
  } >"$file"
  chmod 644 "$file"
}
