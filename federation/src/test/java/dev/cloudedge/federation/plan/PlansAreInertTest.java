package dev.cloudedge.federation.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core invariant of reference §3.3: plans proposed by plugins are inert. No production source
 * of any module may hold an identifier that executes, applies or runs an action plan.
 */
class PlansAreInertTest {
  static final Pattern FORBIDDEN = Pattern.compile(
      "(?i)(execute|apply|applies|invoke|perform|provision|deprovision|dispatch|enact|mutate)actionplan"
          + "|actionplan(executor|applier|invoker|dispatcher|mutator|runner)");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  static List<String> violations(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/"))
          .filter(p -> !p.toString().contains("/target/"))
          .toList()) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = IDENTIFIER.matcher(lines.get(i));
          while (m.find()) {
            if (FORBIDDEN.matcher(m.group()).find()) {
              out.add(root.relativize(f) + ":" + (i + 1) + ": " + m.group());
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void noProductionIdentifierExecutesAnActionPlan() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertTrue(Files.isDirectory(root.resolve("federation/src/main/java")), "repo root not found from " + root);
    assertEquals(List.of(), violations(root));
  }

  @Test
  void theScanFindsAViolation(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path src = dir.resolve("m/src/main/java/x");
    Files.createDirectories(src);
    Files.writeString(src.resolve("X.java"), "class X { void executeActionPlan() {} ActionPlanRunner r; }\n");
    Files.writeString(src.resolve("Y.java"), "class Y { ActionPlan plan; void validateActionPlan() {} }\n");
    assertEquals(List.of("m/src/main/java/x/X.java:1: executeActionPlan", "m/src/main/java/x/X.java:1: ActionPlanRunner"),
        violations(dir));
  }
}
