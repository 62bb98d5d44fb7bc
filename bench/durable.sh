#!/usr/bin/env bash
# bench/durable.sh: what durability costs. In one run, on this machine's disk:
#
#   1. the raw fsync rate: bench/FsyncProbe.java (run with `java`, the single-file source launcher) appends a
#      64-byte record to a file in the work dir and calls FileChannel.force(false) (fdatasync, as the store's writer
#      does) after each one, for FSYNC_SECONDS. That is the most messages per second a broker that fsyncs once per
#      message could acknowledge;
#   2. Lintas, `broker.store.fsync: always`, its data-dir in the work dir: QoS 1 publishes to subscribers with
#      persistent sessions, so every message goes to a durable queue and no PUBACK goes out before the fsync that
#      covers it (group commit);
#   3. Mosquitto with `persistence true` (its store in the work dir), the same load. Mosquitto writes its store
#      only every autosave_interval (1800 s by default) and at exit, and never fsyncs per message: its PUBACK
#      promises nothing about the disk.
#
# The load, the same for both: `lintas bench mqtt --qos 1 --persistent-sessions`, PUBLISHERS publishers each with
# its own subscriber (pairs), INFLIGHT unacknowledged publishes per publisher, SIZE-byte payloads, flat out, WARMUP
# seconds unmeasured then DURATION seconds measured, ROUNDS rounds with the order of the two brokers flipping every
# round. It prints, for each broker, the medians of:
#   acked msgs/s  publishes acknowledged (PUBACK) per second: with fsync always, Lintas's durable throughput;
#   ack ms        mean publish-to-PUBACK time, from Little's law: PUBLISHERS x INFLIGHT / acked msgs/s (the load
#                 tool keeps every window full, flat out);
#   p50, p99 ms   publish-to-receive latency at the subscribers (delivery does not wait for the disk);
# then Lintas / raw fsync rate (target >= 20 x, through batching) and Lintas / Mosquitto (target >= 1.0 x).
#
# Usage: bench/durable.sh            (from anywhere; it finds the repo root from its own path)
# Options, as environment variables:
#   DURATION=10  WARMUP=5  ROUNDS=3  PUBLISHERS=10  INFLIGHT=64  SIZE=256  FSYNC_SECONDS=5
#   MQTT_VERSION=3.1.1 (or 5)  PORT_BASE=18840 (Lintas; Mosquitto on +1)  KEEP=1 (keep the work dir)
#   TMPDIR decides the disk measured: the work dir, with both brokers' data and the probe's file, is made there.
#
# It installs mosquitto with apt-get when it is missing (as root), builds Lintas through ./lintas on first use, and
# stops every process it started, by PID, when it exits, fails or is interrupted.
# lintas_version, java_version and ok are shared with bench/lib.sh:
# shellcheck disable=SC2034,SC2154
set -euo pipefail

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
PUBLISHERS=${PUBLISHERS:-10}
INFLIGHT=${INFLIGHT:-64}
SIZE=${SIZE:-256}
FSYNC_SECONDS=${FSYNC_SECONDS:-5}
MQTT_VERSION=${MQTT_VERSION:-3.1.1}
PORT_BASE=${PORT_BASE:-18840}
KEEP=${KEEP:-0}

LINTAS_PORT=$PORT_BASE
MOSQUITTO_PORT=$((PORT_BASE + 1))
MAX_INFLIGHT=1024     # Lintas's defaults, written into Mosquitto's config as in bench/mqtt.sh
MAX_QUEUED=100000

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"   # mosquitto lives in /usr/sbin

# shellcheck source=lib.sh
. "$root/bench/lib.sh"

for n in DURATION ROUNDS PUBLISHERS INFLIGHT SIZE FSYNC_SECONDS PORT_BASE; do
  [[ ${!n} =~ ^[0-9]+$ ]] && [ "${!n}" -gt 0 ] || die "$n must be a whole number > 0 (got '${!n}')"
done
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number >= 0 (got '$WARMUP')"
case "$MQTT_VERSION" in 3.1.1 | 5) ;; *) die "MQTT_VERSION must be 3.1.1 or 5 (got '$MQTT_VERSION')" ;; esac

missing=()
command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
install_missing "${missing[@]}"
build_lintas
mosquitto_version=$(mosquitto -h 2>/dev/null | awk '/^mosquitto version/ {print $3; exit}' || true)

