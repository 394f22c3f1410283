package dev.cloudedge.worker;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/** A connection to Temporal built from {@link TemporalSettings}. */
public final class TemporalConnection implements AutoCloseable {
  private final TemporalSettings settings;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;

  private TemporalConnection(TemporalSettings settings, WorkflowServiceStubs stubs) {
    this.settings = settings;
    this.stubs = stubs;
    this.client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  /**
   * Connects and checks the server answers within 10 s.
   *
   * @throws IllegalArgumentException when the settings are unusable or the server does not answer
   */
  public static TemporalConnection connect(TemporalSettings settings) {
    if (!settings.problems().isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", settings.problems()));
    }
    WorkflowServiceStubsOptions.Builder b = WorkflowServiceStubsOptions.newBuilder().setTarget(settings.target());
    try {
      if (settings.tls()) {
        SimpleSslContextBuilder ssl;
        if (settings.tlsCert() != null) {
          try (InputStream cert = Files.newInputStream(settings.tlsCert()); InputStream key = Files.newInputStream(settings.tlsKey())) {
            ssl = SimpleSslContextBuilder.forPKCS8(cert, key);
          }
        } else {
          ssl = SimpleSslContextBuilder.noKeyOrCertChain();
        }
        if (settings.tlsCa() != null) {
          ssl.setTrustManager(TrustStores.fromPem(settings.tlsCa()));
        }
        b.setSslContext(ssl.build());
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for " + settings.target() + ": " + e.getMessage(), e);
    }
    if (settings.apiKey() != null) {
      String key = settings.apiKey();
      b.addApiKey(() -> key);
    }
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(b.build());
    try {
      stubs.healthCheck();
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      throw new IllegalArgumentException("Temporal at " + settings.target() + " is not reachable: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0]), e);
    }
    return new TemporalConnection(settings, stubs);
  }

  /** The settings used. */
  public TemporalSettings settings() {
    return settings;
  }

  /** The workflow client for the namespace. */
  public WorkflowClient client() {
    return client;
  }

  /**
   * Whether the server is Temporal's Java test server (what {@code server start-dev}, {@code lab up}
   * and the harness embed): it reports no server version, and it has no web UI.
   */
  public boolean embeddedServer() {
    return stubs.blockingStub().getSystemInfo(io.temporal.api.workflowservice.v1.GetSystemInfoRequest.getDefaultInstance())
        .getServerVersion().isBlank();
  }

  /** The service stubs. */
  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
  }
}
