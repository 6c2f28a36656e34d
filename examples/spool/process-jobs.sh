#!/bin/sh
# Started by spool.path when a file lands in the spool directory: processes every job there
# (here: counts its words) and moves it to done/, then exits. The path unit waits again once this
# service has ended, and runs it anew if new files came meanwhile — so done jobs go next to the
# spool directory, not into it (an entry left in it would trigger again, until the trigger limit).
set -eu
spool="$1"
finished="$spool.done"
mkdir -p "$finished"
for job in "$spool"/*; do
  [ -f "$job" ] || continue
  echo "processed $(basename "$job"): $(wc -w < "$job") words"
  mv "$job" "$finished/"
done
