#!/usr/bin/env bash
# bench/mqtt.sh: a load comparison of the Lintas MQTT broker against Mosquitto, both on 127.0.0.1, driven by the
# same load tool, `lintas bench mqtt`, in one run.
#
#   lintas bench mqtt ──> Lintas     (127.0.0.1:PORT_BASE)
#   lintas bench mqtt ──> Mosquitto  (127.0.0.1:PORT_BASE+1)
#
# The matrix: QoS 0 and QoS 1, times three shapes, times payloads of 64 B and 1 KiB (12 lines):
#   1-1       one publisher to one subscriber
#   fan-out   one publisher to FANOUT subscribers of its topic
#   fan-in    FANOUT publishers to one subscriber, all on one shared topic
# Every run publishes flat out (or at RATE per publisher; QoS 1 with an in-flight window of INFLIGHT per
# publisher) for WARMUP seconds unmeasured, then DURATION seconds measured. For each line the targets alternate, and the order flips every line
# and every round, so neither always runs first. The script prints each run's figures, the medians over ROUNDS,
# and the Lintas/Mosquitto ratio of each line.
#
# The figure compared is messages delivered per second, all subscribers together (fan-out to 100 subscribers
# counts each message 100 times), with the p99 publish-to-receive latency and the messages lost or duplicated.
#
# Usage: bench/mqtt.sh            (from anywhere; it finds the repo root from its own path)
# Options, as environment variables:
#   DURATION=10      measured seconds per run
#   WARMUP=5         unmeasured seconds of the same load before each measured run (the load tool is a new JVM each
#                    run, and Lintas compiles its hot paths during the first ones)
#   ROUNDS=3         rounds; each round runs every line once against each broker
#   FANOUT=100       subscribers of the fan-out lines, publishers of the fan-in lines
#   INFLIGHT=64      unacknowledged QoS 1 publishes per publisher
#   RATE=0           messages per second per publisher; 0 is flat out
#   MQTT_VERSION=3.1.1  or 5
#   LINES=           an extended regular expression; only matrix lines whose name matches run (e.g. 'qos1 1-1')
#   LOAD_CPUS=       a CPU list for taskset (e.g. 1): pins the load tool there; empty leaves it unpinned
#   LOAD_THREADS=    event loops of the load tool (default: one per core)
#   PORT_BASE=18830  Lintas listens here, Mosquitto on +1 (both must be free)
#   KEEP=1           keep the work dir (configs, logs, every run's output) after a successful run
#
# It installs mosquitto with apt-get when it is missing (as root), builds Lintas through ./lintas on first use,
# starts both brokers itself from configs in a temp dir, and stops every process it started, by PID, when it exits,
# fails or is interrupted. It never touches /etc/mosquitto or the system's mosquitto service.
# lintas_version, java_version and ok are shared with bench/lib.sh:
# shellcheck disable=SC2034,SC2154
set -euo pipefail

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
FANOUT=${FANOUT:-100}
INFLIGHT=${INFLIGHT:-64}
RATE=${RATE:-0}
MQTT_VERSION=${MQTT_VERSION:-3.1.1}
LINES=${LINES:-}
LOAD_CPUS=${LOAD_CPUS:-}
LOAD_THREADS=${LOAD_THREADS:-}
PORT_BASE=${PORT_BASE:-18830}
KEEP=${KEEP:-0}

LINTAS_PORT=$PORT_BASE
MOSQUITTO_PORT=$((PORT_BASE + 1))

# Both brokers get the same bounds: Lintas's defaults (MqttSettings: a delivery window of 1,024 unacknowledged
# messages per connection, at most 100,000 messages waiting per session, the oldest dropped beyond that), written
# into Mosquitto's config, whose own defaults (20 and 1,000) would make it drop far sooner.
MAX_INFLIGHT=1024
MAX_QUEUED=100000

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"   # mosquitto lives in /usr/sbin

# shellcheck source=lib.sh
. "$root/bench/lib.sh"

