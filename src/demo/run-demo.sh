#!/usr/bin/env bash
# The demo: builds the gateway, starts the demo backends (src/demo/DemoBackends.java, never part of the jar)
# on 127.0.0.1:9101-9122, then the gateway with the routes in routes/ on :8080. Ctrl-C stops both.
# Extra arguments go to the gateway, e.g. src/demo/run-demo.sh --port 9080
set -euo pipefail
cd "$(dirname "$0")/../.."

mvn -B -q package -DskipTests

java src/demo/DemoBackends.java &
backends=$!
trap 'kill "$backends" 2>/dev/null || true' EXIT INT TERM

# wait (at most 30 s) until the last demo backend accepts connections
for _ in $(seq 1 300); do
  if (exec 3<>/dev/tcp/127.0.0.1/9122) 2>/dev/null; then break; fi
  kill -0 "$backends" 2>/dev/null || { echo "demo backends failed to start" >&2; exit 1; }
  sleep 0.1
done

# the class-data archive the build wrote for this jar: start-up in about 1.2 s instead of 2 (src/bench/RESULTS.md)
java -XX:SharedArchiveFile=target/camel-gateway.jsa -jar target/camel-gateway.jar "$@"
