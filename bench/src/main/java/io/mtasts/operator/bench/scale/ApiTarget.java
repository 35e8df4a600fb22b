package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.mtasts.operator.localserver.LocalApiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The API server the operator runs against: the mock server (by default in a JVM of its own, or
 * in this one), or the cluster of {@code KUBECONFIG}, which has server-side apply and so gets the
 * production setting.
 */
abstract class ApiTarget implements AutoCloseable {

  static final String CRD_RESOURCE = "/META-INF/fabric8/mtastspolicies.mtasts.io-v1.yml";

  abstract Config config();

  abstract boolean serverSideApply();

  abstract String describe();

  /** Writes the API server itself saw, when it can tell (the mock server records requests). */
  OptionalLong serverWrites() {
    return OptionalLong.empty();
  }

  void clearServerRequests() {}

  /** Makes the CRD and the namespace available. */
  abstract void prepare(KubernetesClient client, String namespace);

  /** Removes what {@link #prepare} and the benchmark created, where that matters. */
  void cleanUp(KubernetesClient client, String namespace) {}

  @Override
  public void close() {}

  /** A new client of this API server, with the User-Agent given and, if any, a request tally. */
  KubernetesClient client(String userAgent, Interceptor tally) {
    Config config = new io.fabric8.kubernetes.client.ConfigBuilder(config())
        .withUserAgent(userAgent)
        .build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withKubernetesSerialization(io.mtasts.operator.runtime.OperatorRuntime
            .readingSerialization())
        .withHttpClientBuilderConsumer(b -> {
          if (tally != null) {
            b.addOrReplaceInterceptor("request-tally", tally);
          }
        })
        .build();
  }

  /**
   * KUBECONFIG's cluster when it is set; otherwise the mock server, in a JVM of its own unless
   * {@code inProcess}.
   */
  static ApiTarget choose(boolean inProcess) {
    String kubeconfig = System.getenv("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return new Cluster(kubeconfig);
    }
    return inProcess ? new Mock() : new MockProcess();
  }

  /** CPU seconds the API server's own JVM has used, when it has one. */
  double ownCpuSeconds() {
    return Double.NaN;
  }

  /** The heap after GC and RSS of the API server's own JVM, in MiB, when it has one. */
  Optional<double[]> ownMemoryMib() {
    return Optional.empty();
  }

  static CustomResourceDefinition policyCrd(KubernetesClient client) {
    try (InputStream in = ApiTarget.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath");
      }
      return client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The mock server (CRUD mode, no server-side apply) in a child JVM: MockApiServerProcess. */
  static final class MockProcess extends ApiTarget {
    private final Process process;
    private final BufferedReader answers;
    private final PrintStream commands;
    private final Config config;

    MockProcess() {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      try {
        process = new ProcessBuilder(java, "-Xmx" + System.getenv().getOrDefault(
                "BENCH_APISERVER_HEAP", "768m"), "-XX:+UseG1GC",
            "-cp", System.getProperty("java.class.path"),
            MockApiServerProcess.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String first = answers.readLine();
        if (first == null || !first.startsWith("URL ")) {
          throw new IllegalStateException("the mock API server process did not start: " + first);
        }
        config = new ConfigBuilder(Config.empty())
            .withMasterUrl(first.substring(4).trim())
            .withTrustCerts(true)
            .withNamespace("default")
            .withHttp2Disable(true)
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the mock API server process", e);
      }
    }

    private synchronized String ask(String command) {
      commands.println(command);
      try {
        String answer = answers.readLine();
        if (answer == null) {
          throw new IllegalStateException("the mock API server process ended");
        }
        return answer;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    Config config() {
      return config;
    }

    @Override
    boolean serverSideApply() {
      return false;
    }

    @Override
    String describe() {
      return "Fabric8 mock API server (CRUD mode) in its own JVM (pid " + process.pid() + "), "
          + config.getMasterUrl();
    }

    @Override
    OptionalLong serverWrites() {
      return OptionalLong.of(Long.parseLong(ask("writes").trim()));
    }

    @Override
    void clearServerRequests() {
      ask("clear");
    }

    @Override
    double ownCpuSeconds() {
      return Double.parseDouble(ask("cpu").trim());
    }

    @Override
    Optional<double[]> ownMemoryMib() {
      String[] parts = ask("heap").trim().split(" ");
      return Optional.of(new double[] {Double.parseDouble(parts[0]),
          Double.parseDouble(parts[1])});
    }

    @Override
    void prepare(KubernetesClient client, String namespace) {
      client.resource(policyCrd(client)).create();
    }

    @Override
    public void close() {
      commands.close();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  /** Fabric8's mock server in CRUD mode, in this JVM; it has no server-side apply. */
  static final class Mock extends ApiTarget {
    private final LocalApiServer api = new LocalApiServer();
    private final Config config;

    Mock() {
      try (KubernetesClient c = api.newClient()) {
        config = c.getConfiguration();
      }
    }

    @Override
    Config config() {
      return config;
    }

    @Override
    boolean serverSideApply() {
      return false;
    }

    @Override
    String describe() {
      return "Fabric8 mock API server (CRUD mode) in this JVM, " + config.getMasterUrl();
    }

    @Override
    OptionalLong serverWrites() {
      return OptionalLong.of(api.writeCount());
    }

    @Override
    void clearServerRequests() {
      api.clearRequests();
    }

    @Override
    void prepare(KubernetesClient client, String namespace) {
      api.installPolicyCrd(client);
    }

    @Override
    public void close() {
      api.close();
    }
  }

  /** The cluster of KUBECONFIG: the CRD is applied, the namespace created and later deleted. */
  static final class Cluster extends ApiTarget {
    private final Config config;
    private final String kubeconfig;

    Cluster(String kubeconfig) {
      this.kubeconfig = kubeconfig;
      this.config = Config.autoConfigure(null);
    }

    @Override
    Config config() {
      return config;
    }

    @Override
    boolean serverSideApply() {
      return true;
    }

    @Override
    String describe() {
      return "the cluster of KUBECONFIG=" + kubeconfig + ", " + config.getMasterUrl();
    }

    @Override
    void prepare(KubernetesClient client, String namespace) {
      CustomResourceDefinition crd = policyCrd(client);
      client.resource(crd).forceConflicts().fieldManager("mta-sts-bench").serverSideApply();
      client.resource(crd).waitUntilCondition(c -> c.getStatus() != null
          && c.getStatus().getConditions() != null
          && c.getStatus().getConditions().stream().anyMatch(x ->
              "Established".equals(x.getType()) && "True".equals(x.getStatus())),
          60, TimeUnit.SECONDS);
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).create();
    }

    @Override
    void cleanUp(KubernetesClient client, String namespace) {
      client.namespaces().withName(namespace).delete();
    }
  }
}
