#!/usr/bin/env bash
# Builds the CLI's start-up aids next to the jar, at `mvn package` time (cli/pom.xml runs it):
#   cloudedge.jsa   an AppCDS archive (class-data sharing) of the classes the short commands load;
#   cloudedge-eventd.jsa  the same for a started eventd;
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

# eventd: its own archive, of what a started daemon has loaded. Kept apart from the short
# commands' archive: mapping one archive of both cost eventd ~3 MiB more resident memory than an
# archive of its own (measured idle: 66.7 MiB with the shared one, 63.5 MiB with its own).
port=$((30000 + RANDOM % 20000))
secret="$work/group.key"
echo "cds-training-secret-0123456789abcdef" >"$secret"
printf '%s\n' "apiVersion: federation.routerd.net/v1alpha1" "kind: EventGroup" "metadata: {name: cloudedge}" \
  "spec:" "  nodeName: cds" "  auth: {mode: hmac, secretFile: \"$secret\"}" \
  "  listen: {address: 127.0.0.1, port: $port}" >"$work/eventd.yaml"
"$java" -Xshare:off -XX:DumpLoadedClassList="$work/eventd.classes" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  "${sqlite[@]}" -cp "$jar" dev.cloudedge.cli.Cloudedge eventd --config "$work/eventd.yaml" \
  --state-file "$work/eventd.db" >"$work/eventd.out" 2>>"$log" </dev/null &
eventd=$!
for _ in $(seq 300); do
  grep -qx 'eventd: ready' "$work/eventd.out" 2>/dev/null && break
  kill -0 "$eventd" 2>/dev/null || break
  sleep 0.1
done
kill "$eventd" 2>/dev/null || true
wait "$eventd" 2>/dev/null || true

# One static archive per list (JDK classes included: each replaces the default CDS archive).
# Not fatal when one cannot be made: the CLI runs without it, only slower; the log says why.
dump() { # LIST ARCHIVE
  rm -f "$2"
  if [ -s "$1" ] && "$java" -Xshare:dump -XX:SharedClassListFile="$1" -XX:SharedArchiveFile="$2" -cp "$jar" \
    >>"$log" 2>&1; then
    echo "cds: $(grep -vc '^#' "$1") classes archived in $2 ($(du -h "$2" | cut -f1))"
  else
    rm -f "$2"
    echo "cds: no archive $2 made (see $log)" >&2
  fi
}
cat "$work"/classes.* | awk '!seen[$0]++' >"$work/classes.lst"
dump "$work/classes.lst" "$out/cloudedge.jsa"
if grep -qx 'eventd: ready' "$work/eventd.out" 2>/dev/null; then
  dump "$work/eventd.classes" "$out/cloudedge-eventd.jsa"
else
  rm -f "$out/cloudedge-eventd.jsa"
  echo "cds: eventd did not start for training (port $port taken?); no eventd archive (see $log)" >&2
fi
