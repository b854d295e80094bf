#!/usr/bin/env bash
# The scanner benchmark: builds Release, starts its own Dovecot (mail on /dev/shm when there is one), loads generated
# mail with MULTIAPPEND and measures the bare MailKit limit, the scanner end to end, bind cost and latency.
#   bench/run.sh            full run: 1,000 / 10,000 / 50,000 messages × 100 / 100,000 contacts, 3 runs each (~15 min)
#   bench/run.sh --quick    smoke run: 1,000 messages, 10 latency probes (~1-2 min); writes only bench/results/
#   bench/run.sh --hold     set up (Dovecot, corpus, templates), print the worker command lines, wait: for profiling
#   bench/run.sh nodes --nodes 2 --mailboxes 20 --per-mailbox 500   several app processes on a private PostgreSQL sharing the mailboxes by lease; prints a README row
# Other options go to the harness: --sizes 1000,10000 --contacts 100,100000 --repeat 3 --batch 100 --latency 50
# --interval 1 --work-dir DIR --no-readme. A full run rewrites bench/RESULTS.md and the README's results section.
# Needs root (Dovecot drops privileges to nobody) and Dovecot (scripts/install-test-dependencies.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || scripts/install-test-dependencies.sh
dotnet restore bench/PrivateMail.Benchmarks/PrivateMail.Benchmarks.csproj
dotnet build bench/PrivateMail.Benchmarks/PrivateMail.Benchmarks.csproj -c Release --no-restore
exec dotnet bench/PrivateMail.Benchmarks/bin/Release/net10.0/PrivateMail.Benchmarks.dll --repo "$(pwd)" "$@"