# Microseconds as milliseconds with three decimals; n/a for none.
ms() { awk -v us="$1" 'BEGIN { if (us != "" && us > 0) printf "%.3f", us / 1000; else print "n/a" }'; }

for port in "$LINTAS_PORT" "$MOSQUITTO_PORT"; do
  ! listening "$port" || die "port 127.0.0.1:$port is in use; pick other ports with PORT_BASE=..."
done
work=$(mktemp -d "${TMPDIR:-/tmp}/lintas-bench-durable.XXXXXX")
chmod 755 "$work"   # mosquitto started as root drops to its own user, which must be able to write its store
mkdir -p "$work/mosquitto-data"
chmod 777 "$work/mosquitto-data"
filesystem=$(df -PT "$work" | awk 'NR == 2 {print $2 " on " $1}')

# ---------------------------------------------------------------------------------------------------------------
# 1. The disk's raw fsync rate.
# ---------------------------------------------------------------------------------------------------------------
log "raw fsync rate: ${FSYNC_SECONDS} s of 64-byte write + fdatasync in $work ..."
"$JAVA_HOME/bin/java" "$root/bench/FsyncProbe.java" "$work" "$FSYNC_SECONDS" >"$work/fsync.tsv" \
  || die "the fsync probe failed"
fsync_rate=$(field per_s "$work/fsync.tsv")
fsync_p50=$(ms "$(field p50_us "$work/fsync.tsv")")
fsync_p99=$(ms "$(field p99_us "$work/fsync.tsv")")

# ---------------------------------------------------------------------------------------------------------------
# 2. and 3. The brokers.
# ---------------------------------------------------------------------------------------------------------------
cat >"$work/lintas.yaml" <<EOF
broker:
  data-dir: $work/lintas-data
  store:
    fsync: always
  mqtt:
    listen: 127.0.0.1:$LINTAS_PORT
EOF
mosquitto_conf "$work/mosquitto.conf" "$MOSQUITTO_PORT" "$MAX_INFLIGHT" "$MAX_QUEUED" \
  "persistence true" "persistence_location $work/mosquitto-data/"
chmod 644 "$work/lintas.yaml"
"$root/lintas" check -c "$work/lintas.yaml" >/dev/null || die "lintas check rejected $work/lintas.yaml"

start lintas "$root/lintas" run -c "$work/lintas.yaml"
start mosquitto mosquitto -c "$work/mosquitto.conf"
await_listening lintas "$LINTAS_PORT"
await_listening mosquitto "$MOSQUITTO_PORT"
declare -A port_of=([lintas]=$LINTAS_PORT [mosquitto]=$MOSQUITTO_PORT)

load=("$root/lintas" bench mqtt --qos 1 --persistent-sessions --publishers "$PUBLISHERS" --subscribers "$PUBLISHERS"
  --size "$SIZE" --inflight "$INFLIGHT" --mqtt-version "$MQTT_VERSION" --warmup "${WARMUP}s"
  --duration "${DURATION}s" --connect-timeout 30s --drain-timeout 10s --format tsv)

declare -A acked recv p50 p99 lost errs
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then order=(lintas mosquitto); else order=(mosquitto lintas); fi
  for name in "${order[@]}"; do
    out="$work/round$r-$name.tsv"
    log "round $r/$ROUNDS: QoS 1, persistent sessions -> $name"
    code=0
    "${load[@]}" --port "${port_of[$name]}" >"$out" 2>"$out.err" || code=$?
    kill -0 "$(pid_of "$name")" 2>/dev/null \
      || { cat "$out.err" >&2; tail -n 30 "$work/$name.log" >&2; die "$name died during round $r"; }
    [ "$code" -le 1 ] || { cat "$out.err" >&2; die "the load tool failed (exit $code) against $name"; }
    [ "$code" = 0 ] || { log "warning: $name had errors in round $r:"; sed 's/^/    /' "$out.err" >&2; }
    key="$name,$r"
    acked[$key]=$(field sent_per_s "$out")
    recv[$key]=$(field received_per_s "$out")
    p50[$key]=$(ms "$(field p50_us "$out")")
    p99[$key]=$(ms "$(field p99_us "$out")")
    lost[$key]=$(field lost "$out")
    errs[$key]=$(field errors "$out")
    [ -n "${acked[$key]}" ] && [ -n "${lost[$key]}" ] || { cat "$out" "$out.err" >&2; die "cannot parse the load tool's output"; }
  done
