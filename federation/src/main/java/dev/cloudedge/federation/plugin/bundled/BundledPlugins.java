package dev.cloudedge.federation.plugin.bundled;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cloudedge.federation.plugin.PluginJson;
import dev.cloudedge.federation.plugin.PluginRequest;
import dev.cloudedge.federation.plugin.PluginResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The plugins shipped with the product, runnable through the plugin protocol (for example
 * {@code bin/cloudedge plugin exec aws-address-claim}, or the launchers under {@code plugins/}):
 * read a PluginRequest on stdin, print a PluginResult on stdout and exit 0, or print
 * {@code <name>: <why>} on stderr and exit 1.
 */
public final class BundledPlugins {
  /** Exit code: stdout holds a PluginResult. */
  public static final int EXIT_OK = 0;
  /** Exit code: the plugin refused or could not read its request. */
  public static final int EXIT_FAILED = 1;

  /** One bundled plugin. */
  public record Bundled(String name, String description, List<String> capabilities, String timeout) {}

  /** Every bundled plugin, with the manifest values the reference gives them. */
  public static final List<Bundled> ALL = List.of(
      new Bundled(EventToRemoteClaim.NAME, "Observed client address → RemoteAddressClaim (provider-agnostic)",
          List.of("observe.cloud", "propose.dynamicConfig"), "10s"),
      new Bundled("aws-address-claim", "Observed client address → claim + dry-run AWS secondary-IP and forwarding plans",
          List.of("observe.cloud", "propose.dynamicConfig"), "10s"),
      new Bundled("azure-address-claim",
          "Observed client address → claim + dry-run Azure secondary-IP and forwarding plans",
          List.of("observe.cloud", "propose.dynamicConfig"), "10s"),
      new Bundled("oci-address-claim", "Observed client address → claim + dry-run OCI secondary-IP and forwarding plans",
          List.of("observe.cloud", "propose.dynamicConfig"), "10s"));

  private BundledPlugins() {}

  /** The bundled plugin of this name. */
  public static Optional<Bundled> find(String name) {
    return ALL.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /**
   * Runs a bundled plugin on a request.
   *
   * @throws IllegalArgumentException for an unknown name
   * @throws BundledPluginException when the plugin refuses the request
   */
  public static PluginResult run(String name, PluginRequest request) throws BundledPluginException {
    return switch (name) {
      case EventToRemoteClaim.NAME -> EventToRemoteClaim.build(request);
      case "aws-address-claim" -> AddressClaimPlanner.build(AddressClaimPlanner.AWS, request);
      case "azure-address-claim" -> AddressClaimPlanner.build(AddressClaimPlanner.AZURE, request);
      case "oci-address-claim" -> AddressClaimPlanner.build(AddressClaimPlanner.OCI, request);
      default -> throw unknown(name);
    };
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown bundled plugin \"" + name + "\" (known: "
        + String.join(", ", ALL.stream().map(Bundled::name).toList()) + ")");
  }

  /**
   * The plugin protocol around {@link #run}: request from {@code in}, result JSON (2-space
   * indent) to {@code out}, {@code <name>: <why>} to {@code err}.
   *
   * @return {@link #EXIT_OK} or {@link #EXIT_FAILED}
   * @throws IllegalArgumentException for an unknown name (a usage error, checked before reading stdin)
   */
  public static int exec(String name, InputStream in, PrintWriter out, PrintWriter err) {
    if (find(name).isEmpty()) {
      throw unknown(name);
    }
    PluginRequest request;
    try {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      request = PluginJson.MAPPER.readValue(text, PluginRequest.class);
      if (request == null || request.spec() == null) {
        throw new BundledPluginException("PluginRequest has no spec");
      }
    } catch (IOException e) {
      String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      err.println(name + ": read PluginRequest: " + msg);
      err.flush();
      return EXIT_FAILED;
    } catch (BundledPluginException e) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    }
    try {
      PluginResult result = run(name, request);
      out.println(PluginJson.PRETTY.writeValueAsString(result));
      out.flush();
      return EXIT_OK;
    } catch (BundledPluginException e) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    } catch (JsonProcessingException e) {
      err.println(name + ": encode PluginResult: " + e.getOriginalMessage());
      err.flush();
      return EXIT_FAILED;
    }
  }
}
