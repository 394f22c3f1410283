package dev.cloudedge.federation.provider;

import dev.cloudedge.federation.provider.exec.ExecutorPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * routerd's fake-provider-executor contract as a real shell-script executor, plus a tiny simulated
 * cloud: a live execute appends to {@code applied}; a dry-run reports {@code effectPresent} once
 * something was applied; {@code prior} holds the forwarding flag it reports as the prior. Every
 * request line is appended to {@code calls.log}, so tests can count launches.
 */
final class FakeExecutor {
  final Path dir;
  final Path exe;

  FakeExecutor(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.exe = dir.resolve("fake-executor");
    String script = """
        #!/bin/sh
        dir='%s'
        req=$(cat)
        printf '%%s\\n' "$req" >> "$dir/calls.log"
        field() { printf '%%s' "$req" | sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"; }
        mode=$(field mode); action=$(field action); addr=$(field address)
        outcome=$(field fakeOutcome); [ -n "$outcome" ] || outcome="${FAKE_OUTCOME:-}"
        prior=false; [ -f "$dir/prior" ] && prior=$(cat "$dir/prior")
        head='{"apiVersion":"provideraction.routerd.net/v1alpha1","kind":"ExecuteActionResult","status":'
        if [ "$mode" = "dry-run" ]; then
          if [ -s "$dir/applied" ]; then eff=',"effectPresent":"true"'; else eff=''; fi
          printf '%%s{"status":"succeeded","message":"would %%s","observed":{"priorFlag":"%%s"%%s}}}\\n' "$head" "$action" "$prior" "$eff"
          exit 0
        fi
        case "$outcome" in
          failed) printf '%%s{"status":"failed","message":"fake \\"%%s\\" failed (fakeOutcome=failed)","error":"fake executor instructed to fail"}}\\n' "$head" "$action"; exit 0;;
          skipped) printf '%%s{"status":"skipped","message":"fake \\"%%s\\" skipped (fakeOutcome=skipped)"}}\\n' "$head" "$action"; exit 0;;
          transient) printf '%%s{"status":"failed","message":"throttled","error":"RequestLimitExceeded","observed":{"failureClass":"transient"}}}\\n' "$head"; exit 0;;
          garbage) printf '{'; exit 0;;
          crash) exit 3;;
        esac
        echo "$action" >> "$dir/applied"
        echo true > "$dir/prior"
        if [ -f "$dir/sleep" ]; then echo $$ > "$dir/pid"; sleep "$(cat "$dir/sleep")"; fi
        undo=false; [ "$action" = "assign-secondary-ip" ] && undo=true
        printf '%%s{"status":"succeeded","message":"faked %%s","observed":{"assignedAddress":"%%s","nicState":"fake-attached","priorFlag":"%%s"},"undoAvailable":%%s}}\\n' "$head" "$action" "$addr" "$prior" "$undo"
        """.formatted(dir.toString().replace("'", "'\\''"));
    Files.writeString(exe, script);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  ExecutorPlugin plugin(String name) {
    return new ExecutorPlugin(name, exe.toString(), List.of(ExecutorPlugin.CAPABILITY), "10s", Map.of());
  }

  ExecutorResolver resolver() {
    return new ExecutorResolver(List.of(plugin("aws-executor")), null);
  }

  List<String> calls() throws IOException {
    Path log = dir.resolve("calls.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  long liveCalls() throws IOException {
    return calls().stream().filter(l -> l.contains("\"mode\":\"execute\"")).count();
  }

  long applied() throws IOException {
    Path a = dir.resolve("applied");
    return Files.exists(a) ? Files.readAllLines(a).size() : 0;
  }
}
