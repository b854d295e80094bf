#!/usr/bin/env bash
# Installs what the tests need (Dovecot, Chromium), builds, runs every test and prints
# "Tests: N passed, N failed, N skipped". Exits non-zero on any failure or when no test ran.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-test-dependencies.sh
dotnet tool restore
dotnet restore PrivateMail.sln
dotnet build PrivateMail.sln -c Release --no-restore

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test PrivateMail.sln -c Release --no-build \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" || status=$?

scripts/summarise-trx.sh "$results" || status=1
exit "$status"
