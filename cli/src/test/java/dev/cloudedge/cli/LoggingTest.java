package dev.cloudedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingTest {
  @Test
  void warnByDefaultInfoWithVerboseAndTheEnvironmentWins() {
    assertEquals("warn", Logging.level(new String[] {"qualify", "run"}, Map.of()));
    assertEquals("info", Logging.level(new String[] {"-v", "qualify", "run"}, Map.of()));
    assertEquals("info", Logging.level(new String[] {"qualify", "run", "--verbose"}, Map.of()));
    assertEquals("warn", Logging.level(new String[] {"plugin", "run", "--", "-v"}, Map.of()), "after -- it is an argument");
    assertEquals("debug", Logging.level(new String[] {"-v"}, Map.of("CLOUDEDGE_LOG_LEVEL", " DEBUG ")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Logging.level(new String[0], Map.of("CLOUDEDGE_LOG_LEVEL", "loud")));
    assertTrue(e.getMessage().contains("CLOUDEDGE_LOG_LEVEL must be one of") && e.getMessage().endsWith("got loud"), e.getMessage());
  }

  @Test
  void everyCommandAcceptsVerbose() {
    var cl = Cloudedge.commandLine();
    cl.parseArgs("federation", "event", "list", "-v");
    cl.parseArgs("-v", "validate", "--config", "x.yaml");
  }
}
