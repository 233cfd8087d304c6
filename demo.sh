#!/usr/bin/env bash
# SyncHub in one command: builds the chat WAR and starts two server instances on 127.0.0.1 that share a backplane,
# prints their URLs, and stops both on Ctrl-C. Needs only a JDK 17+ and Maven.
#
#   ./demo.sh                 host driver (Unix sockets, no server needed), on WildFly
#   ./demo.sh redis           Redis: $SYNCHUB_REDIS_URL if set, else a private redis-server on a free port
#   ./demo.sh pgsql           PostgreSQL: $SYNCHUB_PGSQL_URL (+ _USER, _PASSWORD) if set, else a private server
#   ./demo.sh --payara ...    Payara Micro instead of WildFly
#
# The same choices as environment variables: DEMO_DRIVER=host|redis|pgsql, DEMO_SERVER=wildfly|payara.
set -euo pipefail
cd "$(dirname "$0")"

driver=${DEMO_DRIVER:-host}
server=${DEMO_SERVER:-wildfly}
for arg in "$@"; do
  case "$arg" in
    host|redis|pgsql) driver=$arg ;;
    --payara|payara) server=payara ;;
    --wildfly|wildfly) server=wildfly ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

echo "Building the chat WAR and preparing $server (the first run downloads the server from Maven Central)..."
exec mvn -q -Dstyle.color=never -pl example-war -am package exec:java -DskipTests -Ddemo.driver="$driver" -Ddemo.server="$server"
