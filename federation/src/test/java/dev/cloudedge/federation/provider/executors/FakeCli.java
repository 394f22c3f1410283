package dev.cloudedge.federation.provider.executors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A fake cloud CLI ({@code aws}, {@code az}, {@code oci}) as a real executable script: it appends
 * its argv to {@code calls.log} and answers with the first rule whose shell glob matches the
 * argv, printing realistic stdout/stderr and exiting with the rule's code. A rule marked
 * {@code once} is consumed by its first match (for retry scenarios).
 */
final class FakeCli {
  final Path dir;
  final Path exe;
  private int rules;

  FakeCli(Path dir, String tool) throws IOException {
    this.dir = Files.createDirectories(dir);
    Files.createDirectories(dir.resolve("rules"));
    this.exe = dir.resolve(tool);
    String q = dir.toString().replace("'", "'\\''");
    Files.writeString(exe, """
        #!/bin/sh
        dir='%s'
        printf '%%s\\n' "$*" >> "$dir/calls.log"
        args="$*"
        for rule in "$dir"/rules/*; do
          [ -f "$rule/pattern" ] || continue
          pat=$(cat "$rule/pattern")
          case "$args" in
            $pat)
              cat "$rule/stdout"; cat "$rule/stderr" >&2; code=$(cat "$rule/code")
              if [ -f "$rule/once" ]; then rm -f "$rule/pattern"; fi
              exit "$code";;
          esac
        done
        echo "fake: no rule for: $args" >&2
        exit 99
        """.formatted(q));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private FakeCli rule(String pattern, String stdout, String stderr, int code, boolean once) throws IOException {
    Path r = Files.createDirectories(dir.resolve("rules").resolve(String.format("%03d", rules++)));
    Files.writeString(r.resolve("pattern"), pattern);
    Files.writeString(r.resolve("stdout"), stdout);
    Files.writeString(r.resolve("stderr"), stderr);
    Files.writeString(r.resolve("code"), Integer.toString(code));
    if (once) {
      Files.writeString(r.resolve("once"), "");
    }
    return this;
  }

  /** Answers calls matching the glob with stdout, exit 0. */
  FakeCli on(String glob, String stdout) throws IOException {
    return rule(glob, stdout, "", 0, false);
  }

  /** Fails calls matching the glob with stderr and an exit code. */
  FakeCli fail(String glob, String stderr, int code) throws IOException {
    return rule(glob, "", stderr, code, false);
  }

  /** Fails the first matching call only. */
  FakeCli failOnce(String glob, String stderr, int code) throws IOException {
    return rule(glob, "", stderr, code, true);
  }

  List<String> calls() throws IOException {
    Path log = dir.resolve("calls.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }
}
