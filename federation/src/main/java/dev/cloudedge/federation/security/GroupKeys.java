package dev.cloudedge.federation.security;

import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.event.GoText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The keys of one EventGroup: the newest secret signs outgoing pushes; it and every previous
 * secret of a key rotation verify incoming requests.
 *
 * @param signing the key that signs ({@code spec.auth.secretFile})
 * @param accepted every key accepted on receive, signing key first
 */
public record GroupKeys(Secret signing, List<Secret> accepted) {
  public GroupKeys {
    Objects.requireNonNull(signing, "signing");
    accepted = List.copyOf(accepted);
    if (accepted.isEmpty() || !accepted.get(0).equals(signing)) {
      throw new IllegalArgumentException("accepted keys must start with the signing key");
    }
  }

  /** One key that both signs and verifies, as routerd uses it. */
  public static GroupKeys single(Secret key) {
    return new GroupKeys(key, List.of(key));
  }

  /** A rotation: {@code newest} signs, {@code newest} and {@code previous} verify. */
  public static GroupKeys rotating(Secret newest, List<Secret> previous) {
    List<Secret> all = new ArrayList<>();
    all.add(newest);
    all.addAll(previous);
    return new GroupKeys(newest, all);
  }

  /**
   * Loads the group's keys from {@code spec.auth.secretFile} and {@code spec.auth.previousSecretFiles}.
   *
   * @throws SecretException {@code read secret: ...} or {@code empty secret file <path>}
   */
  public static GroupKeys load(Kinds.Auth auth) {
    String file = GoText.trimSpace(auth.secretFile());
    if (file.isEmpty()) {
      throw new SecretException("read secret: spec.auth.secretFile is not set", null);
    }
    List<Secret> previous = new ArrayList<>();
    for (String p : auth.previousSecretFiles()) {
      previous.add(loadFile(Path.of(GoText.trimSpace(p))));
    }
    return rotating(loadFile(Path.of(file)), previous);
  }

  /**
   * Reads one secret file: the whole file, Go-trimmed, used as raw bytes (reference §2.4).
   *
   * @throws SecretException {@code read secret: open <path>: ...} or {@code empty secret file <path>}
   */
  public static Secret loadFile(Path path) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new SecretException("read secret: open " + path + ": no such file or directory", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new SecretException("read secret: open " + path + ": permission denied", e);
    } catch (IOException e) {
      throw new SecretException("read secret: " + path + ": " + e.getClass().getSimpleName(), e);
    }
    byte[] key = trim(raw);
    if (key.length == 0) {
      throw new SecretException("empty secret file " + path, null);
    }
    return Secret.of(key);
  }

  /**
   * Go's {@code bytes.TrimSpace}: Unicode white space when the bytes are UTF-8; a key that is not
   * valid UTF-8 is trimmed of ASCII white space only, so its other bytes stay exact.
   */
  static byte[] trim(byte[] raw) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(raw)).toString();
      return GoText.trimSpace(s).getBytes(StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      int from = 0;
      int to = raw.length;
      while (from < to && GoText.isSpace(raw[from] & 0xff) && raw[from] >= 0) {
        from++;
      }
      while (to > from && GoText.isSpace(raw[to - 1] & 0xff) && raw[to - 1] >= 0) {
        to--;
      }
      return java.util.Arrays.copyOfRange(raw, from, to);
    }
  }

  @Override
  public String toString() {
    return "GroupKeys[" + accepted.size() + " accepted, values redacted]";
  }
}
