package dev.cloudedge.federation.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes real plugin executables into a test directory. */
public final class TestPlugins {
  private TestPlugins() {}

  /** A {@code #!/bin/sh} script with this body, made executable. */
  public static Path script(Path dir, String name, String body) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plugin that ignores its request and prints {@code json}. */
  public static Path fixedResult(Path dir, String name, String json) {
    return script(dir, name, "cat >/dev/null\ncat <<'JSON'\n" + json + "\nJSON");
  }

  /**
   * A plugin that runs a bundled plugin in a fresh JVM on this test's classpath (the same code
   * {@code cloudedge plugin exec} runs).
   */
  public static Path bundled(Path dir, String bundledName) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    return script(dir, bundledName, "exec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + cp
        + "' dev.cloudedge.federation.testsupport.BundledPluginMain " + bundledName);
  }

  /** A PluginResult with one RemoteAddressClaim for 10.88.60.9/32 in domain {@code d}. */
  public static String claimResult() {
    return """
        {"apiVersion":"plugin.routerd.net/v1alpha1","kind":"PluginResult","metadata":{"name":"fixed"},
         "status":{"ttl":"30m","resources":[{"apiVersion":"hybrid.routerd.net/v1alpha1","kind":"RemoteAddressClaim",
           "metadata":{"name":"onprem-10-88-60-9"},
           "spec":{"domainRef":"d","address":"10.88.60.9/32","ownerSide":"onprem",
             "capture":{"type":"provider-secondary-ip","providerRef":"p","providerMode":"secondary-ip","nicRef":"n"},
             "delivery":{"peerRef":"onprem-main","mode":"route"}}}]}}""";
  }
}