done

# ---------------------------------------------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------------------------------------------
echo
echo "== Durable QoS 1 publishing: Lintas (fsync always) vs the raw fsync rate vs Mosquitto (persistence true) =="
echo "date:      $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine:   nproc=$(nproc), $(uname -srm), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "disk:      $filesystem (the work dir: $work)"
echo "lintas:    $lintas_version, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), broker.store.fsync: always"
echo "java:      $java_version ($JAVA_HOME)"
echo "mosquitto: ${mosquitto_version:-?}, persistence true (autosave_interval 1800 s by default: no fsync per message)"
echo "load:      ${load[*]:1}"
echo "script:    DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS PUBLISHERS=$PUBLISHERS INFLIGHT=$INFLIGHT SIZE=$SIZE FSYNC_SECONDS=$FSYNC_SECONDS MQTT_VERSION=$MQTT_VERSION $0"
echo
printf 'raw fsync (FsyncProbe: 64 B write + FileChannel.force(false), one per record): %.0f fsyncs/s, p50 %s ms, p99 %s ms\n' \
  "$fsync_rate" "$fsync_p50" "$fsync_p99"
echo
printf '%-10s | %12s %9s | %12s %9s %9s | %7s %6s\n' broker 'acked msg/s' 'ack ms' 'recv msg/s' 'p50 ms' 'p99 ms' lost errors
echo "-----------+------------------------+----------------------------------+---------------"
declare -A med
for name in lintas mosquitto; do
  as=() rs=() fs=() ns=() l=0 e=0
  for ((r = 1; r <= ROUNDS; r++)); do
    key="$name,$r"
    as+=("${acked[$key]}") rs+=("${recv[$key]}")
    [ "${p50[$key]}" = n/a ] || fs+=("${p50[$key]}")
    [ "${p99[$key]}" = n/a ] || ns+=("${p99[$key]}")
    l=$((l + lost[$key])) e=$((e + errs[$key]))
  done
  med[$name]=$(median "${as[@]}")
  ack_ms=$(awk -v a="${med[$name]}" -v w=$((PUBLISHERS * INFLIGHT)) 'BEGIN { if (a > 0) printf "%.3f", w / a * 1000; else print "n/a" }')
  printf '%-10s | %12.0f %9s | %12.0f %9s %9s | %7d %6d\n' "$name" "${med[$name]}" "$ack_ms" "$(median "${rs[@]}")" \
    "$(two "$(median "${fs[@]}")")" "$(two "$(median "${ns[@]}")")" "$l" "$e"
done
echo
x_fsync=$(ratio "${med[lintas]}" "$fsync_rate")
x_mosq=$(ratio "${med[lintas]}" "${med[mosquitto]}")
verdict() { awk -v x="$1" -v t="$2" 'BEGIN { print (x != "n/a" && x >= t) ? "met" : "NOT met" }'; }
echo "Lintas / raw fsync rate:  $x_fsync x  (target >= 20 x: $(verdict "$x_fsync" 20))"
echo "Lintas / Mosquitto:       $x_mosq x  (target >= 1.0 x: $(verdict "$x_mosq" 1.0))"
echo "(medians over $ROUNDS round(s). acked msg/s: QoS 1 publishes acknowledged per second, all publishers together;"
echo " Lintas acknowledges each only after the fsync that covers it, Mosquitto without touching the disk. ack ms:"
echo " PUBLISHERS x INFLIGHT / acked msg/s. p50/p99: publish to receive at the subscribers. lost: measured messages"
echo " not received 10 s after the last publish.)"

if [ -s "$work/mosquitto.log" ] || grep -qE ' (WARN|ERROR) ' "$work/lintas.log"; then
  echo
  echo "The brokers logged warnings or errors (first 10 lines of each; logs in $work):"
  grep -E ' (WARN|ERROR) ' "$work/lintas.log" | head -n 10 | sed 's/^/  lintas: /' || true
  head -n 10 "$work/mosquitto.log" | sed 's/^/  mosquitto: /' || true
  KEEP=1
fi

ok=1
