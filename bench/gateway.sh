#!/usr/bin/env bash
# bench/gateway.sh: a load comparison of the Lintas gateway against nginx and HAProxy, as reverse proxies in front
# of one and the same nginx backend, all on 127.0.0.1.
#
#   wrk ──> Lintas  (127.0.0.1:PORT_BASE)   ─┐
#   wrk ──> nginx   (127.0.0.1:PORT_BASE+2) ─┼──> nginx backend (127.0.0.1:PORT_BASE+1), GET / -> 200 "hello\n"
#   wrk ──> HAProxy (127.0.0.1:PORT_BASE+3) ─┘
#
# Each proxy runs at its default worker count (Lintas: one event loop per core; nginx: worker_processes auto;
# HAProxy: one thread per core), with access logging off for all three and keep-alive to the backend for all
# three. Each is warmed, then wrk drives them in turn, alternating between the three for ROUNDS rounds (the order
# rotates each round so no proxy always runs first or last), and the script prints per-round and median req/s and
# p99 latency, the Lintas/nginx and Lintas/HAProxy ratios, and the machine facts.
#
# Usage: bench/gateway.sh            (from anywhere; it finds the repo root from its own path)
# Options, as environment variables:
#   DURATION=10     seconds per measured wrk run
#   ROUNDS=3        rounds; each round runs wrk once against each proxy
#   CONNECTIONS=50  wrk connections (-c)
#   THREADS=1       wrk threads (-t)
#   WARMUP=20       seconds of unmeasured load per proxy before the first round; the same for all three,
#                   long enough for the JVM to compile its hot paths (nginx and HAProxy need none)
#   WARMUP_ROUNDS=3 unmeasured rounds, exactly like the measured ones, after that warm-up. Between its runs a
#                   proxy sits idle while the other two run; the first few times load resumes after such a gap,
#                   the JVM recompiles hot methods whose idle-time branches it had not seen (connections closing,
#                   metric windows that rotated), which a long-running server has long since done. Three rounds let
#                   that settle for Lintas; nginx and HAProxy run them too. 0 skips them.
#   PORT_BASE=18080 Lintas listens here, the backend on +1, nginx on +2, HAProxy on +3 (all must be free)
#   KEEP=1          keep the work dir (configs and logs) after a successful run; it is always kept on failure
#   FORWARDED=1     nginx and HAProxy add the same request headers Lintas always adds (X-Forwarded-For,
#                   X-Forwarded-Proto, X-Forwarded-Host, Forwarded, Via), and nginx passes Host through as Lintas
#                   and HAProxy do, so that all three do the same work, as a user replacing them would have them
#                   configured; FORWARDED=0 runs them without (less work than Lintas does)
#   MAX_STEAL=5     on a virtual machine, a round in which the host took more than this share (percent) of the CPU
#                   time during any of its three runs (steal, from /proc/stat) is run again, up to ROUNDS extra
#                   rounds in all, since such a run measures the neighbours; the report shows each run's steal
#
# It installs nginx, haproxy, wrk and curl with apt-get when they are missing (as root), builds Lintas through
# ./lintas on first use, starts every server itself in a temp dir, and stops every process it started, by PID, when
# it exits, fails or is interrupted. It never touches /etc/nginx, /etc/haproxy or any system service.
# lintas_version, java_version and ok are shared with bench/lib.sh:
# shellcheck disable=SC2034,SC2154
set -euo pipefail

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-20}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-3}
PORT_BASE=${PORT_BASE:-18080}
KEEP=${KEEP:-0}
FORWARDED=${FORWARDED:-1}
MAX_STEAL=${MAX_STEAL:-5}

LINTAS_PORT=$PORT_BASE
BACKEND_PORT=$((PORT_BASE + 1))
NGINX_PORT=$((PORT_BASE + 2))
HAPROXY_PORT=$((PORT_BASE + 3))

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# nginx and haproxy live in /usr/sbin, which a non-login shell's PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# shellcheck source=lib.sh
. "$root/bench/lib.sh"

