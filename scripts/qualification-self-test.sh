#!/usr/bin/env bash
# The qualification proves itself by mutation (docs/qualification.md, "Self-test").
#
# For the committed HEAD: N clean runs, then each seeded product fault of
# scripts/qualification-mutants/*.patch applied to its own clean copy of HEAD. Every copy is built
# and runs one full qualification cycle (all 8 scenarios) on the embedded loopback lab. The
# result is a matrix of fault x scenario and the kill rate: a fault is killed when the scenario
# its patch names ("Scenario: NAME") fails. Clean runs must pass all 8.
#
# Exit codes: 0 every clean run passed and every fault was killed by its scenario, 1 otherwise,
# 2 setup error (bad flags, a patch that does not apply, a build that fails).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
me="$(basename "$0")"
scenarios=(healthy partition ttl-refresh restart subscription config-fault security multi-group)

usage() {
  cat <<'USAGE'
Usage: qualification-self-test.sh [--clean N] [--only REGEX] [--out DIR] [--duration SECS] [--lab-kind KIND] [--keep]

  --clean N        clean runs of HEAD before the faults (default 1; 0 skips them)
  --only REGEX     only the patches whose file name matches REGEX (default: all)
  --out DIR        where the matrix, logs and evidence go (default: target/qualification-self-test)
  --duration SECS  per-scenario deadline of each run (default 120)
  --lab-kind KIND  loopback (default) or netns (root, ip, nft: real node processes in network namespaces)
  --keep           keep the work copies (default: removed on every exit path)
  -h, --help       this help

Runs against the committed HEAD; uncommitted changes are not tested (a warning says so).
USAGE
}

clean_runs=1
only=""
out="$root/target/qualification-self-test"
duration=120
lab_kind=loopback
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --clean|--only|--out|--duration|--lab-kind)
      if [[ $# -lt 2 ]]; then echo "$me: $1 needs a value" >&2; exit 2; fi
      case "$1" in
        --clean) clean_runs="$2" ;;
        --only) only="$2" ;;
        --out) out="$2" ;;
        --duration) duration="$2" ;;
        --lab-kind) lab_kind="$2" ;;
      esac
      shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "$me: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$clean_runs" =~ ^[0-9]+$ ]] || { echo "$me: --clean must be a number, got $clean_runs" >&2; exit 2; }
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "$me: --duration must be a positive number, got $duration" >&2; exit 2; }
[[ "$lab_kind" == loopback || "$lab_kind" == netns ]] || { echo "$me: --lab-kind must be loopback or netns, got $lab_kind" >&2; exit 2; }
command -v git >/dev/null || { echo "$me: git is required" >&2; exit 2; }
command -v mvn >/dev/null || { echo "$me: mvn is required" >&2; exit 2; }
command -v python3 >/dev/null || { echo "$me: python3 is required (to read the evidence)" >&2; exit 2; }

head="$(git -C "$root" rev-parse HEAD)"
if [[ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]]; then
  echo "$me: warning: uncommitted changes are not tested; testing HEAD ${head:0:12}" >&2
