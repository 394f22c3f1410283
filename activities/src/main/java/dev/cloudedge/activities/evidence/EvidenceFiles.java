package dev.cloudedge.activities.evidence;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** File helpers for evidence: atomic writes, pretty JSON like the bash harness, SHA-256 digests. */
public final class EvidenceFiles {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private EvidenceFiles() {}

  /** JSON with 2-space indent and a trailing newline. */
  public static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node).replace("\" : ", "\": ") + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code text} to {@code file} through a temporary file and an atomic rename. */
  public static void writeAtomically(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** SHA-256 of bytes, lowercase hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * SHA-256 of an artifact: the file's bytes, or for a directory of classes (a development build)
   * the digest of every file's relative path and digest in path order. {@code unknown} when absent.
   */
  public static String artifactSha256(Path artifact) {
    if (artifact == null || !Files.exists(artifact)) {
      return "unknown";
    }
    try {
      if (Files.isRegularFile(artifact)) {
        try (InputStream in = Files.newInputStream(artifact)) {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
          }
          return HexFormat.of().formatHex(md.digest());
        }
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(artifact)) {
        files = new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
      }
      StringBuilder b = new StringBuilder();
      for (Path f : files) {
        b.append(artifact.relativize(f).toString().replace('\\', '/')).append(' ')
            .append(sha256(Files.readAllBytes(f))).append('\n');
      }
      return sha256(b.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unknown";
    }
  }
}
