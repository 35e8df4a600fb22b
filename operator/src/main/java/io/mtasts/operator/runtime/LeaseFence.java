package io.mtasts.operator.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses this instance's writes to the API server once its hold on the leader Lease may have run
 * out. A leader that was paused (SIGSTOP, a stalled VM, a long GC) resumes with reconciles in
 * mid-flight; they would write at once, before its elector learns that a standby took the Lease
 * meanwhile, and an old leader's status write can advertise an id whose bytes the new leader has
 * replaced. The fence counts from the renewTime each successful Lease write recorded (the time
 * other candidates count from) and lets other writes through only within {@code window} of it;
 * the window is shorter than the lease duration, so that a write let through reaches the API
 * server before any standby may take over. Reads always pass.
 */
public final class LeaseFence implements Interceptor {

  /** The name of this interceptor in the client's chain. */
  public static final String NAME = "lease-fence";

  private static final Logger LOG = LoggerFactory.getLogger(LeaseFence.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/";
  private static final String REVIEWS_AUTHZ = "/apis/authorization.k8s.io/";
  private static final String REVIEWS_AUTHN = "/apis/authentication.k8s.io/";

  private final String leaseName;
  private final Duration window;
  private final Clock clock;
  private volatile Instant writableUntil = Instant.MIN;

  /**
   * @param leaseName the leader Lease this instance renews (in whichever namespace)
   * @param window how long after a recorded renewTime writes may still start
   */
  public LeaseFence(String leaseName, Duration window, Clock clock) {
    this.leaseName = leaseName;
    this.window = window;
    this.clock = clock;
  }

  /** Refused by the fence: this instance no longer knows that it holds the Lease. */
  public static final class LeaseExpiredException extends KubernetesClientException {
    private static final long serialVersionUID = 1L;

    LeaseExpiredException(String message) {
      super(message);
    }
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!WRITES.contains(request.method()) || isLeaseWrite(request) || changesNothing(request)) {
      return;
    }
    Instant now = clock.instant();
    Instant until = writableUntil;
    if (!now.isBefore(until)) {
      String what = request.method() + " " + request.uri().getPath();
      LOG.warn("Not writing ({}): the leader Lease {} was last renewed {}; another instance may"
          + " lead now", what, leaseName, until.equals(Instant.MIN) ? "never"
          : "before " + until.minus(window));
      throw new LeaseExpiredException("the leader Lease " + leaseName + " is not known to be held"
          + " by this instance; refused " + what);
    }
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (!WRITES.contains(request.method()) || !isLeaseWrite(request)
        || !HttpResponse.isSuccessful(response.code())) {
      return;
    }
    Optional<Instant> renewed = heldSince(request.bodyString());
    // a write without a holder (the release on shutdown) closes the fence at once
    writableUntil = renewed.map(r -> r.plus(window)).orElse(Instant.MIN);
  }

  /** Whether writes would pass now. */
  public boolean open() {
    return clock.instant().isBefore(writableUntil);
  }

  /**
   * Questions sent as POST (access and token reviews, which the framework asks on start-up
   * before any Lease is held) and dry runs store nothing, so any instance may send them.
   */
  private static boolean changesNothing(HttpRequest request) {
    String path = request.uri().getPath();
    String query = request.uri().getRawQuery();
    return "POST".equals(request.method()) && (path.startsWith(REVIEWS_AUTHZ)
        || path.startsWith(REVIEWS_AUTHN))
        || query != null && query.contains("dryRun=All");
  }

  private boolean isLeaseWrite(HttpRequest request) {
    String path = request.uri().getPath();
    int at = path.indexOf(LEASES);
    if (at < 0) {
      return false;
    }
    String rest = path.substring(at + LEASES.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String tail = rest.substring(slash + 1);
    if (tail.equals("leases/" + leaseName)) {
      return true;
    }
    // a create posts to the collection and names the Lease in its body
    return tail.equals("leases") && "POST".equals(request.method())
        && leaseName.equals(field(request.bodyString(), "/metadata/name"));
  }

  /** The renewTime of a Lease body that names a holder, else empty. */
  private static Optional<Instant> heldSince(String body) {
    String holder = field(body, "/spec/holderIdentity");
    String renewTime = field(body, "/spec/renewTime");
    if (holder == null || holder.isEmpty() || renewTime == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(renewTime).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String field(String body, String pointer) {
    if (body == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body).at(pointer);
      return node.isTextual() ? node.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
