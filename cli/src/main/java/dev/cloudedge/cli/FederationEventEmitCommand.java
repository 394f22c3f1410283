package dev.cloudedge.cli;

import dev.cloudedge.cli.options.CliSettings;
import dev.cloudedge.cli.options.StateFileOptions;
import dev.cloudedge.cli.output.OutputFormat;
import dev.cloudedge.cli.output.OutputOptions;
import dev.cloudedge.cli.output.Printer;
import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.dynamic.SelfCaptureGuard;
import dev.cloudedge.federation.emit.BatchEmit;
import dev.cloudedge.federation.emit.EventLines;
import dev.cloudedge.federation.event.EventIds;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.store.EventRecord;
import dev.cloudedge.federation.store.FederationStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * forward-only upsert) and prints the row as stored, or with {@code --file} many events, one JSON
 * object per line, in batched transactions, and prints a summary. It writes locally only; a
 * running eventd notices the commit and pushes the events whose {@code sourceNode} is the group's
 * node name.
 */
@Command(
    name = "emit",
    mixinStandardHelpOptions = true,
    description = {
      "Record one event in the local state file and print the stored row,",
      "or with --file many events (one JSON object per line) in batched transactions."
    })
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

  @Option(names = "--file", paramLabel = "FILE|-",
      description = "Record the events of FILE (- for stdin), one JSON object per line with the fields "
          + "group, type, subject, sourceNode, id, dedupeKey, payload, ttl, observedAt; see docs/federation-cli.md. "
          + "Every line is checked first: any bad line stores nothing (exit 2) and each is reported with its number.")
  String file;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + BatchEmit.DEFAULT_BATCH_SIZE,
      description = "With --file: events per write transaction, 1.." + BatchEmit.MAX_BATCH_SIZE
          + " (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--skip-invalid",
      description = "With --file: store the valid lines and report the bad ones instead of storing nothing.")
  boolean skipInvalid;

  @Override
  public Integer call() {
    if (file != null) {
      return emitFile();
    }
    if (skipInvalid || batchSize != BatchEmit.DEFAULT_BATCH_SIZE) {
      throw new IllegalArgumentException((skipInvalid ? "--skip-invalid" : "--batch-size") + " needs --file");
    }
    // Every flag is checked before the state file is touched, so a usage error changes nothing.
    if (GoText.isBlank(group)) {
      throw new IllegalArgumentException("--group is required");
    }
    if (GoText.isBlank(type)) {
      throw new IllegalArgumentException("--type is required");
    }
    Map<String, String> fields = parsePayload(payload);
    Duration life = dev.cloudedge.federation.emit.EventLines.ttl(ttl, "--ttl");
    Instant now = CliSettings.of(spec).clock().instant();
    Instant observed = dev.cloudedge.federation.emit.EventLines.observedAt(observedAt, now, "--observed-at");
    String eventId = GoText.isBlank(id) ? EventIds.generate(now) : id;
    Instant expires = life.isZero() ? null : observed.plus(life);

    FederationEvent ev = new FederationEvent(eventId, group, sourceNode, type, subject, dedupeKey, fields,
        observed, expires).normalizedAndValid();
    FederationConfig config = loadConfig();
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

  /** A summary of a file emit, as {@code -o json|yaml} prints it. */
  record FileView(String file, long lines, long stored, long duplicates, long skipped, long transactions,
      List<InvalidLine> invalid) {}

  /** One skipped line in {@link FileView}. */
  record InvalidLine(long line, String error) {}

  private Integer emitFile() {
    // A per-event flag next to --file would be ignored or ambiguous; every field comes from the lines.
    Map<String, Boolean> perEvent = new LinkedHashMap<>();
    perEvent.put("--group", !group.isEmpty());
    perEvent.put("--type", !type.isEmpty());
    perEvent.put("--subject", !subject.isEmpty());
    perEvent.put("--source-node", !sourceNode.isEmpty());
    perEvent.put("--id", !id.isEmpty());
    perEvent.put("--dedupe-key", !dedupeKey.isEmpty());
    perEvent.put("--payload", !payload.isEmpty());
    perEvent.put("--ttl", !ttl.isEmpty());
    perEvent.put("--observed-at", !observedAt.isEmpty());
    for (Map.Entry<String, Boolean> e : perEvent.entrySet()) {
      if (e.getValue()) {
        throw new IllegalArgumentException(e.getKey() + " cannot be combined with --file: every field comes from "
            + "the file's lines");
      }
    }
    if (batchSize < 1 || batchSize > BatchEmit.MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("invalid --batch-size: must be 1.." + BatchEmit.MAX_BATCH_SIZE + ", got "
          + batchSize);
    }
    String name = file.equals("-") ? "stdin" : file;
    byte[] data = readInput();
    FederationConfig config = loadConfig();
    Instant now = CliSettings.of(spec).clock().instant();
    EventLines.Parsed parsed = EventLines.parse(data, now);
    BatchEmit.Result result;
    PrintWriter err = spec.commandLine().getErr();
    try (FederationStore store = state.open()) {
      result = BatchEmit.record(store, config, parsed, batchSize, skipInvalid, now);
    } catch (BatchEmit.InvalidLinesException e) {
      for (EventLines.LineError le : e.errors()) {
        err.println("cloudedge: " + name + ":" + le.line() + ": " + le.error());
      }
      err.println("cloudedge: " + e.errors().size() + " of " + e.lines() + " lines of " + name
          + " are invalid; nothing was stored (fix them, or --skip-invalid to store the valid lines)");
      err.flush();
      return ExitCodes.USAGE;
    }
    for (EventLines.LineError le : result.invalid()) {
      err.println("cloudedge: " + name + ":" + le.line() + ": skipped: " + le.error());
    }
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    if (output.format() == OutputFormat.TABLE) {
      out.printf("stored %d events from %s (%d lines): %d new, %d duplicates, %d invalid lines skipped, "
              + "%d transaction%s%n", result.stored(), name, result.lines(), result.stored() - result.duplicates(),
          result.duplicates(), result.invalid().size(), result.transactions(), result.transactions() == 1 ? "" : "s");
      out.flush();
    } else {
      List<InvalidLine> invalid = new ArrayList<>();
      for (EventLines.LineError le : result.invalid()) {
        invalid.add(new InvalidLine(le.line(), le.error()));
      }
      Printer.structured(out, output.format(), new FileView(name, result.lines(), result.stored(),
          result.duplicates(), result.invalid().size(), result.transactions(), invalid));
    }
    return ExitCodes.OK;
  }

  private byte[] readInput() {
    try {
      if (file.equals("-")) {
        return System.in.readAllBytes();
      }
      return Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--file " + file + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("--file " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private FederationConfig loadConfig() {
    if (configFiles.isEmpty()) {
      return null;
    }
    try {
      return ConfigLoader.load(configFiles);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
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
}
