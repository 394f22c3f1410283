package dev.cloudedge.federation.remediation;

import dev.cloudedge.federation.config.ConfigException;
import dev.cloudedge.federation.config.ConfigLoader;
import dev.cloudedge.federation.config.ConfigProblem;
import dev.cloudedge.federation.config.ConfigValidator;
import dev.cloudedge.federation.config.FederationConfig;
import dev.cloudedge.federation.config.Kinds;
import dev.cloudedge.federation.config.Resource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets {@code spec.endpoint} of one EventPeer in the node's config files, atomically: the edited
 * file is written next to the original, fsynced and renamed over it, after a backup copy of the
 * original is kept. The edit is textual (only the endpoint line of that one document changes, the
 * rest of the file, comments included, stays byte for byte), and the result is re-parsed and
 * validated before the rename, so a bad value never reaches the file eventd reads.
 */
public final class PeerEndpointEditor {
  private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");
  private static final Pattern ENDPOINT_LINE = Pattern.compile("(?m)^([ \\t]+)endpoint:[^\\n]*$");
  private static final Pattern SPEC_LINE = Pattern.compile("(?m)^spec:[ \\t]*$");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private PeerEndpointEditor() {}

  /**
   * What was changed.
   *
   * @param file the config file edited
   * @param backup the copy of the file before the edit
   * @param previousEndpoint the endpoint before (empty when none)
   * @param endpoint the endpoint now
   * @param changed false when the file already had this endpoint (nothing written, no backup)
   */
  public record Change(Path file, Path backup, String previousEndpoint, String endpoint, boolean changed) {}

  /** Checks an operator-given endpoint: an http(s) base URL with a host, not ending in /v1/events. */
  public static String checkEndpoint(String endpoint) {
    String e = endpoint == null ? "" : endpoint.trim();
    if (e.isEmpty()) {
      throw new IllegalArgumentException("endpoint is empty");
    }
    if (!e.startsWith("http://") && !e.startsWith("https://")) {
      throw new IllegalArgumentException("endpoint must be an http:// or https:// base URL, got \"" + e + "\"");
    }
    URI u;
    try {
      u = URI.create(e);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("endpoint \"" + e + "\" is not a URL: " + ex.getMessage());
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("endpoint \"" + e + "\" has no host");
    }
    if (e.replaceAll("/+$", "").endsWith("/v1/events")) {
      throw new IllegalArgumentException("endpoint must be a base URL; /v1/events is appended, got \"" + e + "\"");
    }
    if (e.chars().anyMatch(ch -> ch <= ' ' || ch == '"' || ch == '\'' || ch == '#')) {
      throw new IllegalArgumentException("endpoint \"" + e + "\" contains whitespace, quotes or '#'");
    }
    return e;
  }

  /**
   * Sets the endpoint of the EventPeer of {@code group} whose {@code spec.nodeName} is {@code peer}.
   *
   * @throws IllegalArgumentException when the endpoint is invalid, no (or more than one) such peer
   *     exists, or the edited config does not validate; nothing is written then
   * @throws IOException when the file cannot be written; the original is untouched
   */
  public static Change setEndpoint(List<Path> configFiles, String group, String peer, String endpoint, Instant now)
      throws IOException {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(peer, "peer");
    String value = checkEndpoint(endpoint);
    List<Path> hits = new ArrayList<>();
    String previous = "";
    for (Path f : configFiles) {
      for (Resource r : load(List.of(f)).resources()) {
        if (!Kinds.EVENT_PEER.equals(r.kind())) {
          continue;
        }
        Kinds.EventPeer p = FederationConfig.of(List.of(r)).eventPeers().get(0);
        if (p.groupRef().equals(group) && p.nodeName().equals(peer)) {
          hits.add(f);
          previous = p.endpoint();
        }
      }
    }
    if (hits.isEmpty()) {
      throw new IllegalArgumentException("no EventPeer with groupRef " + group + " and nodeName " + peer + " in " + configFiles);
    }
    if (hits.size() > 1) {
      throw new IllegalArgumentException("EventPeer for " + group + "/" + peer + " is defined " + hits.size()
          + " times in " + configFiles + "; fix the config by hand");
    }
    Path file = hits.get(0);
    if (previous.equals(value)) {
      return new Change(file, null, previous, value, false);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String edited = edit(text, file, group, peer, value);
    List<Path> after = new ArrayList<>();
    Path tmp = file.resolveSibling("." + file.getFileName() + ".remediation.tmp");
    Files.writeString(tmp, edited, StandardCharsets.UTF_8);
    try {
      for (Path f : configFiles) {
        after.add(f.equals(file) ? tmp : f);
      }
      FederationConfig cfg = load(after);
      String got = cfg.eventPeers().stream().filter(p -> p.groupRef().equals(group) && p.nodeName().equals(peer))
          .map(Kinds.EventPeer::endpoint).findFirst().orElse("");
      if (!got.equals(value)) {
        throw new IllegalArgumentException("edit of " + file + " did not produce endpoint " + value + " (read back \"" + got + "\")");
      }
      List<ConfigProblem> problems = new ConfigValidator().validate(cfg);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("config with endpoint " + value + " does not validate: "
            + problems.get(0).message());
      }
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Path backup = file.resolveSibling(file.getFileName() + ".bak-" + STAMP.format(now));
      Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
      }
      return new Change(file, backup, previous, value, true);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Puts {@code backup} back in place of {@code file} (atomically), after a failed reload. */
  public static void restore(Path backup, Path file) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".restore.tmp");
    Files.copy(backup, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static FederationConfig load(List<Path> files) {
    try {
      return ConfigLoader.load(files);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  static String edit(String text, Path file, String group, String peer, String value) {
    Matcher sep = DOC_SEPARATOR.matcher(text);
    List<int[]> docs = new ArrayList<>();
    int start = 0;
    while (sep.find()) {
      docs.add(new int[] {start, sep.start()});
      start = sep.end();
    }
    docs.add(new int[] {start, text.length()});
    for (int[] d : docs) {
      String doc = text.substring(d[0], d[1]);
      List<Resource> rs;
      try {
        rs = ConfigLoader.parse(doc, file.toString());
      } catch (ConfigException e) {
        continue;
      }
      if (rs.size() != 1 || !Kinds.EVENT_PEER.equals(rs.get(0).kind())) {
        continue;
      }
      Kinds.EventPeer p = FederationConfig.of(rs).eventPeers().get(0);
      if (!p.groupRef().equals(group) || !p.nodeName().equals(peer)) {
        continue;
      }
      String newDoc;
      Matcher m = ENDPOINT_LINE.matcher(doc);
      if (m.find()) {
        newDoc = doc.substring(0, m.start()) + m.group(1) + "endpoint: " + value + doc.substring(m.end());
      } else {
        Matcher s = SPEC_LINE.matcher(doc);
        if (!s.find()) {
          throw new IllegalArgumentException(file + ": EventPeer for " + group + "/" + peer
              + " has no block-style spec: line to add the endpoint to; edit it by hand");
        }
        newDoc = doc.substring(0, s.end()) + "\n  endpoint: " + value + doc.substring(s.end());
      }
      return text.substring(0, d[0]) + newDoc + text.substring(d[1]);
    }
    throw new IllegalArgumentException(file + ": no EventPeer document for " + group + "/" + peer + " to edit");
  }
}
