package dev.cloudedge.cli;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.dynamic.SelfCaptureGuard;
import dev.cloudedge.federation.event.EventIds;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.event.GoTime;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cloudedge federation event emit}: records one event in the local state file (insert or
 * forward-only upsert) and prints the row as stored. It writes locally only; a running eventd
 * pushes the event to peers when {@code --source-node} is the group's node name.
 */
@Command(
    name = "emit",
    mixinStandardHelpOptions = true,
    description = "Record one event in the local state file and print the stored row.")
public final class FederationEventEmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StateFileOptions state;
  @Mixin OutputOptions output;

  @Option(names = "--group", paramLabel = "NAME", description = "EventGroup name (required).")
  String group = "";

  @Option(names = "--type", paramLabel = "TYPE", description = "Event type, e.g. routerd.client.ipv4.observed (required).")
  String type = "";

  @Option(names = "--subject", paramLabel = "SUBJECT", description = "What the event is about, e.g. 10.88.60.9/32.")
  String subject = "";

  @Option(names = "--source-node", paramLabel = "NODE",
      description = "Emitting node; eventd pushes only events whose source is its own node name.")
  String sourceNode = "";

  @Option(names = "--id", paramLabel = "ID", description = "Event id (default: evt-<unixNanos>-<16 hex>).")
  String id = "";

  @Option(names = "--dedupe-key", paramLabel = "KEY", description = "Dedupe key (default: the id).")
  String dedupeKey = "";

  @Option(names = "--payload", paramLabel = "KEY=VALUE",
      description = "Payload entry; repeatable. The key is trimmed, the value kept verbatim; a later key wins.")
  List<String> payload = new ArrayList<>();

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "Time to live as a Go duration (30m, 1h); sets expiresAt = observedAt + ttl.")
  String ttl = "";

  @Option(names = "--observed-at", paramLabel = "RFC3339", description = "Observation time (default: now, UTC).")
  String observedAt = "";

  @Option(names = "--config", paramLabel = "FILE", arity = "1..*",
      description = "The node's config file(s); their RemoteAddressClaims join the stored ones in the "
          + "self-capture check (optional).")
  List<Path> configFiles = new ArrayList<>();

  @Override
  public Integer call() {
    // Every flag is checked before the state file is touched, so a usage error changes nothing.
    if (GoText.isBlank(group)) {
      throw new IllegalArgumentException("--group is required");
    }
    if (GoText.isBlank(type)) {
      throw new IllegalArgumentException("--type is required");
    }
    Map<String, String> fields = parsePayload(payload);
    Duration life = parseTtl(ttl);
    Instant now = CliSettings.of(spec).clock().instant();
    Instant observed = parseObservedAt(observedAt, now);
    String eventId = GoText.isBlank(id) ? EventIds.generate(now) : id;
    Instant expires = life.isZero() ? null : observed.plus(life);

    FederationEvent ev = new FederationEvent(eventId, group, sourceNode, type, subject, dedupeKey, fields,
        observed, expires).normalizedAndValid();
    FederationConfig config = null;
    if (!configFiles.isEmpty()) {
      try {
        config = ConfigLoader.load(configFiles);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    EventRecord stored;
    try (FederationStore store = state.open()) {
      // No feedback loop: an observation of an address this node itself captures is refused unstored.
      SelfCaptureGuard.requireNotSelfCaptured(store, config, ev, now);
      store.recordEvent(ev, now);
      stored = store.getEvent(ev.id()).orElseThrow(() -> new IllegalStateException(
          "event " + ev.id() + " was recorded but is no longer in " + store.path()
              + ": a newer event with dedupeKey " + ev.dedupeKey() + " compacted it away"));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.format() == OutputFormat.TABLE) {
      Printer.rows(out, output.format(), List.of(stored), FederationViews.EVENT_COLUMNS);
    } else {
      Printer.structured(out, output.format(), FederationViews.EventView.of(stored));
    }
    return ExitCodes.OK;
  }

  /** {@code k=v} entries: key trimmed, value verbatim, the later of two equal keys wins. */
  static Map<String, String> parsePayload(List<String> entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : entries) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? "" : GoText.trimSpace(kv.substring(0, eq));
      if (key.isEmpty()) {
        throw new IllegalArgumentException("payload must be key=value, got \"" + kv + "\"");
      }
      out.put(key, kv.substring(eq + 1));
    }
    return out;
  }

  private static Duration parseTtl(String text) {
    Duration d;
    try {
      d = GoDuration.parse(GoText.trimSpace(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid --ttl: " + e.getMessage(), e);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("invalid --ttl: must not be negative, got \"" + text + "\"");
    }
    return d;
  }

  private static Instant parseObservedAt(String text, Instant now) {
    String t = GoText.trimSpace(text);
    if (t.isEmpty()) {
      return now;
    }
    try {
      Instant parsed = GoTime.parse(t);
      // Go's zero time means "not observed"; the store would stamp it with now anyway.
      return parsed == null ? now : parsed;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid --observed-at: " + e.getMessage(), e);
    }
  }
}