case "$FORWARDED" in 0 | 1) ;; *) die "FORWARDED must be 0 or 1 (got '$FORWARDED')" ;; esac
for n in DURATION ROUNDS CONNECTIONS THREADS WARMUP PORT_BASE; do
  [[ ${!n} =~ ^[0-9]+$ ]] && [ "${!n}" -gt 0 ] || die "$n must be a whole number > 0 (got '${!n}')"
done
[[ $WARMUP_ROUNDS =~ ^[0-9]+$ ]] || die "WARMUP_ROUNDS must be a whole number >= 0 (got '$WARMUP_ROUNDS')"
[[ $MAX_STEAL =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MAX_STEAL must be a number of percent >= 0 (got '$MAX_STEAL')"
[ "$CONNECTIONS" -ge "$THREADS" ] || die "CONNECTIONS ($CONNECTIONS) must be at least THREADS ($THREADS)"

# ---------------------------------------------------------------------------------------------------------------
# 1. Tools: install what is missing (one apt-get update, then one install).
# ---------------------------------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
install_missing "${missing[@]}"

# ---------------------------------------------------------------------------------------------------------------
# 2. Lintas: ./lintas builds the jar on first use (or when sources changed) and finds a JDK 21+.
# ---------------------------------------------------------------------------------------------------------------
build_lintas

# ---------------------------------------------------------------------------------------------------------------
# Helpers.
# ---------------------------------------------------------------------------------------------------------------

# Waits until $1 (a recorded name) answers GET / on port $2 with 200 and the backend's body; fails with its log
# if it dies or does not answer within 60 s.
await() {
  local name=$1 port=$2 pid body
  pid=$(pid_of "$name")
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$work/$name.log" >&2 || true
      die "$name (pid $pid) exited during start-up; its log is above"
    fi
    if body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null) && [ "$body" = hello ]; then
      return 0
    fi
    sleep 0.2
  done
  tail -n 30 "$work/$name.log" >&2 || true
  die "$name did not answer GET http://127.0.0.1:$port/ with 200 'hello' within 60 s"
}

# Converts a wrk time (e.g. 812.00us, 1.23ms, 2.01s, 1.00m) to milliseconds.
to_ms() {
  awk -v t="$1" 'BEGIN {
    if (match(t, /us$/)) { printf "%.3f", substr(t, 1, RSTART - 1) / 1000; exit }
    if (match(t, /ms$/)) { printf "%.3f", substr(t, 1, RSTART - 1); exit }
    if (match(t, /s$/))  { printf "%.3f", substr(t, 1, RSTART - 1) * 1000; exit }
    if (match(t, /m$/))  { printf "%.3f", substr(t, 1, RSTART - 1) * 60000; exit }
    if (match(t, /h$/))  { printf "%.3f", substr(t, 1, RSTART - 1) * 3600000; exit }
    exit 1 }'
}

# ---------------------------------------------------------------------------------------------------------------
# 3. Work dir and configs.
# ---------------------------------------------------------------------------------------------------------------
for port in "$LINTAS_PORT" "$BACKEND_PORT" "$NGINX_PORT" "$HAPROXY_PORT"; do
  ! listening "$port" || die "port 127.0.0.1:$port is in use; pick other ports with PORT_BASE=..."
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lintas-bench.XXXXXX")
# nginx workers run as an unprivileged user when the master is root; they must be able to enter the prefix.
chmod 755 "$work"
mkdir -p "$work/backend/logs" "$work/nginx/logs"

# The backend: a fixed 6-byte body. keepalive_requests is raised from nginx's default 1000 so the backend never
# closes the proxies' pooled connections mid-run; that is the same for all three proxies.
cat >"$work/backend/nginx.conf" <<EOF
worker_processes auto;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path backend_client_temp;
  proxy_temp_path backend_proxy_temp;
  fastcgi_temp_path backend_fastcgi_temp;
  uwsgi_temp_path backend_uwsgi_temp;
  scgi_temp_path backend_scgi_temp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location / {
      default_type text/plain;
      return 200 "hello\n";
    }
  }
}
EOF

