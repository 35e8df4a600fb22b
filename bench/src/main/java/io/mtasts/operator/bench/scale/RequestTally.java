package io.mtasts.operator.bench.scale;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the API requests one client sends, by verb and resource, on the client side: installed
 * only on the operator's client, it sees the operator's requests and nobody else's, whichever API
 * server answers them.
 */
final class RequestTally implements Interceptor {

  private static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch", "delete");

  /** One kind of request: a Kubernetes verb and the resource it is about. */
  record Key(String verb, String resource) implements Comparable<Key> {
    boolean isWrite() {
      return WRITE_VERBS.contains(verb);
    }

    @Override
    public int compareTo(Key o) {
      int byResource = resource.compareTo(o.resource);
      return byResource != 0 ? byResource : verb.compareTo(o.verb);
    }
  }

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();
  private volatile long lastRequestNanos = System.nanoTime();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    counts.computeIfAbsent(classify(request.method(), request.uri().getRawPath(),
        request.uri().getRawQuery()), k -> new LongAdder()).increment();
    total.increment();
    lastRequestNanos = System.nanoTime();
  }

  /** The verb and resource of a request, as the API server's audit log would name them. */
  static Key classify(String method, String path, String query) {
    String[] parts = path.replaceAll("/+$", "").split("/");
    // /api/v1/... or /apis/group/version/...
    int i = parts.length > 1 && parts[1].equals("api") ? 3 : 4;
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2;
    }
    String resource = i < parts.length ? parts[i] : path;
    boolean named = i + 1 < parts.length;
    if (i + 2 < parts.length) {
      resource = resource + "/" + parts[i + 2];
    }
    boolean watch = query != null && query.contains("watch=true");
    String verb = switch (method.toUpperCase(java.util.Locale.ROOT)) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> watch ? "watch" : named ? "get" : "list";
    };
    return new Key(verb, resource);
  }

  Map<Key, Long> snapshot() {
    Map<Key, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  long writes() {
    return counts.entrySet().stream().filter(e -> e.getKey().isWrite())
        .mapToLong(e -> e.getValue().sum()).sum();
  }

  long total() {
    return total.sum();
  }

  long nanosSinceLastRequest() {
    return System.nanoTime() - lastRequestNanos;
  }

  void reset() {
    counts.clear();
    total.reset();
  }
}
