#!/usr/bin/env bash
# Load figures of docs/BENCHMARKS.md ("Load", issue 12): wrk against the release
# congdan-server on loopback (a content list answered 200 and 304, a procedure by code,
# Open311 POSTs) beside nginx serving the same JSON as a static file in the same run,
# then 200 connections of Open311 POSTs, counting the rows written afterwards.
# Usage: scripts/bench-load.sh [SECONDS per run, default 10]   (make bench-load)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || {
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
  }
done
SERVER=target/release/congdan-server
[ -x "$SERVER" ] || { echo "build it first: cargo build --release -p congdan-server"; exit 1; }

DIR=$(mktemp -d)
# nginx workers run as an unprivileged user: they must be able to read the file.
chmod 755 "$DIR"
server_pid=""; nginx_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'echo "failed at line $LINENO" >&2; cat "$DIR"/nginx.err "$DIR"/nginx.stderr 2>/dev/null >&2' ERR

"$SERVER" seed --demo --db "$DIR/server.db" data/demo >/dev/null
"$SERVER" serve --db "$DIR/server.db" --listen 127.0.0.1:0 >"$DIR/server.out" 2>/dev/null &
server_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$DIR/server.out" && break; sleep 0.1; done
ADDR=$(sed -n 's/^listening on //p' "$DIR/server.out")
API="http://$ADDR"

LIST="/api/v1/news?unit=00004&limit=100"
mkdir -p "$DIR/www"
curl -sf "$API$LIST" -o "$DIR/www/news.json"
ETAG=$(curl -sfI "$API$LIST" | tr -d '\r' | sed -n 's/^etag: //Ip')
CODE=$(curl -sf "$API/api/v1/procedures?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["code"])')

NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$DIR/nginx.conf" <<EOF
worker_processes auto;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;
  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $DIR/www; etag on; }
}
EOF
mkdir -p "$DIR/tmp"
nginx -c "$DIR/nginx.conf" 2>"$DIR/nginx.stderr" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NGINX_PORT/news.json" -o /dev/null && break; sleep 0.1; done
NGINX_ETAG=$(curl -sfI "http://127.0.0.1:$NGINX_PORT/news.json" | tr -d '\r' | sed -n 's/^etag: //Ip')

cat >"$DIR/post.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=congdan-demo-key&service_code=chieu-sang-cong-cong&description=C%E1%BB%99t+%C4%91%C3%A8n+kh%C3%B4ng+s%C3%A1ng&lat=21.0341&long=105.8372&attribute%5Btinh_trang%5D=khong-sang"
EOF

# One wrk run; prints "| what | connections | requests/s | p99 | errors |".
run() {
  local what=$1 conns=$2; shift 2
  local out
  out=$(wrk -t2 -c"$conns" -d"${SECS}s" --latency "$@")
  local rps p99 non2xx sock
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$out")
  sock=$(awk '/Socket errors/ {print $0}' <<<"$out" | sed 's/^ *Socket errors: //')
  printf '| %s | %s | %s | %s | %s |\n' "$what" "$conns" "$rps" "$p99" "${non2xx:-0} non-2xx/3xx${sock:+; $sock}"
  if [ "$what" = "POST" ] || [[ "$what" == Open311* ]]; then
    awk '/requests in/ {print $1}' <<<"$out" >>"$DIR/posted"
  fi
}

echo "| what | connections | requests/s | p99 | errors |"
echo "|---|---|---|---|---|"
run "nginx: news.json (200)" 50 "http://127.0.0.1:$NGINX_PORT/news.json"
run "server: $LIST (200, uncompressed)" 50 "$API$LIST"
run "server: $LIST (200, zstd)" 50 -H "Accept-Encoding: zstd" "$API$LIST"
run "nginx: news.json (304)" 50 -H "If-None-Match: $NGINX_ETAG" "http://127.0.0.1:$NGINX_PORT/news.json"
run "server: $LIST (304)" 50 -H "If-None-Match: $ETAG" "$API$LIST"
run "server: /api/v1/procedures/$CODE" 50 "$API/api/v1/procedures/$CODE"
run "Open311 POST requests.json" 50 -s "$DIR/post.lua" "$API/open311/v2/requests.json"
run "Open311 POST requests.json" 200 -s "$DIR/post.lua" "$API/open311/v2/requests.json"

# No lost write: every POST wrk read a 201 for is a row. wrk stops with up to one
# request per connection in flight, which the server may still have committed, so
# rows may exceed the answers by at most the connections of the two POST runs.
answered=$(awk '{s += $1} END {print s}' "$DIR/posted")
rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM requests').fetchone()[0])" "$DIR/server.db")
echo
echo "Open311 POSTs answered: $answered; request rows in the database: $rows"
if [ "$rows" -lt "$answered" ] || [ "$rows" -gt $((answered + 250)) ]; then
  echo "MISMATCH: a write was lost or doubled"
  exit 1
fi
