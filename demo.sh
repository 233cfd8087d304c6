#!/usr/bin/env bash
# SyncHub in one command: builds the chat WAR and starts two server instances on 127.0.0.1 that share a backplane,
# prints their URLs, and stops both on Ctrl-C (or SIGTERM). Needs only a JDK 17+ and Maven.
#
#   ./demo.sh                 host driver (Unix sockets, no server needed), on WildFly
#   ./demo.sh redis           Redis: $SYNCHUB_REDIS_URL if set, else a private redis-server on a free port
#   ./demo.sh pgsql           PostgreSQL: $SYNCHUB_PGSQL_URL (+ _USER, _PASSWORD) if set, else a private server
#   ./demo.sh --payara ...    Payara Micro instead of WildFly
#   ./demo.sh --war FILE ...  your own WAR (with SyncHub in WEB-INF/lib) instead of the chat, at /<file name>/
#
#
# WildFly runs standalone-microprofile.xml plus the micrometer subsystem: each instance shows the hub's health at
# /health/ready and its meters at /prometheus on its management port (Payara: /health/ready, /metrics on HTTP).
# The demo says "running" once both hubs relay, and at once when a backplane is not subscribed yet.
# The same choices as environment variables: DEMO_DRIVER=host|redis|pgsql, DEMO_SERVER=wildfly|payara,
# DEMO_WAR=FILE; DEMO_SKIP_BUILD=1 reuses the last build instead of running Maven (what the tests do).
# Every SYNCHUB_* variable you export reaches both instances; the demo adds only what is missing (SYNCHUB_DRIVER,
# SYNCHUB_CHANNEL=demo, the backplane's address) and prints which settings are yours and which are its own.
# If an instance fails to deploy, the demo prints why in one line, stops, and exits with status 1.
set -euo pipefail
cd "$(dirname "$0")"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
fail_usage() {
  echo "demo.sh: $1" >&2
  echo >&2
  usage >&2
  exit 2
}
one_of() { # one_of VALUE CHOICE... : whether VALUE is one of the choices
  local value=$1; shift
  for choice in "$@"; do [ "$value" = "$choice" ] && return 0; done
  return 1
}

driver=${DEMO_DRIVER:-}
server=${DEMO_SERVER:-wildfly}
war=${DEMO_WAR:-}
one_of "$server" wildfly payara || fail_usage "DEMO_SERVER='$server' is not a server: use wildfly or payara"
if [ -n "$driver" ]; then
  one_of "$driver" host redis pgsql || fail_usage "DEMO_DRIVER='$driver' is not a backplane: use host, redis or pgsql"
fi
while [ $# -gt 0 ]; do
  arg=$1; shift
  case "$arg" in
    --war) [ $# -gt 0 ] || fail_usage "--war needs a file: --war target/my-app.war"; war=$1; shift ;;
    --war=*) war=${arg#--war=} ;;
    host|redis|pgsql) driver=$arg ;;
    --payara|payara) server=payara ;;
    --wildfly|wildfly) server=wildfly ;;
    -h|--help) usage; exit 0 ;;
    *) fail_usage "unknown option '$arg'" ;;
  esac
done
if [ -n "${SYNCHUB_DRIVER:-}" ]; then
  exported=$(echo "$SYNCHUB_DRIVER" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')
  one_of "$exported" host redis pgsql \
    || fail_usage "SYNCHUB_DRIVER='$SYNCHUB_DRIVER' is exported, but the demo runs only host, redis or pgsql: unset it or change it"
  if [ -n "$driver" ] && [ "$driver" != "$exported" ]; then
    fail_usage "SYNCHUB_DRIVER=$SYNCHUB_DRIVER is exported but the demo was asked for '$driver': unset one of them"
  fi
  driver=$exported
fi
driver=${driver:-host}
if [ -n "$war" ]; then
  case "$war" in *.war) ;; *) fail_usage "--war $war: not a .war file" ;; esac
  [ -f "$war" ] || fail_usage "--war $war: no such file"
  war=$(cd "$(dirname "$war")" && pwd)/$(basename "$war")
fi

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "demo.sh: '$tool' is not on PATH: install a JDK 17+ and Maven" >&2; exit 1; }
done

target=example-war/target
build_log=$target/demo-build.log
mkdir -p "$target"
if [ "$server" = payara ]; then have_server=$(ls "$target"/payara-micro.jar 2>/dev/null || true)
else have_server=$(ls -d "$target"/wildfly-*/ 2>/dev/null || true); fi
if [ "${DEMO_SKIP_BUILD:-}" = 1 ] && [ -f "$target/demo.classpath" ] && [ -n "$have_server" ]; then
  echo "Using the last build of the demo (DEMO_SKIP_BUILD=1)."
else
  if [ -n "$have_server" ]; then
    echo "Building the chat WAR and the demo launcher (log: $build_log)..."
  else
    echo "Building the chat WAR and preparing $server (this first run downloads it from Maven Central; log: $build_log)..."
  fi
  # Maven's own colour codes are not wanted in a log or a pipe: batch mode, no colour, and the output kept in a file.
  if ! mvn -q -B -Dstyle.color=never -pl example-war -am package -DskipTests >"$build_log" 2>&1; then
    sed -i 's/\x1b\[[0-9;]*m//g' "$build_log"
    echo "demo.sh: the build failed; its last lines:" >&2
    grep -v '^\s*$' "$build_log" | tail -n 25 >&2
    echo "demo.sh: full build log: $build_log" >&2
    exit 1
  fi
fi

# The demo launcher runs in a plain JVM (not inside Maven), so its output and exit status are its own; it handles
# Ctrl-C and SIGTERM itself (stopping both instances, then printing "Demo stopped.").
classpath="$target/test-classes:$target/classes:$(cat "$target/demo.classpath")"
exec java -cp "$classpath" -Ddemo.driver="$driver" -Ddemo.server="$server" -Ddemo.war="$war" \
  org.synchub.example.servers.Demo
