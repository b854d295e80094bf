#!/usr/bin/env bash
# The issue's baseline, re-measured today beside the current code: how fast is this machine now, compared with the day a
# target was set? Issue 12 set "10,000 messages under 6 s" after measuring 49b648d's scanner at 23.0 s and the bare
# MailKit limit at 1.46 s; this shared machine's speed drifts (bench/OPTIMISATION.md, speed rounds 10 and 11), so an
# absolute time means little without the same old code measured in the same half hour.
#   bench/baseline.sh                      2 interleaved pairs: the current code (cold, ReadyToRun) then 49b648d's own harness
#   bench/baseline.sh --commit C --pairs 3 --reference-scan 23.0 --reference-limit 1.46
#   bench/baseline.sh --same-work          the current code without the per-sender ticket cap (issue 15, default 5 an hour),
#                                          so both scanners create the same 6,672 tickets and 27,049 links
# Each pair runs the current harness (`bench/run.sh --sizes 10000 --contacts 100 --repeat 3 --latency 0 --cold
# --no-readme`) and the baseline commit's harness from a temporary git worktree (its own build and Dovecot, 10,000
# messages, 3 fresh processes), then prints both medians, the machine factor (the baseline's scanner today ÷ the issue's
# figure), the current scan at the issue day's speed (today ÷ that factor) and the side-by-side speed-up. ≈ 5–6 minutes a
# pair. Writes bench/results/<stamp>-<commit>-baseline.md. Needs what bench/run.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."

commit=49b648d pairs=2 reference_scan=23.0 reference_limit=1.46 same_work=
while [ $# -gt 0 ]; do
  case "$1" in
    --commit) commit=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --reference-scan) reference_scan=$2; shift 2 ;;
    --reference-limit) reference_limit=$2; shift 2 ;;
    --same-work) same_work=1; shift ;;
    *) echo "Unknown option $1 (--commit, --pairs, --reference-scan, --reference-limit, --same-work)." >&2; exit 2 ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/privatemail-baseline-XXXXXX")
cleanup() { git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --detach "$work/tree" "$commit" >/dev/null

# The medians of one "Every run" line's limit and scanner figures, whatever each figure carries in parentheses.
medians() {
  grep -m1 -- '- 10,000 messages, 100 contacts' "$1" | sed 's/([^)]*)//g' | awk '
    function median(list,   n, v, i, j, t) {
      n = split(list, v, "/")
      for (i = 1; i <= n; i++) v[i] += 0
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    {
      limit = $0; sub(/.*limit:/, "", limit); sub(/;.*/, "", limit)
      scan = $0; sub(/.*scanner:/, "", scan)
      printf "%.2f %.2f\n", median(limit), median(scan)
    }'
}

stamp=$(date -u +%Y%m%d-%H%M)
out="bench/results/$stamp-$(git rev-parse --short HEAD)-baseline${same_work:+-same-work}.md"
mkdir -p bench/results
{
  echo "Baseline $commit re-measured beside $(git rev-parse --short HEAD) ($(date -u '+%Y-%m-%d %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)); the issue's figures for $commit: scanner $reference_scan s, limit $reference_limit s.${same_work:+ The current code without the per-sender ticket cap (the same work as the baseline).}"
  echo
  echo "| Pair | Current: limit, cold scan (s) | $commit: limit, scanner (s) | Machine factor ($commit's scanner ÷ $reference_scan s) | Current scan at the issue day's speed | Side by side: $commit ÷ current |"
  echo "|---:|---:|---:|---:|---:|---:|"
} > "$out"
runs=()
for pair in $(seq "$pairs"); do
  echo "[$(date +%T)] pair $pair: current code, cold" >&2
  if [ -n "$same_work" ]; then
    PRIVATEMAIL_BENCH_Scanner__TicketCapPerSenderPerHour=0 bench/run.sh --sizes 10000 --contacts 100 --repeat 3 --latency 0 --cold --no-readme > "$work/current-$pair.log" 2>&1
  else
    bench/run.sh --sizes 10000 --contacts 100 --repeat 3 --latency 0 --cold --no-readme > "$work/current-$pair.log" 2>&1
  fi
  echo "[$(date +%T)] pair $pair: $commit" >&2
  (cd "$work/tree" && bench/run.sh --sizes 10000 --contacts 100 --repeat 3 --latency 0 --no-readme) > "$work/baseline-$pair.log" 2>&1
  read -r current_limit current_scan < <(medians "$work/current-$pair.log")
  read -r old_limit old_scan < <(medians "$work/baseline-$pair.log")
  awk -v p="$pair" -v cl="$current_limit" -v cs="$current_scan" -v ol="$old_limit" -v os="$old_scan" -v rs="$reference_scan" '
    BEGIN { f = os / rs; printf "| %d | %.2f, %.2f | %.2f, %.2f | %.2f× | %.2f s | %.2f× |\n", p, cl, cs, ol, os, f, cs / f, os / cs }' >> "$out"
  runs+=("- pair $pair, current $(grep -m1 -- '- 10,000 messages, 100 contacts' "$work/current-$pair.log" | sed 's/^- //')")
  runs+=("- pair $pair, $commit: $(grep -m1 -- '- 10,000 messages, 100 contacts' "$work/baseline-$pair.log" | sed 's/^- //')")
  runs+=("- pair $pair, current: $(grep -m1 'What the scanner did' "$work/current-$pair.log" | cut -d: -f2- | cut -d. -f1)")
  runs+=("- pair $pair, $commit: $(grep -m1 'What the scanner did' "$work/baseline-$pair.log" | cut -d: -f2- | cut -d. -f1)")
done
{
  echo
  echo "Every run (seconds) and what each scanner did:"
  echo
  printf '%s\n' "${runs[@]}"
} >> "$out"
cat "$out"
echo "Wrote $out" >&2
