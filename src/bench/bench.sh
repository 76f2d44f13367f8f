#!/usr/bin/env bash
# The gateway's load test: the gateway jar and nginx as the reference reverse proxy, in front of the same
# backends, under the same wrk loads, in one run on this machine. Everything listens on 127.0.0.1 only.
#
#   src/bench/bench.sh           full run, 4-5 minutes: JVM warm-up until stable, then 3 rounds of 5 s loads
#   src/bench/bench.sh --smoke   about 15 s, no warm-up, one round of 1 s loads: for CI, fails if the gateway errs on
#                                the fast row
#
# Backends: nginx answering a fixed 7-byte body (two ports, for the weighted pool) and a 10 MiB static file,
# and src/bench/SlowBackend.java answering after SLOW_DELAY_MS. Each row is measured directly against the
# backend (the limit), then through nginx and through the gateway in alternating rounds (nginx, gateway, nginx,
# ...), so that a machine that slows down or speeds up during the run weighs on both alike; the table gives the
# median round of req/s, latency, CPU per request, the errors of all rounds and memory of each proxy.
#
# Environment: JAVA (default java), GATEWAY_JAVA_OPTS (JVM options of the gateway, split at spaces; they come
# after the script's own -D options, so e.g. -Dgateway.access-log=true overrides), GATEWAY_JAR (default
# target/camel-gateway.jar; a relative path is taken from the project root), NGINX (default nginx, then /usr/sbin/nginx), BENCH_PORT_BASE (first port tried,
# default 18400; ports in use are skipped), SLOW_DELAY_MS (default 50), BENCH_CDS=0 (start the gateway without a
# class-data archive), BENCH_KEEP=1 keeps the work folder
# (configs, logs, wrk reports), which is otherwise kept only when the run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

case "${1:-}" in
  "") smoke=false ;;
  --smoke) smoke=true ;;
  *) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
esac

JAVA=${JAVA:-java}
GATEWAY_JAR=${GATEWAY_JAR:-target/camel-gateway.jar}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
SLOW_DELAY_MS=${SLOW_DELAY_MS:-50}
read -ra gateway_opts <<<"${GATEWAY_JAVA_OPTS:-}"