# nginx as a reverse proxy: pooled HTTP/1.1 connections to the backend (keepalive 64), access log off. Its
# client-side keepalive_requests is raised from the default 1000 too, since Lintas and HAProxy set no such limit
# and wrk's reconnects would otherwise cost nginx alone.
# The request headers Lintas adds to every request it forwards, for the peers too unless FORWARDED=0.
nginx_forwarded=""
haproxy_forwarded=""
if [ "$FORWARDED" = 1 ]; then
  # shellcheck disable=SC2016 # nginx's variables, not the shell's
  nginx_forwarded='      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header Forwarded "for=$remote_addr;host=$host;proto=$scheme";
      proxy_set_header Via "1.1 nginx";
'
  haproxy_forwarded='  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request set-header Forwarded "for=%[src];host=%[req.hdr(host)];proto=http"
  http-request add-header Via "1.1 haproxy"
'
fi

cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path proxy_client_temp;
  proxy_temp_path proxy_proxy_temp;
  fastcgi_temp_path proxy_fastcgi_temp;
  uwsgi_temp_path proxy_uwsgi_temp;
  scgi_temp_path proxy_scgi_temp;
  keepalive_requests 1000000;
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
$nginx_forwarded    }
  }
}
EOF

# HAProxy: HTTP mode with keep-alive on both sides, threads at the default (one per core), no log directive at all
# (so no logging), a maxconn (4096, like nginx's worker_connections) well above wrk's connections.
cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
frontend bench
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend backend
backend backend
$haproxy_forwarded  server backend1 127.0.0.1:$BACKEND_PORT
EOF

# Lintas: one listener, every path to one upstream with the one backend; access log off; no admin section, so
# no admin listener. Everything else (event loops, pool size, timeouts) at its defaults.
cat >"$work/lintas.yaml" <<EOF
gateway:
  access-log: "off"
  listeners:
    - listen: 127.0.0.1:$LINTAS_PORT
  upstreams:
    backend:
      servers:
        - 127.0.0.1:$BACKEND_PORT
  routes:
    - path: /
      upstream: backend
EOF

# Fairness check: all three proxies must have their access log off.
grep -qx '  access_log off;' "$work/nginx/nginx.conf" || die "nginx proxy config has its access log on"
! grep -qE '^\s*(log|option\s+httplog)' "$work/haproxy.cfg" || die "haproxy config logs"
grep -qx '  access-log: "off"' "$work/lintas.yaml" || die "lintas config has its access log on"
"$root/lintas" check -c "$work/lintas.yaml" >/dev/null || die "lintas check rejected $work/lintas.yaml"
nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' || die "nginx -t rejected the proxy config"
haproxy -c -q -f "$work/haproxy.cfg" || die "haproxy -c rejected its config"

# ---------------------------------------------------------------------------------------------------------------
# 4. Start the backend, then the three proxies, each in the foreground of its own background job.
# ---------------------------------------------------------------------------------------------------------------
start backend nginx -p "$work/backend" -c "$work/backend/nginx.conf" -g 'daemon off;'
await backend "$BACKEND_PORT"
start lintas "$root/lintas" run -c "$work/lintas.yaml"   # the launcher execs java, so this PID is the JVM's
start nginx nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;'
start haproxy haproxy -db -f "$work/haproxy.cfg"
await lintas "$LINTAS_PORT"
await nginx "$NGINX_PORT"
await haproxy "$HAPROXY_PORT"

names=(lintas nginx haproxy)
declare -A port_of=([lintas]=$LINTAS_PORT [nginx]=$NGINX_PORT [haproxy]=$HAPROXY_PORT)

# ---------------------------------------------------------------------------------------------------------------
# 5. Warm-up, then the measured rounds.
# ---------------------------------------------------------------------------------------------------------------
wrk_args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
for name in "${names[@]}"; do
  log "warming $name for ${WARMUP}s ..."
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:${port_of[$name]}/" >"$work/warmup-$name.txt"
done