for n in DURATION ROUNDS FANOUT INFLIGHT PORT_BASE; do
  [[ ${!n} =~ ^[0-9]+$ ]] && [ "${!n}" -gt 0 ] || die "$n must be a whole number > 0 (got '${!n}')"
done
for n in WARMUP RATE; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number >= 0 (got '${!n}')"
done
[ -z "$LOAD_THREADS" ] || [[ $LOAD_THREADS =~ ^[1-9][0-9]*$ ]] || die "LOAD_THREADS must be a whole number > 0"
case "$MQTT_VERSION" in 3.1.1 | 5) ;; *) die "MQTT_VERSION must be 3.1.1 or 5 (got '$MQTT_VERSION')" ;; esac

# ---------------------------------------------------------------------------------------------------------------
# 1. Tools: install mosquitto when it is missing (one apt-get update, then one install).
# ---------------------------------------------------------------------------------------------------------------
missing=()
command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
if [ -n "$LOAD_CPUS" ]; then
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
fi
install_missing "${missing[@]}"   # mosquitto without mosquitto-clients; its service is not used

# ---------------------------------------------------------------------------------------------------------------
# 2. Lintas: ./lintas builds the jar on first use (or when sources changed) and finds a JDK 21+.
# ---------------------------------------------------------------------------------------------------------------
build_lintas
mosquitto_version=$(mosquitto -h 2>/dev/null | awk '/^mosquitto version/ {print $3; exit}' || true)

load=("$root/lintas" bench mqtt)
if [ -n "$LOAD_CPUS" ]; then
  load=(taskset -c "$LOAD_CPUS" "${load[@]}")
  load_where="pinned with taskset to CPU(s) $LOAD_CPUS"
else
  load_where="not pinned: it shares all $(nproc) cores with the broker under test"
fi

# ---------------------------------------------------------------------------------------------------------------
# 3. Work dir and configs.
# ---------------------------------------------------------------------------------------------------------------
for port in "$LINTAS_PORT" "$MOSQUITTO_PORT"; do
  ! listening "$port" || die "port 127.0.0.1:$port is in use; pick other ports with PORT_BASE=..."
done
work=$(mktemp -d "${TMPDIR:-/tmp}/lintas-bench-mqtt.XXXXXX")
chmod 755 "$work"   # mosquitto started as root drops to its own user, which must be able to read its config

# Lintas: only a broker, only the MQTT listener; no admin, no gateway. The load tool's subscribers use clean
# sessions, whose messages the store does not keep (only persistent sessions' are; bench/durable.sh measures
# those), so the comparison is in-memory on both sides.
cat >"$work/lintas.yaml" <<EOF
broker:
  data-dir: $work/lintas-data
  mqtt:
    listen: 127.0.0.1:$LINTAS_PORT
EOF

# Mosquitto: one listener on loopback, anonymous clients, persistence off (Mosquitto's built-in default; the
# Debian package's /etc/mosquitto/mosquitto.conf turns it on, and is not read), the same bounds as Lintas, and
# only warnings and errors logged (no line per connection).
mosquitto_conf "$work/mosquitto.conf" "$MOSQUITTO_PORT" "$MAX_INFLIGHT" "$MAX_QUEUED" "persistence false"
chmod 644 "$work/lintas.yaml"

"$root/lintas" check -c "$work/lintas.yaml" >/dev/null || die "lintas check rejected $work/lintas.yaml"

# ---------------------------------------------------------------------------------------------------------------
# 4. Start both brokers, each in the foreground of its own background job.
# ---------------------------------------------------------------------------------------------------------------
start lintas "$root/lintas" run -c "$work/lintas.yaml"   # the launcher execs java, so this PID is the JVM's
start mosquitto mosquitto -c "$work/mosquitto.conf"
await_listening lintas "$LINTAS_PORT"
await_listening mosquitto "$MOSQUITTO_PORT"

names=(lintas mosquitto)
declare -A port_of=([lintas]=$LINTAS_PORT [mosquitto]=$MOSQUITTO_PORT)

