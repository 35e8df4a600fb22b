package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.mtasts.operator.localserver.LocalApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The API server the operator runs against: the in-process mock server (the default), or the
 * cluster of {@code KUBECONFIG}, which has server-side apply and so gets the production setting.
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
        .withHttpClientBuilderConsumer(b -> {
          if (tally != null) {
            b.addOrReplaceInterceptor("request-tally", tally);
          }
        })
        .build();
  }

  static ApiTarget choose() {
    String kubeconfig = System.getenv("KUBECONFIG");
    return kubeconfig == null || kubeconfig.isBlank() ? new Mock() : new Cluster(kubeconfig);
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
      try (InputStream in = ApiTarget.class.getResourceAsStream(CRD_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath");
        }
        CustomResourceDefinition crd = client.getKubernetesSerialization()
            .unmarshal(in, CustomResourceDefinition.class);
        client.resource(crd).forceConflicts().fieldManager("mta-sts-bench").serverSideApply();
        client.resource(crd).waitUntilCondition(c -> c.getStatus() != null
            && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream().anyMatch(x ->
                "Established".equals(x.getType()) && "True".equals(x.getStatus())),
            60, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).create();
    }

    @Override
    void cleanUp(KubernetesClient client, String namespace) {
      client.namespaces().withName(namespace).delete();
    }
  }
}
