package dev.cloudedge.cli;

import dev.cloudedge.cli.options.TemporalOptions;
import dev.cloudedge.activities.node.FaultMethods;
import dev.cloudedge.worker.TemporalConnection;
import dev.cloudedge.worker.TopologyFile;
import dev.cloudedge.worker.Workers;
import dev.cloudedge.worker.node.HostedNode;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cloudedge worker}: hosts a node's eventd runtime and polls its task queue, and/or the control queue. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Host a node's eventd runtime (receivers, outbox, pruner) and poll the node's task queue for "
        + "qualification activities; with --control also run the qualification workflows and write evidence.",
        "A worker that crashes and restarts picks up where its activities left off."})
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TemporalOptions temporal;

  @Option(names = "--node", paramLabel = "NAME", description = "The node to host (its EventGroup spec.nodeName).")
  String node;

  @Option(names = "--config", paramLabel = "FILE", description = "Config file(s) of the node.")
  List<Path> config;

  @Option(names = "--state-file", paramLabel = "PATH", description = "The node's state database (default /var/lib/cloudedge/<node>.db).")
  Path stateFile;

  @Option(names = "--topology", paramLabel = "FILE", description = "Topology file whose faults.<node> commands apply and restore faults on this node.")
  Path topology;

  @Option(names = "--control", description = "Also poll the control queue (workflows and evidence).")
  boolean control;

  @Option(names = "--exit-with-stdin", description = "Shut down when stdin reaches end of file: a supervisor that "
      + "keeps a pipe to the worker open (the netns lab) takes the worker with it when it dies, even by SIGKILL.")
  boolean exitWithStdin;

  @Override
  public Integer call() throws InterruptedException {
    if (node == null && !control) {
      throw new IllegalArgumentException("worker needs --node NAME (with --config) and/or --control");
    }
    if (node != null && (config == null || config.isEmpty())) {
      throw new IllegalArgumentException("--node " + node + " needs at least one --config FILE");
    }
    FaultMethods faults = null;
    if (node != null) {
      faults = topology == null ? new dev.cloudedge.activities.node.CommandFaults("", "", "", "", "")
          : TopologyFile.load(topology).faultsOf(node);
    }
    TemporalConnection conn = TemporalConnection.connect(temporal.settings());
    HostedNode hosted = null;
    if (node != null) {
      Path state = stateFile != null ? stateFile : Path.of("/var/lib/cloudedge", node + ".db");
      hosted = HostedNode.start(node, config, state, faults, Workers.selfArtifact());
    }
    WorkerFactory factory = WorkerFactory.newInstance(conn.client());
    if (control) {
      Workers.control(factory, Workers.selfArtifact(), conn.settings().namespace());
    }
    if (hosted != null) {
      Workers.node(factory, hosted);
    }
    factory.start();
    HostedNode h = hosted;
    CountDownLatch stop = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable shutdown = () -> {
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      factory.shutdown();
      factory.awaitTermination(exitWithStdin ? 2 : 10, java.util.concurrent.TimeUnit.SECONDS);
      if (h != null) {
        h.close();
      }
      conn.close();
      stop.countDown();
    };
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown));
    if (exitWithStdin) {
      Thread eof = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // Nobody writes; only the end matters.
          }
        } catch (java.io.IOException e) {
          // A broken pipe is an end too.
        }
        shutdown.run();
      }, "exit-with-stdin");
      eof.setDaemon(true);
      eof.start();
    }
    if (hosted != null) {
      // A restart that killed this node's previous process is completed by this one.
      dev.cloudedge.activities.node.ProcessRestart.completePending(hosted, conn.client(), line -> {
        spec.commandLine().getErr().println("worker: " + line);
        spec.commandLine().getErr().flush();
      });
    }
    spec.commandLine().getOut().println("worker on " + conn.settings().target() + " namespace " + conn.settings().namespace()
        + (node != null ? ", node " + node + " (queue cloudedge-node-" + node + ")" : "") + (control ? ", control queue" : ""));
    spec.commandLine().getOut().flush();
    stop.await();
    return ExitCodes.OK;
  }
}
