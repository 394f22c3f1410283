#!/usr/bin/env bash
# Builds the CLI's start-up aids next to the jar, at `mvn package` time (cli/pom.xml runs it):
#   cloudedge.jsa   an AppCDS archive (class-data sharing) of the classes the short commands load;
#   native/         the sqlite-jdbc library for this machine, so a run need not extract it to /tmp.
# bin/cloudedge uses them when they are newer than the jar, and runs without them otherwise.
#
# usage: build-cds-archive.sh JAR OUT_DIR
# The archive belongs to the JVM that made it: a different java ignores it (bin/cloudedge checks).
set -euo pipefail

jar="$1"
out="$2"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jartool="${JAVA_HOME:+$JAVA_HOME/bin/}jar" # the JDK's, which the build has (unzip may not be installed)
log="$out/cds-build.log"
: >"$log"

work="$(mktemp -d "${TMPDIR:-/tmp}/cloudedge-cds.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The sqlite native library this JVM would extract on every run.
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) arch="" ;;
esac
rm -rf "$out/native"
if [ -n "$arch" ] && [ "$(uname -s)" = Linux ]; then
  (cd "$work" && "$jartool" xf "$jar" "org/sqlite/native/Linux/$arch/libsqlitejdbc.so" 2>>"$log") || true
  if [ -f "$work/org/sqlite/native/Linux/$arch/libsqlitejdbc.so" ]; then
    mkdir -p "$out/native"
    mv "$work/org/sqlite/native/Linux/$arch/libsqlitejdbc.so" "$out/native/"
    # unzip keeps the entry's date; bin/cloudedge uses the library only when it is newer than the jar.
    touch "$out/native/libsqlitejdbc.so"
  fi
fi
sqlite=()
if [ -f "$out/native/libsqlitejdbc.so" ]; then
  sqlite=(-Dorg.sqlite.lib.path="$out/native" -Dorg.sqlite.lib.name=libsqlitejdbc.so)
fi

# Training: the short commands an operator and the plugin engine run, each recording what it loads.
# Their exit codes do not matter (the executor run fails on purpose); what they load does.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="$root/docs/examples/sender.yaml"
state="$work/state.db"
n=0
train() {
  n=$((n + 1))
  CLOUDEDGE_STATE_FILE="$state" "$java" -Xshare:off -XX:DumpLoadedClassList="$work/classes.$n" \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${sqlite[@]}" -cp "$jar" dev.cloudedge.cli.Cloudedge "$@" \
    >>"$log" 2>&1 <"${stdin:-/dev/null}" || true
}
train --version
train --help
train validate --config "$config"
train federation event emit --state-file "$state" --config "$config" --group cloudedge \
  --type routerd.client.ipv4.observed --subject 10.88.60.9/32 --payload nicRef=eni-0abc -o json
train federation event list --state-file "$state"
train federation event list --state-file "$state" -o json
train federation deliveries summary --state-file "$state"
train doctor federation --config "$config" --state-file "$state" --remediation-plan
cat >"$work/plugin.json" <<'EOF'
{"apiVersion":"plugin.routerd.net/v1alpha1","kind":"PluginRequest","metadata":{"name":"event-to-remote-claim"},
 "spec":{"trigger":{"type":"federation-subscription","topic":"t"},"now":"2026-05-30T12:00:00Z","events":[
 {"id":"e1","group":"cloudedge","sourceNode":"onprem","type":"routerd.client.ipv4.observed","subject":"10.88.60.9/32",
  "dedupeKey":"e1","payload":{"nicRef":"eni-0abc123","region":"ap-northeast-1","domain":"d"},
  "observedAt":"2026-05-30T11:22:50Z","expiresAt":"0001-01-01T00:00:00Z"}],"context":{}}}
EOF
stdin="$work/plugin.json" train plugin exec event-to-remote-claim
cat >"$work/exec.json" <<'EOF'
{"apiVersion":"provideraction.routerd.net/v1alpha1","kind":"ExecuteActionRequest",
 "spec":{"action":"assign-private-ip","provider":"aws","target":{},"mode":"dry-run","idempotencyKey":"k","context":{}}}
EOF
stdin="$work/exec.json" train executor exec aws

# One static archive of everything the runs loaded (JDK classes included: it replaces the default CDS).
cat "$work"/classes.* | awk '!seen[$0]++' >"$work/classes.lst"
rm -f "$out/cloudedge.jsa"
if "$java" -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$out/cloudedge.jsa" \
  -cp "$jar" >>"$log" 2>&1; then
  echo "cds: $(grep -vc '^#' "$work/classes.lst") classes archived in $out/cloudedge.jsa ($(du -h "$out/cloudedge.jsa" | cut -f1))"
else
  # Not fatal: the CLI runs without it, only slower. The log says why.
  rm -f "$out/cloudedge.jsa"
  echo "cds: no archive made (see $log)" >&2
fi
