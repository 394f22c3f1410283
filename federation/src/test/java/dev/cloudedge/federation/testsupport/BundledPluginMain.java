package dev.cloudedge.federation.testsupport;

import dev.cloudedge.federation.plugin.bundled.BundledPlugins;
import java.io.PrintWriter;

/** Test entry point: a bundled plugin as a child process (the CLI's {@code plugin exec} in the cli module). */
public final class BundledPluginMain {
  private BundledPluginMain() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(BundledPlugins.exec(args[0], System.in, out, err));
  }
}
