package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every seeded fault of {@code scripts/qualification-mutants/} still applies to the product code,
 * names its scenario and says what it breaks, so a change to the code it patches is caught here
 * instead of stopping the self-test (which exits 2 at a patch that does not apply).
 */
class MutantCatalogueTest {
  @Test
  void everyMutantAppliesToTheCurrentTree() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    assumeTrue(Files.exists(repo.resolve(".git")), "not a git checkout: " + repo);
    List<Path> patches;
    try (Stream<Path> s = Files.list(repo.resolve("scripts/qualification-mutants"))) {
      patches = s.filter(p -> p.toString().endsWith(".patch")).sorted().toList();
    }
    assertTrue(patches.size() >= 19, "the catalogue: " + patches);
    List<String> problems = new ArrayList<>();
    for (Path p : patches) {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      if (!text.matches("(?s)Scenario: [a-z-]+\nFault: .+")) {
        problems.add(p.getFileName() + ": no 'Scenario:' and 'Fault:' header");
      }
      Process git = new ProcessBuilder("git", "apply", "--check", p.toString()).directory(repo.toFile())
          .redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(git.waitFor(30, TimeUnit.SECONDS));
      if (git.exitValue() != 0) {
        problems.add(p.getFileName() + " does not apply: " + out.trim());
      }
    }
    assertEquals(List.of(), problems);
  }
}
