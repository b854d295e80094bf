#!/usr/bin/env bash
# Prints "Tests: N passed, N failed, N skipped" from the TRX files under $1;
# exits non-zero when a test failed or none ran.
set -euo pipefail
dir="$1"
passed=0 failed=0 skipped=0
shopt -s nullglob globstar
for trx in "$dir"/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # A skipped test is counted in total but not in executed (vstest leaves notExecuted at 0 for xunit skips).
  skipped=$((skipped + $(get total) - $(get executed)))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
