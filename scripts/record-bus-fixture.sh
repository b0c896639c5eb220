#!/usr/bin/env bash
# Records ui/src/fake/bus.json: answers of the real client core (the `congdan` CLI, --json)
# on the demo bus network, for the fake backend the browser tests and UI work use.
# Usage: scripts/record-bus-fixture.sh PROFILE_DB
#   PROFILE_DB: a `congdan` profile whose home unit is in province 79 and that has synced
#   from a server seeded with data/demo (make run's server, or `congdan-server seed`).
set -euo pipefail
db=${1:?profile database}
c() { target/debug/congdan --db "$db" "$@"; }
at=2025-12-01T07:30
out=ui/src/fake/bus.json
{
  echo '{'
  echo '"recordedAt": "'"$at"'",'
  echo '"status":'; c bus status --json; echo ','
  echo '"stops": {'
  first=1
  for q in "ben thanh" "cho lon" "Hải Thượng Lãn Ông" "hai thuong lan ong"; do
    [ $first = 1 ] || echo ','; first=0
    printf '"%s":' "$q"; c bus stops "$q" --json
  done
  echo '},'
  echo '"near":'; c bus near 10.7725 106.698 --limit 8 --json; echo ','
  echo '"departures": {'
  first=1
  for s in 81 118 138 8; do
    [ $first = 1 ] || echo ','; first=0
    printf '"%s":' "$s"; c bus departures "$s" --at "$at" --limit 12 --json
  done
  echo '},'
  echo '"routes": {'
  first=1
  for r in 1 76; do
    [ $first = 1 ] || echo ','; first=0
    printf '"%s":' "$r"; c bus route "$r" --at "$at" --json
  done
  echo '},'
  echo '"journeys": {'
  printf '"81>138":'; c bus journey 81 138 --at "$at" --json; echo ','
  printf '"81>8":'; c bus journey 81 8 --at "$at" --json; echo ','
  # "Vị trí của tôi" in the browser tests is 10.7725, 106.698 (ui/e2e/run.mjs), as the UI writes it.
  printf '"geo:10.772500,106.698000>138":'; c bus journey geo:10.772500,106.698000 138 --at "$at" --json
  echo '}'
  echo '}'
} > "$out.tmp"
python3 -m json.tool --indent 1 "$out.tmp" > "$out"
rm "$out.tmp"
echo "wrote $out ($(wc -c < "$out") bytes)"
