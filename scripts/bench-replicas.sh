#!/usr/bin/env bash
# Replica figures of docs/BENCHMARKS.md (issue 11): wrk through nginx against one,
# then two release congdan-server processes on one PostgreSQL database (a throwaway
# cluster in a temp dir, durable settings), for cached content (200 and 304) and
# Open311 POSTs, then 500 connections of POSTs with the rows counted afterwards.
# Usage: scripts/bench-replicas.sh [SECONDS per run, default 10]   (make bench-replicas)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
SERVER=${SERVER:-target/release/congdan-server}
[ -x "$SERVER" ] || { echo "build it first: cargo build --release -p congdan-server"; exit 1; }
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
for tool in wrk nginx "$PG_BIN/postgres"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt install wrk nginx postgresql)"; exit 1; }
done

DIR=$(mktemp -d)
chmod 755 "$DIR"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: run it as the `postgres` user when we are root.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DIR"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$PG_BIN/initdb" -D "$DIR/pg" -U congdan --auth=trust -E UTF8 --no-locale >/dev/null
"${as_pg[@]}" "$PG_BIN/postgres" -D "$DIR/pg" -c listen_addresses= \
  -c "unix_socket_directories=$DIR" -c max_connections=100 >"$DIR/pg.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do grep -q 'ready to accept connections' "$DIR/pg.log" && break; sleep 0.1; done
DB="postgres://congdan@${DIR//\//%2F}/postgres"

"$SERVER" seed --demo --db "$DIR/seed.db" data/demo >/dev/null
"$SERVER" copy --from "$DIR/seed.db" --to "$DB" >/dev/null
requests() { "${as_pg[@]}" "$PG_BIN/psql" -h "$DIR" -U congdan -d postgres -tAc 'SELECT count(*) FROM requests'; }
before=$(requests)

NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$NGINX_PORT"
# start_server N: a replica on the database, with the balancer's address as its
# public URL (as deployed: absolute links agree whichever replica answers); its
# address in $DIR/server-N.addr.
start_server() {
  "$SERVER" serve --db "$DB" --listen 127.0.0.1:0 --public-url "$BASE" >"$DIR/server-$1.out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^listening on ' "$DIR/server-$1.out" && break; sleep 0.1; done
  sed -n 's/^listening on //p' "$DIR/server-$1.out" >"$DIR/server-$1.addr"
}

# balance ADDR...: (re)start nginx round-robin over the replicas; its URL in $BASE.
nginx_pid=""
balance() {
  [ -n "$nginx_pid" ] && { kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; }
  local servers=""
  for a in "$@"; do servers="$servers server $a;"; done
  mkdir -p "$DIR/tmp"
  cat >"$DIR/nginx.conf" <<EOF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
daemon off;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;
  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  upstream replicas { $servers keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
    }
  }
}
EOF
  nginx -c "$DIR/nginx.conf" 2>"$DIR/nginx.stderr" &
  nginx_pid=$!
  pids+=($nginx_pid)
  for _ in $(seq 100); do curl -sf "$BASE/api/v1/health" -o /dev/null && break; sleep 0.1; done
}

LIST="/api/v1/news?unit=00004&limit=100"
cat >"$DIR/post.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=congdan-demo-key&service_code=chieu-sang-cong-cong&description=C%E1%BB%99t+%C4%91%C3%A8n+kh%C3%B4ng+s%C3%A1ng&lat=21.0341&long=105.8372&attribute%5Btinh_trang%5D=khong-sang"
EOF

# run WHAT CONNECTIONS wrk-args...: one row "| what | conns | req/s | p99 | errors |".
run() {
  local what=$1 conns=$2; shift 2
  local out rps p99 non2xx sock
  out=$(wrk -t2 -c"$conns" -d"${SECS}s" --latency "$@")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$out")
  sock=$(awk '/Socket errors/ {print $0}' <<<"$out" | sed 's/^ *Socket errors: //')
  printf '| %s | %s | %s | %s | %s |\n' "$what" "$conns" "$rps" "$p99" "${non2xx:-0} non-2xx/3xx${sock:+; $sock}"
  if [[ "$what" == *POST* ]]; then awk '/requests in/ {print $1}' <<<"$out" >>"$DIR/posted"; fi
}

start_server 1
start_server 2
echo "| what | connections | requests/s | p99 | errors |"
echo "|---|---|---|---|---|"
for n in 1 2; do
  if [ "$n" = 1 ]; then balance "$(cat "$DIR/server-1.addr")"; else
    balance "$(cat "$DIR/server-1.addr")" "$(cat "$DIR/server-2.addr")"; fi
  ETAG=$(curl -sfI "$BASE$LIST" | tr -d '\r' | sed -n 's/^etag: //Ip')
  run "$n replica(s): $LIST (200)" 50 "$BASE$LIST"
  run "$n replica(s): $LIST (304)" 50 -H "If-None-Match: $ETAG" "$BASE$LIST"
  run "$n replica(s): Open311 POST" 50 -s "$DIR/post.lua" "$BASE/open311/v2/requests.json"
done
run "2 replica(s): Open311 POST" 500 -s "$DIR/post.lua" "$BASE/open311/v2/requests.json"

# No lost write: every POST answered is a row (rows may exceed answers by the requests
# in flight when wrk stopped, at most the connections of the POST runs).
answered=$(awk '{s += $1} END {print s}' "$DIR/posted")
rows=$(( $(requests) - before ))
echo
echo "Open311 POSTs answered: $answered; request rows in the database: $rows"
if [ "$rows" -lt "$answered" ] || [ "$rows" -gt $((answered + 600)) ]; then
  echo "MISMATCH: a write was lost or doubled"
  exit 1
fi
