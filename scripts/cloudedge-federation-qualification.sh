#!/usr/bin/env bash
# CloudEdge Federation operational qualification harness.
#
# Same flags as routerd's scripts/cloudedge-federation-qualification.sh, but the scenarios run as
# durable Temporal workflows (see docs/qualification.md):
#   - without TEMPORAL_ADDRESS: everything runs embedded in one JVM (in-memory Temporal, the
#     two-node loopback lab with its partition proxy, the workers) and the harness waits for the verdict;
#     with --lab-kind netns (root, ip and nft) each node is its own process in its own network
#     namespace instead, and the faults are nftables rules, chmod and SIGKILL;
#   - with TEMPORAL_ADDRESS: the workflow is started on that cluster against --topology FILE (or
#     --lab DIR of a running 'cloudedge lab up'), and the harness watches it. If the harness is
#     killed, 'bin/cloudedge qualify watch RUN_ID' reattaches; the run itself continues.
#
# Exit codes: 0 all scenarios PASS in all cycles, 1 a scenario or evidence gate failed (or the run
# was cancelled), 2 setup error (bad flags, preflight, topology busy), 3 incomplete evidence/provenance.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cloudedge="$root/bin/cloudedge"

usage() {
  cat <<'USAGE'
Usage: cloudedge-federation-qualification.sh --evidence-dir DIR [options]
       cloudedge-federation-qualification.sh          (no flags: all scenarios, one cycle, embedded lab,
                                                      evidence in evidence/<run id>)

  --evidence-dir DIR   where evidence is written (required; use an empty directory per run)
  --cycles N           cycles to run, >= 1 (default 1)
  --duration SECS      hard deadline per scenario (default 300)
  --scenarios LIST     comma-separated, in order (default: healthy,partition,ttl-refresh,restart,
                       subscription,config-fault,security,multi-group)
  --allow-skip         metrics (OTel) checks optional (dev only, NOT for release)
  --commit SHA         commit under test (default: git rev-parse HEAD of this checkout)
  --run-id ID          YYYYMMDDTHHMMSSZ-federation-qual (default: now)
  --topology FILE      real hosts (needs TEMPORAL_ADDRESS and node workers on the hosts)
  --lab DIR            a lab started with 'cloudedge lab up --dir DIR' (with TEMPORAL_ADDRESS)
  --lab-kind KIND      embedded run only: loopback (default; any user) or netns (root, ip, nft: each
                       node its own process in its own network namespace)
  --partition-mode M   embedded run only: refuse (default) or drop
  -h, --help           this help

Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY,
TEMPORAL_TLS_CA, TEMPORAL_API_KEY. Without TEMPORAL_ADDRESS the run is fully embedded.
USAGE
}

args=()
target=()
embedded=()
if [[ $# -eq 0 ]]; then
  # The project's main job (README): no flags at all runs every scenario once on the embedded lab,
  # with evidence in a fresh directory under evidence/. Any other invocation must name
  # --evidence-dir, as routerd's harness requires.
  run_id="$(date -u +%Y%m%dT%H%M%SZ)-federation-qual"
  set -- --evidence-dir "$root/evidence/$run_id" --run-id "$run_id"
  echo "$(basename "$0"): no flags: full qualification on the embedded lab, evidence in ${2}" >&2
fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --allow-skip) args+=("$1"); shift ;;
    --evidence-dir|--cycles|--duration|--scenarios|--commit|--run-id)
      if [[ $# -lt 2 ]]; then echo "$(basename "$0"): $1 needs a value" >&2; exit 2; fi
      args+=("$1" "$2"); shift 2 ;;
    --lab-kind|--partition-mode)
      if [[ $# -lt 2 ]]; then echo "$(basename "$0"): $1 needs a value" >&2; exit 2; fi
      embedded+=("$1" "$2"); shift 2 ;;
    --topology|--lab)
      if [[ $# -lt 2 ]]; then echo "$(basename "$0"): $1 needs a value" >&2; exit 2; fi
      target+=("$1" "$2"); shift 2 ;;
    *) echo "$(basename "$0"): unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# bin/cloudedge builds the node and dev-server jars when they are missing or older than the
# sources (exit 2 when the build fails), and puts the dev-server jar on the class path.

if [[ -z "${TEMPORAL_ADDRESS:-}" ]]; then
  if [[ ${#target[@]} -gt 0 ]]; then
    echo "$(basename "$0"): --topology/--lab need TEMPORAL_ADDRESS (without it the embedded lab is used)" >&2
    exit 2
  fi
  exec "$cloudedge" qualify run "${args[@]}" ${embedded[@]+"${embedded[@]}"}
fi
if [[ ${#embedded[@]} -gt 0 ]]; then
  echo "$(basename "$0"): ${embedded[0]} is for the embedded run; with TEMPORAL_ADDRESS start the lab with" \
    "'bin/cloudedge lab up --kind netns --dir DIR' and give --lab DIR" >&2
  exit 2
fi
if [[ ${#target[@]} -eq 0 ]]; then
  echo "$(basename "$0"): with TEMPORAL_ADDRESS set, give --topology FILE or --lab DIR" >&2
  exit 2
fi
exec "$cloudedge" qualify start --wait "${args[@]}" "${target[@]}"
