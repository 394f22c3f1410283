package dev.cloudedge.worker.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The {@code ip} and {@code nft} commands the netns lab needs, and a check that they can run. */
final class Netns {
  private Netns() {}

  /**
   * What keeps the netns lab from running here, in one line, or {@code null} when nothing does: it
   * needs root (network namespaces, veth pairs and nftables rules) and {@code ip} and {@code nft} on
   * {@code PATH}.
   */
  static String missingPrerequisites(Map<String, String> env) {
    List<String> missing = new ArrayList<>();
    long uid = uid();
    if (uid != 0) {
      missing.add("root (running as uid " + (uid < 0 ? "unknown" : Long.toString(uid)) + ")");
    }
    if (onPath(env, "ip") == null) {
      missing.add("the ip command on PATH (package iproute2)");
    }
    if (onPath(env, "nft") == null) {
      missing.add("the nft command on PATH (package nftables)");
    }
    return missing.isEmpty() ? null : "--lab-kind netns needs " + String.join(", ", missing);
  }

  private static long uid() {
    try {
      // The owner of /proc/self is the process's effective uid.
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static Path onPath(Map<String, String> env, String command) {
    String path = env.getOrDefault("PATH", "");
    for (String d : path.split(":")) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, command);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Runs a command to completion within 15 s and returns its output.
   *
   * @throws IOException naming the command and its first line of output when it fails
   */
  static String run(String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("'" + String.join(" ", command) + "' did not finish within 15 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running '" + String.join(" ", command) + "'", e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      String first = text.lines().findFirst().orElse("").trim();
      throw new IOException("'" + String.join(" ", command) + "' exited " + p.exitValue() + (first.isEmpty() ? "" : ": " + first));
    }
    return text;
  }

  /** The names of the network namespaces {@code ip netns list} shows. */
  static List<String> namespaces() throws IOException {
    List<String> names = new ArrayList<>();
    for (String line : run("ip", "netns", "list").split("\n")) {
      String name = line.trim().split("\\s+")[0];
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /** The PIDs of the processes in namespace {@code ns} (none when it is gone). */
  static List<Long> pids(String ns) {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : run("ip", "netns", "pids", ns).split("\n")) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // The namespace is gone or was never made: nothing runs in it.
    }
    return pids;
  }

  /** SIGKILLs every process in {@code ns} and returns how many there were. */
  static int killAll(String ns) {
    List<Long> pids = pids(ns);
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> h).join());
    }
    return pids.size();
  }

  /** Deletes namespace {@code ns} (its veth end and nftables tables go with it); idempotent. */
  static void delete(String ns) throws IOException {
    if (namespaces().contains(ns)) {
      run("ip", "netns", "delete", ns);
    }
  }
}
