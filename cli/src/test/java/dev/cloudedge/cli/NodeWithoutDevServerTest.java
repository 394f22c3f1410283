package dev.cloudedge.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.cloudedge.worker.EmbeddedTemporal;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node (cloudedge.jar) without cloudedge-devserver.jar: no node class refers to Temporal's test
 * server, and each command that wants the embedded server says in one line what is missing and how to
 * get it, exit 2, no stack trace. The jars themselves are checked after {@code package} by {@code
 * NodeJarIT}.
 */
class NodeWithoutDevServerTest {
  private static final String LINE = "cloudedge: " + EmbeddedTemporal.NotInstalledException.MESSAGE + "\n";

  @TempDir Path tmp;

  @Test
  void noNodeClassDependsOnTheTestServer() {
    JavaClasses node = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.cloudedge");
    noClasses().that().resideOutsideOfPackage("dev.cloudedge.devserver..")
        .should().dependOnClassesThat().resideInAnyPackage("io.temporal.testserver..", "io.temporal.internal.testservice..",
            "io.temporal.api.testservice..", "com.cronutils..")
        .because("the test server ships in cloudedge-devserver.jar, found at run time through EmbeddedTemporal")
        .check(node);
  }

  @Test
  void withoutTheServiceEntryTheLookupNamesWhatIsMissing() {
    ClassLoader app = NodeWithoutDevServerTest.class.getClassLoader();
    // The test class path has the devserver module; hide its service entry as a node without the jar has none.
    ClassLoader withoutDevServer = new ClassLoader(app) {
      private final String entry = "META-INF/services/" + EmbeddedTemporal.Provider.class.getName();

      @Override
      public URL getResource(String name) {
        return name.equals(entry) ? null : super.getResource(name);
      }

      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        return name.equals(entry) ? Collections.emptyEnumeration() : super.getResources(name);
      }
    };
    EmbeddedTemporal.NotInstalledException e = assertThrows(EmbeddedTemporal.NotInstalledException.class,
        () -> EmbeddedTemporal.provider(withoutDevServer));
    assertEquals(EmbeddedTemporal.NotInstalledException.MESSAGE, e.getMessage());
    assertTrue(EmbeddedTemporal.provider(app) != null, "the test class path has the devserver module");
  }

  @Test
  void theCommandsThatNeedItFailInOneLineWithExitTwo() throws Exception {
    String cp = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains(File.separator + "devserver" + File.separator) && !e.contains("temporal-test-server")
            && !e.contains("cron-utils"))
        .collect(Collectors.joining(File.pathSeparator));
    assertFalse(cp.equals(System.getProperty("java.class.path")), "the dev server was on the class path to remove");
    List<List<String>> commands = List.of(
        List.of("server", "start-dev", "--port", "1"),
        List.of("lab", "up", "--dir", tmp.resolve("lab").toString(), "--dev-port", "1"),
        List.of("qualify", "run", "--evidence-dir", tmp.resolve("evidence").toString(), "--cycles", "1"));
    for (List<String> args : commands) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", cp, Cloudedge.class.getName()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out").toFile())
          .redirectError(tmp.resolve("err").toFile());
      pb.environment().remove("TEMPORAL_ADDRESS");
      pb.environment().remove("CLOUDEDGE_DEBUG");
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(args + " did not finish within 60 s");
      }
      String out = Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8);
      String err = Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);
      assertEquals(ExitCodes.USAGE, p.exitValue(), args + ": " + out + err);
      assertEquals(LINE, err, args.toString());
      assertEquals("", out, args + ": nothing started, nothing to report");
    }
    assertFalse(Files.exists(tmp.resolve("lab")) || Files.exists(tmp.resolve("evidence")), "nothing was created");
  }
}
