#!/usr/bin/env bash
# The scanner benchmark: publishes Release ReadyToRun (or builds, --jit), starts its own Dovecot (mail on /dev/shm when there is one), loads generated
# mail with MULTIAPPEND and measures the bare MailKit limit, the scanner end to end, bind cost and latency.
#   bench/run.sh            full run: 1,000 / 10,000 / 50,000 messages × 100 / 100,000 contacts, 3 runs each, cold and warm (~30-60 min)
#   bench/run.sh --quick    smoke run: 1,000 messages, cold and warm, 10 latency probes (~3-6 min); writes only bench/results/
#   bench/run.sh --hold     set up (Dovecot, corpus, templates), print the worker command lines, wait: for profiling
#   bench/run.sh nodes --nodes 2 --mailboxes 20 --per-mailbox 500   several app processes on a private PostgreSQL sharing the mailboxes by lease; prints a README row
#   bench/run.sh parse-phases --folder DIR --rounds 3   the parse stage's steps timed on message files (e.g. the held corpus' Maildir cur/)
#   bench/run.sh startup --variants "jit=DIR;r2r=DIR2,DOTNET_TieredCompilation=0" --repeat 5   published apps' start-up to the first 200
#   bench/baseline.sh --pairs 2   the issue's baseline commit (49b648d) re-measured beside the current code: how fast this machine is today
# Scanner and limit are measured cold (the first work of a fresh process) and warm (after a 10,000-message warm-up (1,000 with --quick) in the
# same process); --cold or --warm measures one of them, --warmup N sizes the warm-up. The code is ReadyToRun as the
# Dockerfile ships it; --jit runs the plain `dotnet build` output instead.
# Other options go to the harness: --sizes 1000,10000 --contacts 100,100000 --repeat 3 --batch 100 --latency 50
# --interval 1 --work-dir DIR --no-readme. A full run rewrites bench/RESULTS.md and the README's results section.
# Profiling switches (environment): PRIVATEMAIL_BENCH_VERBOSE=1 prints each worker's own report (JIT, allocations,
# collections, the stage table); PRIVATEMAIL_BENCH_ALLOCATIONS=1 adds allocations by type, PRIVATEMAIL_BENCH_JIT=1 the
# methods compiled by tier and namespace (=System.Linq instead: that namespace's methods one by one); both slow the
# measured scan a little. Each run is preceded by a speed probe (fixed one-core managed work): this shared machine's
# speed moves up to 2x from minute to minute.
# Needs root (Dovecot drops privileges to nobody) and Dovecot (scripts/install-test-dependencies.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || scripts/install-test-dependencies.sh
project=bench/PrivateMail.Benchmarks/PrivateMail.Benchmarks.csproj
if [[ " $* " == *" --jit "* || " $* " == *" nodes "* ]]; then
  # IL as `dotnet build` leaves it, compiled by the JIT at run time. The nodes run starts PrivateMail.Web from its build output.
  dotnet restore "$project"
  dotnet build "$project" -c Release --no-restore
  exec dotnet bench/PrivateMail.Benchmarks/bin/Release/net10.0/PrivateMail.Benchmarks.dll --repo "$(pwd)" "$@"
fi
# By default the harness runs ReadyToRun code, as the Dockerfile ships it: published for this machine's runtime, still
# framework-dependent (the first publish compiles every package with Crossgen2: minutes; later ones are incremental).
dotnet publish "$project" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
  -o bench/PrivateMail.Benchmarks/bin/Release/ready-to-run
exec dotnet bench/PrivateMail.Benchmarks/bin/Release/ready-to-run/PrivateMail.Benchmarks.dll --repo "$(pwd)" "$@"