# --- tools: checked, never installed; the fix for each is printed -----------------------------------------
missing=()
[[ -x $NGINX ]] || missing+=("nginx: apt-get install nginx-light   (or set NGINX=/path/to/nginx)")
command -v wrk >/dev/null || missing+=("wrk: apt-get install wrk")
command -v "$JAVA" >/dev/null || missing+=("java: a JDK 17+ (apt-get install openjdk-17-jdk-headless), or set JAVA")
[[ -f $GATEWAY_JAR ]] || missing+=("$GATEWAY_JAR: mvn -B -q package -DskipTests   (or set GATEWAY_JAR)")
if (( ${#missing[@]} )); then
  echo "bench.sh: missing tools; to get them, run:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi

# 1,000 client connections, as many backend connections and the JVMs' own files all count against one limit
hard=$(ulimit -Hn)
[[ $hard == unlimited ]] && hard=65536
if (( hard < 4096 )); then
  echo "bench.sh: the open-files hard limit is $hard; the 1,000-connection row needs 4096 (ulimit -Hn)" >&2
  exit 1
fi
ulimit -n $(( hard < 65536 ? hard : 65536 ))

# --- work folder and cleanup ----------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/camel-gateway-bench.XXXXXX")
# started as root, nginx workers run as an unprivileged user and must still read the 10 MiB file in here
chmod 755 "$work"
pids=()

alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

any_alive() {
  local p
  for p; do alive "$p" && return 0; done
  return 1
}

cleanup() {
  local rc=$? p all=()
  # a process already gone must not stop the cleanup of the others
  set +e
  # an nginx master's workers are listed too, so none outlives a master that has to be killed hard
  for p in "${pids[@]}"; do
    all+=("$p" $(pgrep -P "$p"))
  done
  (( ${#pids[@]} )) && kill -TERM "${pids[@]}" 2>/dev/null
  for _ in $(seq 1 100); do
    any_alive "${all[@]}" || break
    sleep 0.1
  done
  for p in "${all[@]}"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
  if (( rc == 0 )) && [[ ${BENCH_KEEP:-} != 1 ]]; then
    rm -rf "$work"
  else
    echo "bench.sh: configs, logs and wrk reports are in $work" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
# background processes of a script ignore Ctrl-C; exiting runs cleanup, which stops them by PID
trap 'exit 130' INT
trap 'exit 143' TERM

# --- ports: consecutive from BENCH_PORT_BASE, skipping any that already accept connections ------------------
next_port=${BENCH_PORT_BASE:-18400}
take_port() {
  while (: <"/dev/tcp/127.0.0.1/$next_port") 2>/dev/null; do next_port=$((next_port + 1)); done
  printf -v "$1" %d "$next_port"
  next_port=$((next_port + 1))
}
take_port fast_a_port
take_port fast_b_port
take_port slow_port
take_port nginx_port
take_port gateway_port
take_port management_port

# --- helpers --------------------------------------------------------------------------------------------------
# Status code of GET PATH on PORT, or nothing. Plain bash, so the script needs no curl.
http_status() {
  ( exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
    read -r -t 5 _ status _ <&3 && echo "$status" ) 2>/dev/null || true
}

# Waits (at most 60 s) for a 200 on PORT PATH; stops the run with the log's end if PID exits first.
wait_ok() {
  local port=$1 path=$2 pid=$3 name=$4 deadline=$((SECONDS + 60))
  until [[ $(http_status "$port" "$path") == 200 ]]; do
    if ! alive "$pid"; then
      echo "bench.sh: $name exited while starting; the end of $work/$name.log:" >&2
      tail -n 20 "$work/$name.log" >&2
      exit 1
    fi
    if (( SECONDS > deadline )); then
      echo "bench.sh: $name gave no 200 on 127.0.0.1:$port$path within 60 s" >&2
      exit 1
    fi
    sleep 0.02
  done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# CPU time (utime + stime, in clock ticks) of the given processes, all threads included.
cpu_ticks() {
  local p stat f total=0
  for p; do
    stat=$(<"/proc/$p/stat")
    read -ra f <<<"${stat##*) }"   # fields after "pid (comm) ": [11] utime, [12] stime
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# Percent of all CPUs busy over one second, whoever uses them (from the "cpu" line of /proc/stat).
machine_busy_pct() {
  local a b
  read -ra a < /proc/stat
  sleep 1
  read -ra b < /proc/stat
  # fields: user nice system idle iowait irq softirq steal; idle and iowait count as not busy
  local total=$(( b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8] - (a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]+a[8]) ))
  local idle=$(( b[4]+b[5] - (a[4]+a[5]) ))
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

rss_kib() {
  local p total=0 kib
  for p; do
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")
    total=$((total + kib))
  done
  echo "$total"
}

# nginx's temp folders inside DIR: the packaged defaults (/var/lib/nginx/...) are not writable for a normal user,
# and the 10 MiB row's proxied bodies (buffered to temp files, nginx's default) stay in the work folder.
temp_paths() {
  local t
  for t in client_body proxy fastcgi uwsgi scgi; do printf '  %s_temp_path %s/%s_temp;\n' "$t" "$1" "$t"; done
}

# The start of every nginx.conf here, up to inside "http {": pid, logs and temp files in folder $1.
nginx_preamble() {
  cat <<EOF
daemon off;
worker_processes auto;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
$(temp_paths "$1")
  access_log off;
  keepalive_requests 1000000;
EOF
}

# --- backends -------------------------------------------------------------------------------------------------
# measured before anything starts: other work on the machine makes every row slower and the ratios noisy
busy_before=$(machine_busy_pct)
mkdir -p "$work/backend/www" "$work/proxy"
head -c $((10 * 1024 * 1024)) /dev/zero >"$work/backend/www/big"

# Every nginx here: in the foreground (so $! is the master), no access log (the gateway writes none either),
# keep-alive connections never retired by count (wrk's and the proxies' connections live for the whole load).
cat >"$work/backend/nginx.conf" <<EOF
$(nginx_preamble "$work/backend")
  default_type text/plain;
  sendfile on;
  # two fast backends, so the weighted pool's shares can be seen; /big is a 10 MiB static file
  server {
    listen 127.0.0.1:$fast_a_port backlog=4096;
    root $work/backend/www;
    location / { return 200 "fast-a\n"; }
    location = /big { }
  }
  server {
    listen 127.0.0.1:$fast_b_port backlog=4096;
    location / { return 200 "fast-b\n"; }
  }
}
EOF
"$NGINX" -p "$work/backend" -e "$work/backend/error.log" -c "$work/backend/nginx.conf" >"$work/backend.log" 2>&1 &
backend_pid=$!
pids+=("$backend_pid")

# the JDK compiles the source at launch; one thread with little garbage needs no more than a small serial heap
"$JAVA" -XX:+UseSerialGC -Xmx256m src/bench/SlowBackend.java "$slow_port" "$SLOW_DELAY_MS" >"$work/slow.log" 2>&1 &
slow_pid=$!
pids+=("$slow_pid")

wait_ok "$fast_a_port" /big "$backend_pid" backend
wait_ok "$fast_b_port" /fast "$backend_pid" backend
wait_ok "$slow_port" /slow "$slow_pid" slow

# --- the two proxies ------------------------------------------------------------------------------------------
# nginx as it is usually set up in front of services: HTTP/1.1 keep-alive to the upstreams, and the same
# forwarding headers the gateway adds (X-Forwarded-*, X-Request-Id), so both do the same work per request.
cat >"$work/proxy/nginx.conf" <<EOF
$(nginx_preamble "$work/proxy")
  upstream fast { server 127.0.0.1:$fast_a_port; keepalive 256; }
  upstream slow { server 127.0.0.1:$slow_port; keepalive 1024; }
  # the gateway's weightedLoadBalancer with distributionRatio 3,1 and roundRobin
  upstream weighted {
    server 127.0.0.1:$fast_a_port weight=3;
    server 127.0.0.1:$fast_b_port weight=1;
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_set_header X-Forwarded-Host \$host;
    proxy_set_header X-Forwarded-Port \$server_port;
    proxy_set_header X-Request-Id \$request_id;
    location /fast { proxy_pass http://fast; }
    location /slow { proxy_pass http://slow; }
    location /weighted { proxy_pass http://weighted; }
    location /big { proxy_pass http://fast; }
  }
}
EOF
start=$(now_ms)
"$NGINX" -p "$work/proxy" -e "$work/proxy/error.log" -c "$work/proxy/nginx.conf" >"$work/nginx.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
wait_ok "$nginx_port" /fast "$nginx_pid" nginx
nginx_start_ms=$(( $(now_ms) - start ))

# a copy, so a "mvn package" during the run cannot change the jar under the running JVM
cp "$GATEWAY_JAR" "$work/camel-gateway.jar"
jar_info="built $(date -r "$GATEWAY_JAR" '+%F %T'), sha256 $(sha256sum "$work/camel-gateway.jar" | cut -c1-12)"
# The class-data archive as the build writes it (pom.xml, class-data-archive: a training run), for the copy: an
# archive is bound to the jar's path. BENCH_CDS=0 measures start-up without one.
cds_opts=()
if [[ ${BENCH_CDS:-1} == 1 ]]; then
  "$JAVA" -XX:ArchiveClassesAtExit="$work/camel-gateway.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -jar "$work/camel-gateway.jar" --training-run >"$work/cds.log" 2>&1
  cds_opts=(-XX:SharedArchiveFile="$work/camel-gateway.jsa")
  jar_info+=", class-data archive"
fi
start=$(now_ms)
# The management port binds 0.0.0.0 by default; this run stays on loopback. The access log is off as nginx's
# is: the table compares proxying, not log writing. No load balancer is in front, so nothing to drain at the end.
"$JAVA" -Dgateway.management.host=127.0.0.1 -Dgateway.access-log=false -Dgateway.drain.grace-period=0 \
  -Dbench.fast.url="http://127.0.0.1:$fast_a_port" \
  -Dbench.fast2.url="http://127.0.0.1:$fast_b_port" \
  -Dbench.slow.url="http://127.0.0.1:$slow_port" \
  "${cds_opts[@]}" "${gateway_opts[@]}" -jar "$work/camel-gateway.jar" --routes src/bench/routes --port "$gateway_port" \
  --management-port "$management_port" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
wait_ok "$gateway_port" /fast "$gateway_pid" gateway
gateway_start_ms=$(( $(now_ms) - start ))

# --- loads ----------------------------------------------------------------------------------------------------
if $smoke; then duration=1s load_rounds=1; else duration=5s load_rounds=3; fi
# row: name, path, wrk options, port of the backend for the direct limit (empty: no direct run)
rows=(
  "fast c64|/fast|-t1 -c64|$fast_a_port"
  "slow ${SLOW_DELAY_MS}ms c1000|/slow|-t2 -c1000|$slow_port"
  "weighted 3:1 c64|/weighted|-t1 -c64|"
  "10 MiB c4|/big|-t1 -c4|$fast_a_port"
)
declare -A rps p50 p99 errors cpu rss
# each measured figure as one value per round, space-separated; the table shows the median
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# One wrk load on PORT PATH with OPTIONS for DURATION, its report appended to REPORT. Prints the totals of
# summary.lua's BENCH line ("requests=N duration_us=N ..."); stops the run if wrk fails.
run_wrk() {
  local report=$1 port=$2 path=$3 options=$4 duration=$5 out line
  # shellcheck disable=SC2086 # the options are words
  if ! out=$(wrk $options -d "$duration" --latency -s src/bench/summary.lua "http://127.0.0.1:$port$path" 2>&1) \
      || ! line=$(grep '^BENCH ' <<<"$out"); then
    echo "bench.sh: wrk failed on 127.0.0.1:$port$path:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$out" >>"$report"
  echo "${line#BENCH }"
}

# One measured load: req/s, latency and errors from wrk; CPU and RSS for a proxy (the direct limit has none).
measure() {
  local row=$1 proxy=$2 port=$3 path=$4 options=$5 key="$1|$2" totals procs=() before after
  case $proxy in
    nginx) procs=("$nginx_pid" $(pgrep -P "$nginx_pid")) ;;
    gateway) procs=("$gateway_pid") ;;
  esac
  (( ${#procs[@]} )) && before=$(cpu_ticks "${procs[@]}")
  totals=$(run_wrk "$work/wrk-${row//[^A-Za-z0-9]/_}-$proxy.txt" "$port" "$path" "$options" "$duration")
  # shellcheck disable=SC2086 # one local variable per word: requests, duration_us, p50_us, ...
  local $totals
  rps[$key]+=" $(awk -v n="$requests" -v us="$duration_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')"
  p50[$key]+=" $(awk -v us="$p50_us" 'BEGIN { printf "%.2f", us / 1000 }')"
  p99[$key]+=" $(awk -v us="$p99_us" 'BEGIN { printf "%.2f", us / 1000 }')"
  errors[$key]=$(( ${errors[$key]:-0} + status + connect + read + write + timeout))
  if (( ${#procs[@]} )); then
    after=$(cpu_ticks "${procs[@]}")
    cpu[$key]+=" $(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
      'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')"
    rss[$key]=$(awk -v k="$(rss_kib "${procs[@]}")" 'BEGIN { printf "%.0f", k / 1024 }')
  fi
  echo "  $row, $proxy: ${rps[$key]##* } req/s, p99 ${p99[$key]##* } ms, ${errors[$key]} errors so far" >&2
}

warmup="none (smoke)"
if ! $smoke; then
  # The gateway's JIT, thread pools and backend connection pools; not measured. Every path gets 5 s first, /slow
  # 15 s: by its row the pooled backend connections have been idle past the 60 s timeout (nginx's as well), so its
  # first round opens 1,000 at once, on code that had only run in the JVM's first seconds. After 5 s of /slow that
  # round read 0.85-0.87x nginx with twice the p99 of the next two; in a check outside the bench it was below
  # the later rounds after 5 s (8-10%), 3% after 15 s, 2% after 30 s, and level when the connections were pooled. On
  # 2 cores shared with the load the JIT then takes a minute or two to converge (the fast path went from 2k to
  # 12-17k req/s), and a fixed 10 s left the first row at a third of its speed. So /fast runs last, in 5 s rounds, for
  # at least 60 s and until four rounds in a row gain less than 5% on the best (at most 110 s).
  echo "warming up the gateway (85-135 s)..." >&2
  for warm in "/slow|-t2 -c1000|15s" "/weighted|-t1 -c64|5s" "/big|-t1 -c4|5s"; do
    IFS='|' read -r path options seconds <<<"$warm"
    run_wrk "$work/warmup.txt" "$gateway_port" "$path" "$options" "$seconds" >/dev/null
  done
  best=0 flat=0 rounds=0
  while (( rounds < 22 && (rounds < 12 || flat < 4) )); do
    totals=$(run_wrk "$work/warmup.txt" "$gateway_port" /fast "-t1 -c64" 5s)
    requests=${totals%% *}
    requests=${requests#requests=}
    if (( requests * 100 > best * 105 )); then best=$requests flat=0; else flat=$((flat + 1)); fi
    rounds=$((rounds + 1))
  done
  warmup="15 s on /slow, 5 s each on /weighted and /big, then $((rounds * 5)) s on /fast (best $((best / 5)) req/s)"
fi

echo "measuring ($load_rounds rounds of $duration per load)..." >&2
for r in "${rows[@]}"; do
  IFS='|' read -r row path options direct_port <<<"$r"
  $smoke || [[ -z $direct_port ]] || measure "$row" direct "$direct_port" "$path" "$options"
  for _ in $(seq 1 "$load_rounds"); do
    measure "$row" nginx "$nginx_port" "$path" "$options"
    measure "$row" gateway "$gateway_port" "$path" "$options"
  done
done
for key in "${!rps[@]}"; do
  rps[$key]=$(median "${rps[$key]}")
  p50[$key]=$(median "${p50[$key]}")
  p99[$key]=$(median "${p99[$key]}")
  [[ -z ${cpu[$key]:-} ]] || cpu[$key]=$(median "${cpu[$key]}")
done

# --- report ---------------------------------------------------------------------------------------------------
# again now that the loads are over (our processes idle): work that started during the run shows here
busy_after=$(machine_busy_pct)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

echo
echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "$("$JAVA" -version 2>&1 | head -n 1), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //')," \
  "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), Linux $(uname -r)"
echo "Gateway: $GATEWAY_JAR ($jar_info; checkout at $(git rev-parse --short HEAD 2>/dev/null || echo "no git"))," \
  "GATEWAY_JAVA_OPTS='${GATEWAY_JAVA_OPTS:-}'; loads: wrk -d$duration --latency, $load_rounds alternating rounds per proxy (median shown), mode $($smoke && echo smoke || echo full)"
echo "Start to first proxied 200: gateway $gateway_start_ms ms, nginx $nginx_start_ms ms"
echo "Gateway warm-up: $warmup"
echo "CPU busy with other work: $busy_before% before the run, $busy_after% after it"
if (( busy_before > 10 || busy_after > 10 )); then
  echo "WARNING: the machine was busy with other work; the numbers below are not comparable with a quiet run"
fi
echo
echo "| row | proxy | req/s | p50 ms | p99 ms | errors | CPU µs/req | RSS MiB | req/s gw/nginx | p99 gw/nginx | CPU gw/nginx |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  row=${r%%|*}
  for proxy in direct nginx gateway; do
    key="$row|$proxy"
    [[ -n ${rps[$key]:-} ]] || continue
    ratios=" | |"
    if [[ $proxy == gateway ]]; then
      n="$row|nginx"
      ratios="$(ratio "${rps[$key]}" "${rps[$n]}") | $(ratio "${p99[$key]}" "${p99[$n]}") | $(ratio "${cpu[$key]}" "${cpu[$n]}")"
    fi
    echo "| $row | $proxy | ${rps[$key]} | ${p50[$key]} | ${p99[$key]} | ${errors[$key]} |" \
      "${cpu[$key]:--} | ${rss[$key]:--} | $ratios |"
  done
done
echo
echo "req/s, p50, p99, CPU: the median of the rounds, each figure on its own; ratios are of those medians." \
  "errors: HTTP status >= 400 plus socket errors (connect, read, write, 2 s timeout) as wrk counts them, all rounds." \
  "CPU: utime+stime of the proxy's processes (nginx: master and workers) over the load, per request." \
  "RSS: after the load. direct: wrk straight to the backend, the limit of this machine."

# the gate CI relies on: the simplest proxied path must not fail
fast_errors=${errors["fast c64|gateway"]}
fast_rps=${rps["fast c64|gateway"]}
if (( fast_errors > 0 || fast_rps == 0 )); then
  echo "FAIL: the gateway answered $fast_errors errors ($fast_rps req/s) on the fast row" >&2
  exit 1
fi
