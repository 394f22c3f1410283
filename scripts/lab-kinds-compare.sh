#!/usr/bin/env bash
# One cycle of all 8 scenarios on each lab kind, one after the other in one invocation, with their
# wall times side by side, and the host's namespaces, nftables tables, node processes and netns run
# files compared before and after. Needs root, ip and nft (the netns lab).
#
# Usage: sudo scripts/lab-kinds-compare.sh [OUT_DIR]     (default target/lab-kinds-compare)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/lab-kinds-compare}"
rm -rf "$out" && mkdir -p "$out"

snapshot() {
  echo "netns: $(ip netns list | tr '\n' ' ')"
  echo "nft: $(nft list tables | tr '\n' ' ')"
  echo "nodes: $(pgrep -f 'worker --node fedqual-' | tr '\n' ' ')"
  echo "run files: $(ls /run/cloudedge-lab 2>/dev/null | tr '\n' ' ')"
}

snapshot > "$out/before.txt"
rows=()
for kind in loopback netns; do
  t0=$(date +%s%N)
  "$root/scripts/cloudedge-federation-qualification.sh" --lab-kind "$kind" --evidence-dir "$out/$kind" --cycles 1 \
    > "$out/$kind.log" 2>&1
  rc=$?
  t1=$(date +%s%N)
  row=$(python3 - "$out/$kind" "$kind" "$rc" "$(( (t1 - t0) / 1000000 ))" <<'PY'
import json, sys, datetime
d, kind, rc, wall_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
try:
    m = json.load(open(d + "/run-metadata.json"))
    c = m["cycles"][0]
    t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    cycle = (t(c["completedAt"]) - t(c["startedAt"])).total_seconds()
    r = json.load(open(d + "/cycle-001/restart.json"))
    pids = "%s->%s / %s->%s" % (r.get("senderPidBefore"), r.get("senderPidAfter"), r.get("receiverPidBefore"), r.get("receiverPidAfter"))
    print("%-9s %4s %5d/8 %9.1f %9.1f  %s" % (kind, rc, c["pass"], wall_ms / 1000, cycle, pids))
except Exception as e:
    print("%-9s %4s  (no evidence: %s)" % (kind, rc, e))
PY
)
  rows+=("$row")
done
snapshot > "$out/after.txt"

printf '%-9s %4s %7s %9s %9s  %s\n' "lab" "exit" "passed" "harness_s" "cycle_s" "restart pids (sender / receiver)"
for r in "${rows[@]}"; do echo "$r"; done
if diff -u "$out/before.txt" "$out/after.txt"; then
  echo "host state before == after:"; sed 's/^/  /' "$out/before.txt"
else
  echo "host state changed (see the diff above)"; exit 1
fi