# ---------------------------------------------------------------------------------------------------------------
# 5. The matrix, then the measured rounds.
# ---------------------------------------------------------------------------------------------------------------
lines=()
declare -A args_of
for qos in 0 1; do
  for shape in 1-1 fan-out fan-in; do
    for size in 64 1024; do
      case $shape in
        1-1) shape_args="--publishers 1 --subscribers 1" ;;
        fan-out) shape_args="--publishers 1 --subscribers $FANOUT" ;;
        fan-in) shape_args="--publishers $FANOUT --subscribers 1 --topics shared" ;;
      esac
      name="qos$qos $shape $size"B
      [ -z "$LINES" ] || [[ $name =~ $LINES ]] || continue
      lines+=("$name")
      args_of[$name]="--qos $qos $shape_args --size $size"
    done
  done
done
[ ${#lines[@]} -gt 0 ] || die "LINES='$LINES' matches no line of the matrix"

common=(--mqtt-version "$MQTT_VERSION" --inflight "$INFLIGHT" --rate "$RATE" --warmup "${WARMUP}s" --duration "${DURATION}s"
  --connect-timeout 30s --drain-timeout 10s --format tsv)
[ -z "$LOAD_THREADS" ] || common+=(--threads "$LOAD_THREADS")

runs=$((ROUNDS * ${#lines[@]} * 2))
log "${#lines[@]} line(s) x 2 brokers x $ROUNDS round(s) = $runs runs of about $((WARMUP + DURATION + 3)) s each"

declare -A rate p99 lost dups errs
n=0
for ((r = 1; r <= ROUNDS; r++)); do
  for ((i = 0; i < ${#lines[@]}; i++)); do
    line=${lines[$i]}
    if (((r + i) % 2)); then order=(mosquitto lintas); else order=(lintas mosquitto); fi
    for name in "${order[@]}"; do
      n=$((n + 1))
      out="$work/round$r-${line// /_}-$name.tsv"
      log "run $n/$runs, round $r: $line -> $name"
      code=0
      # shellcheck disable=SC2086   # the line's options are split on purpose
      "${load[@]}" --port "${port_of[$name]}" ${args_of[$line]} "${common[@]}" >"$out" 2>"$out.err" || code=$?
      kill -0 "$(pid_of "$name")" 2>/dev/null \
        || { cat "$out.err" >&2; tail -n 30 "$work/$name.log" >&2; die "$name died during round $r ($line)"; }
      [ "$code" -le 1 ] || { cat "$out.err" >&2; die "the load tool failed (exit $code) on $line against $name"; }
      key="$name,$line,$r"
      rate[$key]=$(field received_per_s "$out")
      # No measured message arrived (a flat-out publisher can be held back for the whole phase): no p99.
      p99[$key]=$(awk -v us="$(field p99_us "$out")" 'BEGIN { if (us > 0) printf "%.3f", us / 1000; else print "n/a" }')
      lost[$key]=$(field lost "$out")
      dups[$key]=$(field duplicates "$out")
      errs[$key]=$(field errors "$out")
      [ -n "${rate[$key]}" ] && [ -n "${lost[$key]}" ] || { cat "$out" "$out.err" >&2; die "cannot parse the load tool's output"; }
      if [ "$code" != 0 ]; then
        log "warning: $name had errors on $line in round $r:"
        sed 's/^/    /' "$out.err" >&2
      fi
    done
  done
done

# ---------------------------------------------------------------------------------------------------------------
# 6. Report.
# ---------------------------------------------------------------------------------------------------------------
lintas_loops=$(grep -o '[0-9]* event loop(s)' "$work/lintas.log" | head -1 || true)

echo
pace=$([ "$RATE" = 0 ] && echo "flat out" || echo "$RATE msgs/s per publisher")
echo "== Lintas MQTT broker vs Mosquitto (lintas bench mqtt, $pace, messages delivered per second) =="
echo "date:      $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine:   nproc=$(nproc), $(uname -srm), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lintas:    $lintas_version (${lintas_loops:-? event loops}), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), clean sessions (messages in memory)"
echo "java:      $java_version ($JAVA_HOME)"
echo "mosquitto: ${mosquitto_version:-?} (one thread), persistence false, max_inflight_messages $MAX_INFLIGHT, max_queued_messages $MAX_QUEUED (Lintas's bounds)"
echo "load tool: lintas bench mqtt ${common[*]} (+ the line's options), $load_where"
echo "script:    DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS FANOUT=$FANOUT INFLIGHT=$INFLIGHT RATE=$RATE MQTT_VERSION=$MQTT_VERSION PORT_BASE=$PORT_BASE${LINES:+ LINES='$LINES'}${LOAD_CPUS:+ LOAD_CPUS=$LOAD_CPUS} $0"
echo "order:     the two brokers alternate on each line, the order flipping every line and every round"
echo

header=$(printf '%-20s %-9s' line broker)
for ((r = 1; r <= ROUNDS; r++)); do header+=$(printf ' | %11s' "r$r msgs/s"); done
header+=$(printf ' | %11s %10s | %9s %6s %6s' 'med msgs/s' 'med p99ms' lost dups errors)
echo "$header"
echo "$header" | tr -c '|\n' '-'
declare -A med_rate med_p99
for line in "${lines[@]}"; do
  for name in "${names[@]}"; do
    row=$(printf '%-20s %-9s' "$line" "$name")
    rs=() ps=() l=0 d=0 e=0
    for ((r = 1; r <= ROUNDS; r++)); do
      key="$name,$line,$r"
      row+=$(printf ' | %11.0f' "${rate[$key]}")
      rs+=("${rate[$key]}")
      [ "${p99[$key]}" = n/a ] || ps+=("${p99[$key]}")
      l=$((l + lost[$key])) d=$((d + dups[$key])) e=$((e + errs[$key]))
    done
    med_rate[$name,$line]=$(median "${rs[@]}")
    med_p99[$name,$line]=$(median "${ps[@]}")
    row+=$(printf ' | %11.0f %10s | %9d %6d %6d' "${med_rate[$name,$line]}" "$(two "${med_p99[$name,$line]}")" "$l" "$d" "$e")
    echo "$row"
  done
done
echo

printf '%-20s | %-28s | %-14s | %s\n' line 'Lintas / Mosquitto msgs/s' 'p99 ratio' 'target >= 1.5 x'
printf '%-20s | %-28s | %-14s | %s\n' "" "" "" "" | tr ' ' '-'
met=0
for line in "${lines[@]}"; do
  x=$(ratio "${med_rate[lintas,$line]}" "${med_rate[mosquitto,$line]}")
  verdict=$(awk -v x="$x" 'BEGIN { print (x != "n/a" && x >= 1.5) ? "met" : "NOT met" }')
  [ "$verdict" = met ] && met=$((met + 1))
  printf '%-20s | %-28s | %-14s | %s\n' "$line" \
    "$x x ($(printf '%.0f vs %.0f' "${med_rate[lintas,$line]}" "${med_rate[mosquitto,$line]}"))" \
    "$(ratio "${med_p99[lintas,$line]}" "${med_p99[mosquitto,$line]}") x" "$verdict"
done
echo "target met on $met of ${#lines[@]} line(s)"
echo "(msgs/s: messages delivered per second during the measured phase, all subscribers together; higher is"
echo " better. p99 ratio: lower is better. lost: measured messages that had not arrived 10 s after the last"
echo " publish (dropped, or still queued), summed over the rounds. Flat out, the brokers' queues fill, so p99 is"
echo " mostly queueing delay.)"

if [ -s "$work/mosquitto.log" ] || grep -E ' (WARN|ERROR) ' "$work/lintas.log" | grep -qv 'in memory only'; then
  echo
  echo "The brokers logged warnings or errors (first 10 lines of each; logs in $work):"
  grep -E ' (WARN|ERROR) ' "$work/lintas.log" | grep -v 'in memory only' | head -n 10 | sed 's/^/  lintas: /' || true
  head -n 10 "$work/mosquitto.log" | sed 's/^/  mosquitto: /' || true
  KEEP=1
fi

ok=1
