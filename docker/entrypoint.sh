#!/bin/sh
# Starts the gateway in the container. Arguments are passed to the gateway, so
#   docker run camel-gateway --validate /deployments/routes
# checks a routes folder and exits, and no arguments starts the gateway on $GATEWAY_ROUTES.
#
# `exec` replaces this shell with the JVM: java becomes PID 1 and receives the SIGTERM that Docker and
# Kubernetes send on stop, so the gateway's graceful drain runs (a shell in between would swallow it and
# the container would be killed after the grace period).
#
# Environment:
#   JAVA_OPTS         JVM options; the image sets -XX:AOTCache=/deployments/camel-gateway.aot
#                     -XX:MaxRAMPercentage=75 -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError
#                     --sun-misc-unsafe-memory-access=allow.
#                     Setting it replaces those defaults, so repeat them if you still want them.
#   JAVA_OPTS_APPEND  JVM options added after JAVA_OPTS (e.g. -Dgateway.max-body-size=1048576).
#   JMX_PORT          when set, remote JMX on this one port (registry and RMI server share it, so one
#                     `kubectl port-forward pod/NAME 9010:9010` or `docker run -p 9010:9010` is enough).
#   JMX_HOSTNAME      the address JMX clients are told to connect back to; default 127.0.0.1, which is
#                     right for a port-forward or a published port on the local machine.
#   GATEWAY_JAR       the jar to run; default /deployments/camel-gateway.jar.
set -eu
# JAVA_OPTS is split into words on purpose; no glob expansion of its contents
set -f

JMX_OPTS=""
if [ -n "${JMX_PORT:-}" ]; then
    # WARNING: no authentication and no TLS. Anyone who reaches this port can stop routes and call any
    # MBean. The JVM only accepts connections from the container's own interfaces (jmxremote.local.only
    # is true by default), which a port-forward satisfies. In production enable authentication and TLS:
    # -Dcom.sun.management.jmxremote.authenticate=true with password and access files, and
    # -Dcom.sun.management.jmxremote.ssl=true, e.g. through JAVA_OPTS_APPEND (later options win).
    JMX_OPTS="-Dcom.sun.management.jmxremote.port=${JMX_PORT}"
    JMX_OPTS="${JMX_OPTS} -Dcom.sun.management.jmxremote.rmi.port=${JMX_PORT}"
    JMX_OPTS="${JMX_OPTS} -Dcom.sun.management.jmxremote.authenticate=false"
    JMX_OPTS="${JMX_OPTS} -Dcom.sun.management.jmxremote.ssl=false"
    JMX_OPTS="${JMX_OPTS} -Djava.rmi.server.hostname=${JMX_HOSTNAME:-127.0.0.1}"
fi

# shellcheck disable=SC2086 # word splitting of the option variables is intended
exec java ${JAVA_OPTS:-} ${JMX_OPTS} ${JAVA_OPTS_APPEND:-} -jar "${GATEWAY_JAR:-/deployments/camel-gateway.jar}" "$@"
