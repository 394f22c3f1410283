package dev.cloudedge.federation.emit;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cloudedge.federation.config.GoDuration;
import dev.cloudedge.federation.event.EventIds;
import dev.cloudedge.federation.event.EventValidationException;
import dev.cloudedge.federation.event.FederationEvent;
import dev.cloudedge.federation.event.GoText;
import dev.cloudedge.federation.event.GoTime;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses newline-delimited events for {@code federation event emit --file}: one JSON object per
 * line with the fields the single-event flags take, turned into events exactly as the flags are
 * (id generated when blank, observedAt defaulting to now, expiresAt = observedAt + ttl, then the
 * event's own normalization and validation). Blank lines, {@code \r\n} line ends and a trailing
 * newline are fine. Every bad line is reported with its 1-based number; parsing never stops at
 * the first one.
 *
 * <p>A line: {@code {"group":"g","type":"t","subject":"s","sourceNode":"n","id":"i",
 * "dedupeKey":"k","payload":{"k":"v"},"ttl":"30m","observedAt":"2026-05-30T12:00:00Z"}};
 * {@code group} and {@code type} are required, every other field is optional, every value is a
 * string (payload values too), keys are exact and case-sensitive, and an unknown or repeated key
 * is an error (a typo must not silently drop a field).
 */
public final class EventLines {
  /** The longest line accepted: a receiver refuses bodies over 1 MiB, so a longer event could never be pushed. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  /** The field names a line may carry, in documentation order. */
  public static final List<String> FIELDS = List.of(
      "group", "type", "subject", "sourceNode", "id", "dedupeKey", "payload", "ttl", "observedAt");
  private static final Set<String> KNOWN = Set.copyOf(FIELDS);

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private EventLines() {}

  /**
   * One line that could not become an event.
   *
   * @param line the 1-based line number
   * @param error why, e.g. {@code federation event type is required}
   */
  public record LineError(long line, String error) {
    public LineError {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * One valid event and the line it came from.
   *
   * @param line the 1-based line number
   * @param event the normalized, validated event
   */
  public record LineEvent(long line, FederationEvent event) {
    public LineEvent {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * What a whole input parsed to.
   *
   * @param lines lines read (blank ones included)
   * @param events the valid events in input order
   * @param errors the bad lines in input order
   */
  public record Parsed(long lines, List<LineEvent> events, List<LineError> errors) {
    public Parsed {
      events = List.copyOf(events);
      errors = List.copyOf(errors);
    }
  }

  /**
   * Parses a whole input.
   *
   * @param data the raw bytes (UTF-8; a leading byte-order mark is skipped)
   * @param now the time used for generated ids and a missing observedAt
   */
  public static Parsed parse(byte[] data, Instant now) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(now, "now");
    List<LineEvent> events = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    int start = data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf
        ? 3 : 0;
    long lineNo = 0;
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    while (start < data.length) {
      int end = start;
      while (end < data.length && data[end] != '\n') {
        end++;
      }
      lineNo++;
      int stop = end > start && data[end - 1] == '\r' ? end - 1 : end;
      int len = stop - start;
      int from = start;
      start = end + 1;
      if (len > MAX_LINE_BYTES) {
        errors.add(new LineError(lineNo, "line is " + len + " bytes, longer than the 1 MiB a receiver accepts"));
        continue;
      }
      String text;
      try {
        text = decoder.reset().decode(ByteBuffer.wrap(data, from, len)).toString();
      } catch (CharacterCodingException e) {
        errors.add(new LineError(lineNo, "not valid UTF-8"));
        continue;
      }
      if (GoText.isBlank(text)) {
        continue;
      }
      try {
        events.add(new LineEvent(lineNo, event(text, now)));
      } catch (IllegalArgumentException e) {
        errors.add(new LineError(lineNo, e.getMessage()));
      }
    }
    return new Parsed(lineNo, events, errors);
  }

  /**
   * Turns one non-blank line into a normalized, valid event.
   *
   * @throws IllegalArgumentException with the reason, without the line number
   */
  static FederationEvent event(String line, Instant now) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
      String kind = e instanceof JsonParseException ? "not valid JSON" : "not a JSON object";
      throw new IllegalArgumentException(kind + where + ": " + shortMessage(e.getOriginalMessage()), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object (got " + (n == null ? "nothing" : n.getNodeType()
          .name().toLowerCase(java.util.Locale.ROOT)) + ")");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KNOWN.contains(k)) {
        throw new IllegalArgumentException("unknown field \"" + k + "\" (fields: " + String.join(", ", FIELDS) + ")");
      }
    }
    String group = text(n, "group");
    String type = text(n, "type");
    // The same checks, in the same order and with the same words, as the flags of a single emit.
    if (GoText.isBlank(group)) {
      throw new IllegalArgumentException("group is required");
    }
    if (GoText.isBlank(type)) {
      throw new IllegalArgumentException("type is required");
    }
    Map<String, String> payload = payload(n.get("payload"));
    Duration life = ttl(text(n, "ttl"), "ttl");
    Instant observed = observedAt(text(n, "observedAt"), now, "observedAt");
    String id = text(n, "id");
    String eventId = GoText.isBlank(id) ? EventIds.generate(now) : id;
    Instant expires = life.isZero() ? null : observed.plus(life);
    try {
      return new FederationEvent(eventId, group, text(n, "sourceNode"), type, text(n, "subject"),
          text(n, "dedupeKey"), payload, observed, expires).normalizedAndValid();
    } catch (EventValidationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Jackson's reason without its location boilerplate ("(start marker at [Source: ...])"). */
  private static String shortMessage(String m) {
    String out = m == null ? "" : m;
    for (String cut : new String[] {"\n", " (start marker at", " at [Source:"}) {
      int i = out.indexOf(cut);
      if (i >= 0) {
        out = out.substring(0, i);
      }
    }
    return out.strip();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null) {
      return "";
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a string, got " + kind(v));
    }
    return v.textValue();
  }

  private static String kind(JsonNode v) {
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Keys trimmed, values verbatim, as {@code --payload k=v}; an empty key is refused. */
  private static Map<String, String> payload(JsonNode p) {
    Map<String, String> out = new LinkedHashMap<>();
    if (p == null) {
      return out;
    }
    if (!p.isObject()) {
      throw new IllegalArgumentException("field \"payload\" must be an object of strings, got " + kind(p));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = GoText.trimSpace(e.getKey());
      if (key.isEmpty()) {
        throw new IllegalArgumentException("payload key must not be empty, got \"" + e.getKey() + "\"");
      }
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("payload \"" + e.getKey() + "\" must be a string, got " + kind(e.getValue()));
      }
      if (out.containsKey(key)) {
        throw new IllegalArgumentException("payload key \"" + key + "\" appears twice after trimming");
      }
      out.put(key, e.getValue().textValue());
    }
    return out;
  }

  /**
   * An event's time to live as emit takes it (Go duration, not negative); errors name {@code
   * field} ({@code ttl} in a line, {@code --ttl} on the command line).
   */
  public static Duration ttl(String text, String field) {
    Duration d;
    try {
      d = GoDuration.parse(GoText.trimSpace(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid " + field + ": " + e.getMessage(), e);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("invalid " + field + ": must not be negative, got \"" + text + "\"");
    }
    return d;
  }

  /**
   * When an event was observed as emit takes it: RFC 3339, or {@code now} when empty or Go's zero
   * time (the store would stamp it with now anyway); errors name {@code field}.
   */
  public static Instant observedAt(String text, Instant now, String field) {
    String t = GoText.trimSpace(text);
    if (t.isEmpty()) {
      return now;
    }
    try {
      Instant parsed = GoTime.parse(t);
      return parsed == null ? now : parsed;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid " + field + ": " + e.getMessage(), e);
    }
  }
}
