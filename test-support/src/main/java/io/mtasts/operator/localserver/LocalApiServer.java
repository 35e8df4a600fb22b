package io.mtasts.operator.localserver;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process Kubernetes API server on 127.0.0.1 (Fabric8's mock server in CRUD mode) that
 * records every request, so tests, the demo and benchmarks can run the operator without a cluster
 * and count what it asks of the API. It has no server-side apply, no admission and no garbage
 * collection. Unlike the plain mock server, it refuses a status replacement carrying a stale
 * resourceVersion (409) and a JSON patch whose test fails (422), as a real API server does.
 */
public final class LocalApiServer implements AutoCloseable {

  /** One request as the API server saw it. */
  public record ApiRequest(String method, String path) {
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    public boolean isWrite() {
      return WRITES.contains(method);
    }

    /** The resource plural the path names, such as {@code configmaps}, or the path. */
    public String resource() {
      String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      String[] parts = p.split("/");
      for (int i = parts.length - 1; i > 0; i--) {
        if (parts[i - 1].equals("namespaces") && i < parts.length - 1) {
          return parts[i + 1];
        }
      }
      return parts.length > 0 ? parts[parts.length - 1] : p;
    }
  }

  /** Held so the level sticks: the mock server logs every request at INFO otherwise. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
  private final KubernetesMockServer server;
  /** Lists (GETs that are no watch) whose path contains this wait for {@link #releaseLists}. */
  private volatile String heldLists;
  private volatile java.util.concurrent.CountDownLatch listGate =
      new java.util.concurrent.CountDownLatch(0);

  public LocalApiServer() {
    KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(List.of()) {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.add(new ApiRequest(request.getMethod().toUpperCase(Locale.ROOT),
            request.getPath()));
        String held = heldLists;
        if (held != null && "GET".equalsIgnoreCase(request.getMethod())
            && request.getPath().contains(held) && !request.getPath().contains("watch=true")) {
          try {
            listGate.await(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if ("PUT".equalsIgnoreCase(request.getMethod()) && isStatus(request.getPath())) {
          synchronized (this) {
            MockResponse stale = staleStatusWrite(request);
            return stale != null ? stale : super.dispatch(request);
          }
        }
        try {
          return super.dispatch(request);
        } catch (RuntimeException e) {
          if (!e.getClass().getName().endsWith("JsonPatchException")) {
            throw e;
          }
          // the mock server lets a JSON patch whose test fails escape, and never answers; a
          // real API server refuses it
          return status(422, "Invalid", e.getMessage());
        }
      }

      /**
       * The mock server applies a status replacement to the stored object whatever
       * resourceVersion it carries; a real API server refuses a stale one with 409.
       */
      private MockResponse staleStatusWrite(RecordedRequest request) {
        // read without consuming: the body is dispatched after the check
        String sent = resourceVersion(new String(request.getBody().getBytes(),
            java.nio.charset.StandardCharsets.UTF_8));
        if (sent == null) {
          return null;
        }
        String path = request.getPath();
        int query = path.indexOf('?');
        String object = (query < 0 ? path : path.substring(0, query))
            .replaceFirst("/status$", "");
        MockResponse current = super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET,
            object, new Headers.Builder().build(), new Buffer()));
        String stored = current.code() == 200 ? resourceVersion(current.getBody().readUtf8())
            : null;
        if (stored == null || stored.equals(sent)) {
          return null;
        }
        return status(409, "Conflict", "the object has been modified; please apply your"
            + " changes to the latest version and try again");
      }
    };
    server = new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getLoopbackAddress(), 0);
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start the local API server", e);
    }
  }

  /** A refusal as the API server words it: a Status object. */
  private static MockResponse status(int code, String reason, String message) {
    var body = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
        .put("status", "Failure").put("reason", reason).put("code", code)
        .put("message", message);
    return new MockResponse().setResponseCode(code).setBody(body.toString());
  }

  private static boolean isStatus(String path) {
    int query = path.indexOf('?');
    return (query < 0 ? path : path.substring(0, query)).endsWith("/status");
  }

  private static String resourceVersion(String json) {
    try {
      JsonNode rv = JSON.readTree(json).path("metadata").path("resourceVersion");
      return rv.isTextual() ? rv.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A client of this server, reading leniently as the operator's own clients do (fields it does
   * not know are ignored, not an error).
   */
  public KubernetesClient newClient() {
    return server.createClient(b -> b.withKubernetesSerialization(new KubernetesSerialization(
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false),
        true)));
  }

  /** Installs the MtaStsPolicy CRD that the build generated (it is on the classpath). */
  public void installPolicyCrd(KubernetesClient client) {
    installCrd(client, "/META-INF/fabric8/mtastspolicies.mtasts.io-v1.yml");
  }

  public void installCrd(KubernetesClient client, String classpathResource) {
    try (InputStream in = LocalApiServer.class.getResourceAsStream(classpathResource)) {
      if (in == null) {
        throw new IllegalStateException(classpathResource + " is not on the classpath");
      }
      CustomResourceDefinition crd = client.getKubernetesSerialization()
          .unmarshal(in, CustomResourceDefinition.class);
      client.resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A CRD for a kind of another project (Gateway API, cert-manager) whose schema the local
   * server need not check: every field is kept as written.
   */
  public void installStandInCrd(KubernetesClient client, String group, String kind,
      String plural, String version) {
    client.resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec()
        .withGroup(group)
        .withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural)
        .withSingular(kind.toLowerCase(java.util.Locale.ROOT)).endNames()
        .addNewVersion().withName(version).withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object")
        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion()
        .endSpec()
        .build()).create();
  }

  /**
   * Holds back the answers to lists whose path contains {@code pathPart} (such as a resource
   * plural) until {@link #releaseLists()}, so a test can see a client before its first list.
   */
  public void holdLists(String pathPart) {
    listGate = new java.util.concurrent.CountDownLatch(1);
    heldLists = pathPart;
  }

  /** Answers the held lists and stops holding. */
  public void releaseLists() {
    heldLists = null;
    listGate.countDown();
  }

  /** Every request so far, in order. */
  public List<ApiRequest> requests() {
    return new ArrayList<>(requests);
  }

  public long writeCount() {
    return requests.stream().filter(ApiRequest::isWrite).count();
  }

  public void clearRequests() {
    requests.clear();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
