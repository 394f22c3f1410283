package dev.cloudedge.federation.provider.executors;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.cloudedge.federation.provider.exec.ExecuteActionRequest;
import dev.cloudedge.federation.provider.exec.ExecuteActionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The process side of the bundled executors ({@code cloudedge executor exec aws|azure|oci}): reads
 * one {@link ExecuteActionRequest} from stdin, runs the provider's executor and writes one pretty
 * {@link ExecuteActionResult} (2-space indent) to stdout. Exits 0 even for a {@code failed} result;
 * exits 1 with {@code <name>-provider-executor: <err>} on stderr only when stdin cannot be read or
 * parsed, or stdout cannot be written.
 */
public final class BundledExecutors {
  /** The providers with a bundled executor. */
  public static final List<String> PROVIDERS = List.of("aws", "azure", "oci");

  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
      .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
      .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)
      .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private BundledExecutors() {}

  /** The executor for a provider, over the real CLI with the given environment. */
  public static ProviderExecutor forProvider(String provider, Map<String, String> env) {
    return switch (provider) {
      case "aws" -> new AwsExecutor(AwsExecutor.processCli(env));
      case "azure" -> AzureExecutor.production(env);
      case "oci" -> new OciExecutor(OciExecutor.processCli(env));
      default -> throw new IllegalArgumentException(
          "no bundled executor for provider \"" + provider + "\" (use aws, azure or oci)");
    };
  }

  /** Writes a result as routerd's executors do: pretty JSON with 2-space indent and a trailing newline. */
  public static String encode(ExecuteActionResult result) throws IOException {
    return PRETTY.writeValueAsString(result) + "\n";
  }

  /**
   * Runs one request.
   *
   * @param provider aws, azure or oci
   * @param env the executor's environment (the engine passes only PATH and the plugin's env)
   * @return the exit code
   */
  public static int run(String provider, InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env) {
    String p = provider.trim().toLowerCase(Locale.ROOT);
    String name = p + "-provider-executor";
    ProviderExecutor executor;
    try {
      executor = forProvider(p, env);
    } catch (IllegalArgumentException e) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    ExecuteActionRequest req;
    try {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      req = text.isBlank() ? ExecuteActionRequest.of(null) : JSON.readValue(text, ExecuteActionRequest.class);
      if (req == null) {
        req = ExecuteActionRequest.of(null);
      }
    } catch (IOException e) {
      err.println(name + ": decode request: " + e.getMessage().lines().findFirst().orElse(""));
      err.flush();
      return 1;
    }
    ExecuteActionResult result = executor.execute(req.spec());
    try {
      out.print(encode(result));
      out.flush();
      return out.checkError() ? 1 : 0;
    } catch (IOException e) {
      err.println(name + ": encode result: " + e.getMessage());
      err.flush();
      return 1;
    }
  }
}
