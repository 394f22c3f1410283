package dev.cloudedge.federation.event;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event's wire JSON (reference §1.1), byte for byte as routerd's Go code reads and writes it.
 *
 * <p>{@link #encode} is Go's {@code json.Marshal} of routerd's event struct: its field order, its
 * {@code omitempty} fields, map keys in byte order and Go's string escaping ({@link GoJson}).
 *
 * <p>{@link #decode} is Go's {@code json.Unmarshal} into that struct. The whole body must be one
 * valid JSON value (RFC 8259 as Go's scanner reads it: no byte-order mark, only space, tab, CR
 * and LF as white space, at most 10,000 levels of nesting). A top-level {@code null} is a zero
 * event. Keys match the struct fields exactly or else by Go's case folding ({@code "ſubject"} and
 * {@code "SUBJECT"} are {@code subject}); unknown keys are skipped; the last duplicate wins, and two
 * {@code payload} objects merge. {@code null} leaves a string or time field as it was and empties
 * {@code payload}. Strings have bad surrogate escapes and each invalid UTF-8 byte replaced by
 * U+FFFD; times are the raw string bytes parsed as strict RFC 3339 (no escapes). A value of the
 * wrong type anywhere makes the whole body fail.
 */
public final class EventCodec {
  /** Go's {@code maxNestingDepth}. */
  static final int MAX_DEPTH = 10_000;

  private static final String[] FIELDS = {
      "id", "group", "sourceNode", "type", "subject", "dedupeKey", "payload", "observedAt", "expiresAt"};
  private static final String[] FOLDED = new String[FIELDS.length];

  static {
    for (int i = 0; i < FIELDS.length; i++) {
      FOLDED[i] = GoJson.foldKey(FIELDS[i]);
    }
  }

  private EventCodec() {}

  /** Encodes an event compactly, exactly as routerd's pusher sends it. */
  public static byte[] encode(FederationEvent ev) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    field(out, "id", true);
    GoJson.appendString(out, ev.id());
    field(out, "group", false);
    GoJson.appendString(out, ev.group());
    if (!ev.sourceNode().isEmpty()) {
      field(out, "sourceNode", false);
      GoJson.appendString(out, ev.sourceNode());
    }
    field(out, "type", false);
    GoJson.appendString(out, ev.type());
    if (!ev.subject().isEmpty()) {
      field(out, "subject", false);
      GoJson.appendString(out, ev.subject());
    }
    if (!ev.dedupeKey().isEmpty()) {
      field(out, "dedupeKey", false);
      GoJson.appendString(out, ev.dedupeKey());
    }
    if (!ev.payload().isEmpty()) {
      field(out, "payload", false);
      appendPayload(out, ev.payload());
    }
    field(out, "observedAt", false);
    GoJson.appendString(out, GoTime.format(ev.observedAt()));
    field(out, "expiresAt", false);
    GoJson.appendString(out, GoTime.format(ev.expiresAt()));
    out.write('}');
    return out.toByteArray();
  }

  /**
   * A payload as Go's {@code json.Marshal} writes a {@code map[string]string}: keys in byte order,
   * Go's escapes. routerd stores payloads this way, and so do we.
   */
  public static String encodePayload(Map<String, String> payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    appendPayload(out, payload);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void appendPayload(ByteArrayOutputStream out, Map<String, String> payload) {
    out.write('{');
    List<Map.Entry<String, String>> entries = new ArrayList<>(payload.entrySet());
    entries.sort(Map.Entry.comparingByKey(GoJson.KEY_ORDER));
    boolean first = true;
    for (Map.Entry<String, String> e : entries) {
      if (!first) {
        out.write(',');
      }
      first = false;
      GoJson.appendString(out, e.getKey());
      out.write(':');
      GoJson.appendString(out, e.getValue());
    }
    out.write('}');
  }

  /**
   * Decodes a stored payload, a JSON object of strings, as Go's {@code json.Unmarshal} into a
   * {@code map[string]string} does ({@code null} values read as "", the last duplicate key wins).
   *
   * @throws EventDecodeException when it is not such an object
   */
  public static Map<String, String> decodePayload(byte[] json) throws EventDecodeException {
    return new Reader(json).payloadOnly();
  }

  private static void field(ByteArrayOutputStream out, String name, boolean first) {
    out.write(first ? '{' : ',');
    out.write('"');
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    out.write('"');
    out.write(':');
  }

  /**
   * Decodes one event as routerd's receiver does, without normalizing or validating it.
   *
   * @throws EventDecodeException when Go's {@code json.Unmarshal} fails on the body: malformed
   *     JSON, not an object or {@code null}, a wrongly typed field, a bad time, data after the value
   */
  public static FederationEvent decode(byte[] body) throws EventDecodeException {
    return new Reader(body).event();
  }

  /** One pass over the body that checks it as Go's scanner does and fills the struct as Go's decoder does. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private int depth;
    private final String[] strings = new String[6];
    private Map<String, String> payload;
    private Instant observedAt;
    private Instant expiresAt;

    Reader(byte[] b) {
      this.b = b;
    }

    FederationEvent event() throws EventDecodeException {
      ws();
      if (pos >= b.length) {
        throw new EventDecodeException("unexpected end of JSON input");
      }
      int c = b[pos] & 0xFF;
      if (c == '{') {
        object();
      } else if (c == 'n') {
        literal("null");
      } else {
        String kind = c == '[' ? "array" : c == '"' ? "string" : c == 't' || c == 'f' ? "bool" : "number";
        skipValue();
        ws();
        trailing();
        throw new EventDecodeException("cannot unmarshal " + kind + " into the event object");
      }
      ws();
      trailing();
      return new FederationEvent(strings[0], strings[1], strings[2], strings[3], strings[4], strings[5], payload,
          observedAt, expiresAt);
    }

    Map<String, String> payloadOnly() throws EventDecodeException {
      ws();
      if (pos >= b.length) {
        throw new EventDecodeException("unexpected end of JSON input");
      }
      payloadField();
      ws();
      trailing();
      return payload == null ? Map.of() : payload;
    }

    private void trailing() throws EventDecodeException {
      if (pos < b.length) {
        throw syntax("after top-level value");
      }
    }

    private void object() throws EventDecodeException {
      if (!openObject()) {
        return;
      }
      do {
        String key = memberKey();
        int f = field(key);
        switch (f) {
          case 0, 1, 2, 3, 4, 5 -> stringField(f, key);
          case 6 -> payloadField();
          case 7 -> observedAt = timeField(key, observedAt);
          case 8 -> expiresAt = timeField(key, expiresAt);
          default -> skipValue();
        }
      } while (nextMember());
    }

    /** Enters an object at its '{'; false when it is empty (and already left). */
    private boolean openObject() throws EventDecodeException {
      push();
      pos++;
      ws();
      if (peek() == '}') {
        pos++;
        depth--;
        return false;
      }
      return true;
    }

    /** A member's key, up to and past its ':'. */
    private String memberKey() throws EventDecodeException {
      ws();
      if (peek() != '"') {
        throw syntax("looking for beginning of object key string");
      }
      int ks = pos + 1;
      int ke = stringEnd();
      String key = GoJson.unquote(b, ks, ke);
      ws();
      expect(':', "after object key");
      ws();
      return key;
    }

    /** After a member's value: true at ',' (another member follows), false at '}' (the object is left). */
    private boolean nextMember() throws EventDecodeException {
      ws();
      int c = peek();
      if (c == ',') {
        pos++;
        return true;
      }
      if (c == '}') {
        pos++;
        depth--;
        return false;
      }
      throw syntax("after object key:value pair");
    }

    /** The struct field a key fills: the exact tag first, then Go's folded match; -1 for none. */
    private static int field(String key) {
      for (int i = 0; i < FIELDS.length; i++) {
        if (FIELDS[i].equals(key)) {
          return i;
        }
      }
      String folded = GoJson.foldKey(key);
      for (int i = 0; i < FOLDED.length; i++) {
        if (FOLDED[i].equals(folded)) {
          return i;
        }
      }
      return -1;
    }

    private void stringField(int f, String key) throws EventDecodeException {
      int c = peek();
      if (c == '"') {
        int s = pos + 1;
        int e = stringEnd();
        strings[f] = GoJson.unquote(b, s, e);
      } else if (c == 'n') {
        literal("null");
      } else {
        skipValue();
        throw new EventDecodeException("event field " + key + " must be a string");
      }
    }

    private void payloadField() throws EventDecodeException {
      int c = peek();
      if (c == 'n') {
        literal("null");
        payload = null;
        return;
      }
      if (c != '{') {
        skipValue();
        throw new EventDecodeException("event payload must be an object of strings");
      }
      if (payload == null) {
        payload = new LinkedHashMap<>();
      }
      if (!openObject()) {
        return;
      }
      do {
        String k = memberKey();
        int v = peek();
        if (v == '"') {
          int s = pos + 1;
          int e = stringEnd();
          payload.put(k, GoJson.unquote(b, s, e));
        } else if (v == 'n') {
          literal("null");
          payload.put(k, "");
        } else {
          skipValue();
          throw new EventDecodeException("event payload value for key " + k + " must be a string");
        }
      } while (nextMember());
    }

    /** Go's {@code time.Time.UnmarshalJSON}: null keeps the value; otherwise the raw string bytes, unescaped. */
    private Instant timeField(String key, Instant previous) throws EventDecodeException {
      int c = peek();
      if (c == 'n') {
        literal("null");
        return previous;
      }
      if (c != '"') {
        skipValue();
        throw new EventDecodeException("event field " + key + ": Time.UnmarshalJSON: input is not a JSON string");
      }
      int s = pos + 1;
      int e = stringEnd();
      try {
        return GoTime.parse(b, s, e);
      } catch (IllegalArgumentException ex) {
        throw new EventDecodeException("event field " + key + ": " + ex.getMessage(), ex);
      }
    }

    /** Skips one value of any kind, checking its syntax, without recursion. */
    private void skipValue() throws EventDecodeException {
      int base = depth;
      // containers[d] is true for an object at nesting level d (relative to base).
      boolean[] containers = null;
      while (true) {
        ws();
        int c = peek();
        boolean closedEmpty = false;
        if (c == '{' || c == '[') {
          push();
          if (containers == null) {
            containers = new boolean[16];
          }
          int level = depth - base;
          if (level >= containers.length) {
            containers = java.util.Arrays.copyOf(containers, containers.length * 2);
          }
          containers[level] = c == '{';
          pos++;
          ws();
          int close = c == '{' ? '}' : ']';
          if (peek() == close) {
            pos++;
            depth--;
            closedEmpty = true;
          } else if (c == '{') {
            objectKey();
            continue;
          } else {
            continue;
          }
        } else {
          scalar();
        }
        // After a value: close containers until one needs another element.
        while (true) {
          if (depth == base) {
            return;
          }
          ws();
          int d = peek();
          boolean inObject = containers[depth - base];
          if (d == ',') {
            pos++;
            if (inObject) {
              ws();
              objectKey();
            }
            break;
          }
          if ((inObject && d == '}') || (!inObject && d == ']')) {
            pos++;
            depth--;
            continue;
          }
          throw syntax(inObject ? "after object key:value pair" : "after array element");
        }
        if (closedEmpty && depth == base) {
          return;
        }
      }
    }

    private void objectKey() throws EventDecodeException {
      if (peek() != '"') {
        throw syntax("looking for beginning of object key string");
      }
      stringEnd();
      ws();
      expect(':', "after object key");
    }

    private void scalar() throws EventDecodeException {
      int c = peek();
      switch (c) {
        case '"' -> stringEnd();
        case 't' -> literal("true");
        case 'f' -> literal("false");
        case 'n' -> literal("null");
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            number();
          } else {
            throw syntax("looking for beginning of value");
          }
        }
      }
    }

    /** Go's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() throws EventDecodeException {
      if (peek() == '-') {
        pos++;
      }
      int c = peek();
      if (c == '0') {
        pos++;
      } else if (c >= '1' && c <= '9') {
        while (digit(peek())) {
          pos++;
        }
      } else {
        throw syntax("in numeric literal");
      }
      if (peek() == '.') {
        pos++;
        if (!digit(peek())) {
          throw syntax("after decimal point in numeric literal");
        }
        while (digit(peek())) {
          pos++;
        }
      }
      if (peek() == 'e' || peek() == 'E') {
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        if (!digit(peek())) {
          throw syntax("in exponent of numeric literal");
        }
        while (digit(peek())) {
          pos++;
        }
      }
    }

    private static boolean digit(int c) {
      return c >= '0' && c <= '9';
    }

    /**
     * At an opening quote: scans the string as Go's scanner does (control bytes are errors, only
     * the JSON escapes, any other byte passes, invalid UTF-8 included) and returns the index of
     * the closing quote; {@code pos} moves past it.
     */
    private int stringEnd() throws EventDecodeException {
      pos++;
      while (true) {
        if (pos >= b.length) {
          throw new EventDecodeException("unexpected end of JSON input");
        }
        int c = b[pos] & 0xFF;
        if (c == '"') {
          return pos++;
        }
        if (c < 0x20) {
          throw syntax("in string literal");
        }
        if (c == '\\') {
          pos++;
          int e = peek();
          switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos++;
            case 'u' -> {
              pos++;
              for (int k = 0; k < 4; k++) {
                if (Character.digit(peek(), 16) < 0 || peek() >= 0x80) {
                  throw syntax("in \\u hexadecimal character escape");
                }
                pos++;
              }
            }
            default -> throw syntax("in string escape code");
          }
          continue;
        }
        pos++;
      }
    }

    private void literal(String word) throws EventDecodeException {
      for (int i = 0; i < word.length(); i++) {
        if (peek() != word.charAt(i)) {
          throw syntax("in literal " + word);
        }
        pos++;
      }
    }

    private void expect(char c, String context) throws EventDecodeException {
      if (peek() != c) {
        throw syntax(context);
      }
      pos++;
    }

    private void push() throws EventDecodeException {
      if (++depth > MAX_DEPTH) {
        throw new EventDecodeException("exceeded max depth");
      }
    }

    /** Go's JSON white space: space, tab, CR, LF only. */
    private void ws() {
      while (pos < b.length) {
        int c = b[pos];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
          return;
        }
        pos++;
      }
    }

    /** The byte at {@code pos}, or -1 at the end. */
    private int peek() {
      return pos < b.length ? b[pos] & 0xFF : -1;
    }

    private EventDecodeException syntax(String context) {
      if (pos >= b.length) {
        return new EventDecodeException("unexpected end of JSON input");
      }
      int c = b[pos] & 0xFF;
      String shown = c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
      return new EventDecodeException("invalid character " + shown + " " + context + " at offset " + pos);
    }
  }
}
