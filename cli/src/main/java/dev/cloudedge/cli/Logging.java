package dev.cloudedge.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Log settings of the CLI process, fixed before the first logger exists: logs go to stderr at
 * WARN, so stdout carries only a command's output and progress; {@code -v}/{@code --verbose} (any
 * position before {@code --}) lowers the level to INFO, {@code CLOUDEDGE_LOG_LEVEL} (trace, debug,
 * info, warn, error, off) sets it outright. Lines carry a UTC time and the short logger name, no
 * thread name and no colour codes.
 */
final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";
  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

  private Logging() {}

  /** The level for {@code args} and {@code env}; an unknown {@code CLOUDEDGE_LOG_LEVEL} is named in the error. */
  static String level(String[] args, Map<String, String> env) {
    String fromEnv = env.getOrDefault("CLOUDEDGE_LOG_LEVEL", "").trim().toLowerCase(Locale.ROOT);
    if (!fromEnv.isEmpty()) {
      if (!LEVELS.contains(fromEnv)) {
        throw new IllegalArgumentException("CLOUDEDGE_LOG_LEVEL must be one of trace, debug, info, warn, error, off; got "
            + env.get("CLOUDEDGE_LOG_LEVEL"));
      }
      return fromEnv;
    }
    return verbose(args) ? "info" : "warn";
  }

  /** Whether {@code -v} or {@code --verbose} is among the options. */
  static boolean verbose(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("-v") || a.equals("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Applies the settings unless the JVM was given its own ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel}). */
  static void configure(String[] args, Map<String, String> env) {
    if (System.getProperty(PREFIX + "defaultLogLevel") != null) {
      return;
    }
    System.setProperty(PREFIX + "defaultLogLevel", level(args, env));
    System.setProperty(PREFIX + "logFile", "System.err");
    System.setProperty(PREFIX + "showThreadName", "false");
    System.setProperty(PREFIX + "showShortLogName", "true");
    System.setProperty(PREFIX + "showDateTime", "true");
    System.setProperty(PREFIX + "dateTimeFormat", "HH:mm:ss'Z'");
    System.setProperty("user.timezone", "UTC");
    // Against the embedded server the SDK warns once per worker that worker heartbeats are
    // unsupported: nothing an operator can act on.
    System.setProperty(PREFIX + "log.io.temporal.internal.worker.HeartbeatManager", "error");
  }
}
