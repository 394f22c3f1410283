package dev.cloudedge.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Fresh working directories of the benchmarks and the embedded qualification, and their removal. */
final class WorkDirs {
  private WorkDirs() {}

  /** What runs in the directory. */
  interface Body {
    int run(Path dir) throws Exception;
  }

  /**
   * Runs {@code body} in a fresh directory: a new {@code run-*} directory under {@code workDir},
   * kept afterwards, or without one a temporary {@code <tempPrefix>*} directory removed afterwards.
   * Fresh on every run, so state files of an earlier run never turn events into duplicates.
   */
  static int inFreshDir(Path workDir, String tempPrefix, Body body) throws Exception {
    boolean temp = workDir == null;
    Path dir = temp ? Files.createTempDirectory(tempPrefix)
        : Files.createTempDirectory(Files.createDirectories(workDir), "run-");
    try {
      return body.run(dir);
    } finally {
      if (temp) {
        deleteTree(dir);
      }
    }
  }

  /** Removes {@code dir} and everything in it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** {@link #deleteTree}, leaving what cannot be removed (a temporary directory the OS cleans eventually). */
  static void deleteTreeQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException | UncheckedIOException e) {
      // Best effort.
    }
  }
}
