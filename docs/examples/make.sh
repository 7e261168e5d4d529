#!/usr/bin/env bash
# Regenerates the example race reports in this directory with the command line (after mvn -DskipTests package):
# R1 (fault vs fault on one SPTE, mut-no-old-spte-refresh), R7 (the seed mail's A/B/C failable notifier) and R5
# (the README's worked race), each explored, minimized, drawn as text and HTML; and a screenshot of the R5 page in
# headless Chromium with its first racing step opened.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
race() { # id scenario option
  "$root/tdxsim" explore --scenario "$2" --option "$3" --strategy pct --workers 1 --out "$tmp/$1" >/dev/null || [ $? -eq 1 ]
  local t="$tmp/$1/explore-$2-pct-seed1-violation"
  "$root/tdxsim" minimize "$t.json" --out "$tmp/$1.json" >/dev/null
  cp "$tmp/$1.json" "$1.trace.json"
  "$root/tdxsim" report "$1.trace.json" --html "$1.html" | grep -v '^html: ' >"$1.txt"
}
race r1 race-r1 mut-no-old-spte-refresh
race r7 race-r7 failable-notifier
race r5 race-r5 mut-no-retry-check
step=$(grep -o 'class="step racing" id="step-[0-9]*"' r5.html | head -1 | grep -o '[0-9]*"$' | tr -d '"')
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1800,1150 \
  --screenshot="$PWD/r5.png" "file://$PWD/r5.html#step-$step" 2>/dev/null
