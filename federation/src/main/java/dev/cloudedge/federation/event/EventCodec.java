package dev.cloudedge.federation.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The event's wire JSON (reference §1.1): a compact encoder in Go's field order and a decoder as
 * lenient as Go's {@code encoding/json}: keys match case-insensitively, the last duplicate wins,
 * unknown keys are ignored and {@code null} leaves a field at its zero value. A body must hold
 * exactly one JSON object and nothing after it.
 */
public final class EventCodec {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private EventCodec() {}

  /** Encodes an event compactly, exactly as the pusher sends it. */
  public static byte[] encode(FederationEvent ev) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", ev.id());
      g.writeStringField("group", ev.group());
      if (!ev.sourceNode().isEmpty()) {
        g.writeStringField("sourceNode", ev.sourceNode());
      }
      g.writeStringField("type", ev.type());
      if (!ev.subject().isEmpty()) {
        g.writeStringField("subject", ev.subject());
      }
      if (!ev.dedupeKey().isEmpty()) {
        g.writeStringField("dedupeKey", ev.dedupeKey());
      }
      if (!ev.payload().isEmpty()) {
        g.writeObjectFieldStart("payload");
        for (Map.Entry<String, String> e : ev.payload().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeStringField("observedAt", GoTime.format(ev.observedAt()));
      g.writeStringField("expiresAt", GoTime.format(ev.expiresAt()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one event without normalizing or validating it.
   *
   * @throws EventDecodeException when the body is empty, not an object, has wrongly typed fields,
   *     bad times, or bytes after the object
   */
  public static FederationEvent decode(byte[] body) throws EventDecodeException {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new EventDecodeException("event body must be a JSON object");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName().toLowerCase(Locale.ROOT);
        JsonToken t = p.nextToken();
        switch (key) {
          case "id", "group", "sourcenode", "type", "subject", "dedupekey" ->
              fields.put(key, readString(p, t, key));
          case "payload" -> fields.put(key, readPayload(p, t));
          case "observedat", "expiresat" -> {
            String s = readString(p, t, key);
            fields.put(key, s == null ? null : parseTime(s, key));
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new EventDecodeException("unexpected data after the event object");
      }
      @SuppressWarnings("unchecked")
      Map<String, String> payload = (Map<String, String>) fields.get("payload");
      return new FederationEvent(
          (String) fields.get("id"),
          (String) fields.get("group"),
          (String) fields.get("sourcenode"),
          (String) fields.get("type"),
          (String) fields.get("subject"),
          (String) fields.get("dedupekey"),
          payload,
          (Instant) fields.get("observedat"),
          (Instant) fields.get("expiresat"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new EventDecodeException("malformed event JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new EventDecodeException("unreadable event body: " + e.getMessage(), e);
    }
  }

  private static String readString(JsonParser p, JsonToken t, String key) throws IOException, EventDecodeException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw new EventDecodeException("event field " + key + " must be a string");
    }
    return p.getText();
  }

  private static Map<String, String> readPayload(JsonParser p, JsonToken t) throws IOException, EventDecodeException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw new EventDecodeException("event payload must be an object of strings");
    }
    Map<String, String> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        m.put(k, "");
      } else if (v == JsonToken.VALUE_STRING) {
        m.put(k, p.getText());
      } else {
        throw new EventDecodeException("event payload value for key " + k + " must be a string");
      }
    }
    return m;
  }

  private static Instant parseTime(String s, String key) throws EventDecodeException {
    try {
      return GoTime.parse(s);
    } catch (IllegalArgumentException e) {
      throw new EventDecodeException("event field " + key + ": " + e.getMessage(), e);
    }
  }
}