fi
patches=()
for p in "$root"/scripts/qualification-mutants/*.patch; do
  [[ -e "$p" ]] || continue
  if [[ -z "$only" ]] || [[ "$(basename "$p")" =~ $only ]]; then
    patches+=("$p")
  fi
done
if [[ ${#patches[@]} -eq 0 && "$clean_runs" -eq 0 ]]; then
  echo "$me: nothing to run (no patch matches '$only' and --clean 0)" >&2
  exit 2
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cloudedge-self-test.XXXXXX")"
copies=()
cleanup() {
  local rc=$?
  if [[ $keep -eq 0 ]]; then
    for c in "${copies[@]}"; do
      git -C "$root" worktree remove --force "$c" >/dev/null 2>&1 || rm -rf "$c"
    done
    git -C "$root" worktree prune >/dev/null 2>&1 || true
    rm -rf "$work"
  else
    echo "$me: work copies kept in $work" >&2
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One run: a clean copy of HEAD, the patch (if any), a build, one cycle. Writes the scenario
# results, in matrix order, to $out/$name.cells.
run_one() {
  local name="$1" patch="$2"
  local copy="$work/$name" log="$out/$name.log" ev="$out/evidence/$name"
  rm -rf "$ev"
  git -C "$root" worktree add --detach --quiet "$copy" "$head"
  copies+=("$copy")
  if [[ -n "$patch" ]] && ! git -C "$copy" apply --whitespace=nowarn "$patch" >"$log" 2>&1; then
    echo "$me: $(basename "$patch") does not apply to ${head:0:12} (see $log)" >&2
    return 2
  fi
  # Offline first: the clean copy needs nothing the main tree has not already fetched.
  if ! (cd "$copy" && { mvn -B -q -o -Dmaven.test.skip=true -Dcds.skip=true package -pl cli -am || mvn -B -q -Dmaven.test.skip=true -Dcds.skip=true package -pl cli -am; }) >>"$log" 2>&1; then
    echo "$me: build of $name failed (see $log)" >&2
    return 2
  fi
  (cd "$copy" && bin/cloudedge qualify run --evidence-dir "$ev" --cycles 1 --duration "$duration" \
      --lab-kind "$lab_kind" --lab-dir "$work/$name-lab" --commit "$head") >>"$log" 2>&1 || true
  rm -rf "$work/$name-lab"
  python3 - "$ev" "${scenarios[@]}" >"$out/$name.cells" <<'PY'
import json, os, sys
ev, names = sys.argv[1], sys.argv[2:]
cells = []
for s in names:
    p = os.path.join(ev, "cycle-001", s + ".json")
    try:
        with open(p) as f:
            r = json.load(f).get("result", "?")
    except (OSError, ValueError):
        r = "missing"
    cells.append(r)
print(" ".join(cells))
PY
}

matrix="$out/matrix.txt"
: >"$matrix"
printf '%-44s %-13s' "run" "must fail" | tee -a "$matrix"
for s in "${scenarios[@]}"; do printf ' %-12s' "$s" | tee -a "$matrix"; done
printf ' %s\n' "verdict" | tee -a "$matrix"

clean_ok=0
for ((i = 1; i <= clean_runs; i++)); do
  run_one "clean-$i" "" || exit 2
  read -r -a got <"$out/clean-$i.cells"
  verdict="pass"
  for c in "${got[@]}"; do [[ "$c" == "pass" ]] || verdict="FAILED"; done
  [[ "$verdict" == "pass" ]] && clean_ok=$((clean_ok + 1))
  printf '%-44s %-13s' "clean-$i" "-" | tee -a "$matrix"
  for c in "${got[@]}"; do printf ' %-12s' "$c" | tee -a "$matrix"; done
  printf ' %s\n' "$verdict" | tee -a "$matrix"
done

killed=0
for p in "${patches[@]}"; do
  name="$(basename "$p" .patch)"
  want="$(sed -n 's/^Scenario: *//p' "$p" | head -n 1)"
  idx=-1
  for j in "${!scenarios[@]}"; do [[ "${scenarios[$j]}" == "$want" ]] && idx=$j; done
  if [[ $idx -lt 0 ]]; then
    echo "$me: $(basename "$p") names no known scenario (Scenario: $want)" >&2
    exit 2
  fi
  run_one "$name" "$p" || exit 2
  read -r -a got <"$out/$name.cells"
  if [[ "${got[$idx]}" == "fail" ]]; then
    verdict="killed"
    killed=$((killed + 1))
  else
    verdict="MISSED"
  fi
  printf '%-44s %-13s' "$name" "$want" | tee -a "$matrix"
  for c in "${got[@]}"; do printf ' %-12s' "$c" | tee -a "$matrix"; done
  printf ' %s\n' "$verdict" | tee -a "$matrix"
done

total=${#patches[@]}
summary="clean runs passed: $clean_ok/$clean_runs; faults killed by their scenario: $killed/$total"
if [[ $total -gt 0 ]]; then
  summary="$summary (kill rate $((100 * killed / total))%)"
fi
echo "$summary" | tee -a "$matrix"
echo "matrix: $matrix; logs and evidence: $out" >&2
[[ $clean_ok -eq $clean_runs && $killed -eq $total ]]