# The same rotation as the measured rounds below, unmeasured.
for ((r = 1; r <= WARMUP_ROUNDS; r++)); do
  for ((i = 0; i < 3; i++)); do
    name=${names[$(((r - 1 + i) % 3))]}
    log "warm-up round $r/$WARMUP_ROUNDS: $name"
    wrk "${wrk_args[@]}" "http://127.0.0.1:${port_of[$name]}/" >"$work/warmup-round$r-$name.txt"
  done
done

declare -A rps p99 errs steal
reruns=0
for ((r = 1; r <= ROUNDS; r++)); do
  # Rotate the order each round: 1: lintas nginx haproxy, 2: nginx haproxy lintas, 3: haproxy lintas nginx, ...
  order=()
  for ((i = 0; i < 3; i++)); do
    order+=("${names[$(((r - 1 + i) % 3))]}")
  done
  for name in "${order[@]}"; do
    out="$work/round$r-$name.txt"
    log "round $r/$ROUNDS: $name"
    before=$(cpu_jiffies)
    wrk "${wrk_args[@]}" "http://127.0.0.1:${port_of[$name]}/" >"$out"
    steal[$name,$r]=$(steal_pct "$before" "$(cpu_jiffies)")
    kill -0 "$(pid_of "$name")" 2>/dev/null \
      || { cat "$out" >&2; tail -n 30 "$work/$name.log" >&2; die "$name died during round $r"; }
    rps[$name,$r]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p99[$name,$r]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    # Errors: non-2xx/3xx responses plus socket errors (connect, read, write, timeout).
    errs[$name,$r]=$(awk '/Non-2xx or 3xx responses:/ {n += $NF}
      /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
    [ -n "${rps[$name,$r]}" ] && [ -n "${p99[$name,$r]}" ] || { cat "$out" >&2; die "could not parse wrk output"; }
    if [ "${errs[$name,$r]}" != 0 ]; then
      log "warning: $name had ${errs[$name,$r]} error(s) in round $r; wrk said:"
      sed 's/^/    /' "$out" >&2
    fi
  done
  worst=$(for name in "${names[@]}"; do echo "${steal[$name,$r]}"; done | sort -g | tail -n 1)
  if awk -v w="$worst" -v m="$MAX_STEAL" 'BEGIN { exit !(w > m) }'; then
    if [ "$reruns" -lt "$ROUNDS" ]; then
      reruns=$((reruns + 1))
      log "round $r: the host took ${worst}% of the CPU time (steal) during one of its runs, over MAX_STEAL=$MAX_STEAL; running the round again ($reruns of at most $ROUNDS re-runs)"
      r=$((r - 1))
      continue
    fi
    log "round $r: steal ${worst}% is over MAX_STEAL=$MAX_STEAL, but the $ROUNDS re-runs are used up; the round stands"
  fi
done

# ---------------------------------------------------------------------------------------------------------------
# 6. Report.
# ---------------------------------------------------------------------------------------------------------------
lintas_loops=$(grep -o '[0-9]* event loop(s)' "$work/lintas.log" | head -1 || true)
# nginx workers are the proxy master's children; HAProxy's and the JVM's threads are in /proc.
nginx_workers=$( (grep -l "^PPid:[[:space:]]*$(pid_of nginx)\$" /proc/[0-9]*/status 2>/dev/null || true) | wc -l)
haproxy_threads=$(awk '/^Threads:/ {print $2}' "/proc/$(pid_of haproxy)/status" 2>/dev/null || echo "?")

echo
echo "== Lintas gateway vs nginx vs HAProxy (reverse proxy to one nginx backend, GET / -> 6 bytes) =="
echo "date:      $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine:   nproc=$(nproc), $(uname -srm), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lintas:    $lintas_version (${lintas_loops:-? event loops}), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "java:      $java_version ($JAVA_HOME)"
echo "nginx:     $(nginx -v 2>&1 | sed 's/^nginx version: //') ($nginx_workers proxy workers)"
echo "haproxy:   $(haproxy -v | head -1) ($haproxy_threads threads)"
echo "wrk:       $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}' || true)"
echo "script:    DURATION=$DURATION ROUNDS=$ROUNDS CONNECTIONS=$CONNECTIONS THREADS=$THREADS WARMUP=$WARMUP WARMUP_ROUNDS=$WARMUP_ROUNDS PORT_BASE=$PORT_BASE FORWARDED=$FORWARDED $0"
echo "headers:   Lintas adds X-Forwarded-For/-Proto/-Host, Forwarded and Via to every request; nginx and HAProxy $( [ "$FORWARDED" = 1 ] && echo 'are configured to add the same' || echo 'add none of them (FORWARDED=0: less work than Lintas)')"
echo "wrk cmd:   wrk ${wrk_args[*]} http://127.0.0.1:PORT/   (lintas $LINTAS_PORT, nginx $NGINX_PORT, haproxy $HAPROXY_PORT; backend $BACKEND_PORT)"
echo "order:     rounds alternate the targets, rotating the order each round; warm-up ${WARMUP}s each, then $WARMUP_ROUNDS unmeasured rounds"
echo

# Per-round columns, then the medians.
header=$(printf '%-8s' target)
for ((r = 1; r <= ROUNDS; r++)); do header+=$(printf ' | %10s %9s' "r$r req/s" "r$r p99ms"); done
header+=$(printf ' | %10s %9s | %6s' 'med req/s' 'med p99ms' errors)
echo "$header"
echo "$header" | tr -c '|\n' '-'
declare -A med_rps med_p99
for name in "${names[@]}"; do
  line=$(printf '%-8s' "$name")
  rs=() ps=() e=0
  for ((r = 1; r <= ROUNDS; r++)); do
    line+=$(printf ' | %10.0f %9.2f' "${rps[$name,$r]}" "${p99[$name,$r]}")
    rs+=("${rps[$name,$r]}")
    ps+=("${p99[$name,$r]}")
    e=$((e + ${errs[$name,$r]}))
  done
  med_rps[$name]=$(median "${rs[@]}")
  med_p99[$name]=$(median "${ps[@]}")
  line+=$(printf ' | %10.0f %9.2f | %6d' "${med_rps[$name]}" "${med_p99[$name]}" "$e")
  echo "$line"
done
echo

compare() {   # $1 = the other target's name, $2 = its label
  printf 'Lintas / %-8s median req/s %s x (%.0f vs %.0f), median p99 %s x (%.2f ms vs %.2f ms)\n' "$2" \
    "$(ratio "${med_rps[lintas]}" "${med_rps[$1]}")" "${med_rps[lintas]}" "${med_rps[$1]}" \
    "$(ratio "${med_p99[lintas]}" "${med_p99[$1]}")" "${med_p99[lintas]}" "${med_p99[$1]}"
}
printf '%-8s' "steal %"
for ((r = 1; r <= ROUNDS; r++)); do
  printf ' | %s' "$(for name in "${names[@]}"; do printf '%s:%s ' "${name:0:1}" "${steal[$name,$r]}"; done)"
done
echo
echo "(steal: the share of CPU time the host took during each run, l/n/h = lintas/nginx/haproxy; $reruns round(s) run again for steal over ${MAX_STEAL}%)"
echo

compare nginx nginx
compare haproxy HAProxy
echo "(req/s: higher is better; p99 ratio: lower is better. wrk, the backend and the proxy share the machine's cores.)"

# Anything Lintas warned about during the run (its log is otherwise only start and stop lines).
if grep -qE ' (WARN|ERROR) ' "$work/lintas.log"; then
  echo
  echo "Lintas logged warnings or errors during the run (first 20 lines; full log in $work/lintas.log):"
  grep -E ' (WARN|ERROR) ' "$work/lintas.log" | head -n 20
  KEEP=1
fi

ok=1
