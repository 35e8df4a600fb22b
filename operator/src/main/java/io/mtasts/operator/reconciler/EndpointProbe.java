package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.reconciler.status.NotServed;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Asks every serving endpoint of a plan's web server for the policy and decides whether the new
 * bytes are served everywhere (RFC 8461 section 8.1: the policy is updated before its id). All
 * policies share one small pool of probe threads, and one check takes at most the overall bound
 * however many endpoints there are, so a slow or silent endpoint cannot hold the reconcile threads.
 *
 * <p>Only addresses of pods are contacted: literal IP addresses from EndpointSlices, never a
 * name to look up. Loopback addresses (and addresses on a loopback interface of the operator's
 * host) would reach the operator's own pod and are refused unless the setting
 * {@code MTASTS_PROBE_ALLOW_LOOPBACK} allows them; unspecified, link-local (cloud metadata) and
 * multicast addresses are always refused.
 */
public final class EndpointProbe implements AutoCloseable {

  /** The setting that lets the probe contact loopback addresses. */
  public static final String ALLOW_LOOPBACK_SETTING = "MTASTS_PROBE_ALLOW_LOOPBACK";
  /** Endpoints named in a message; the rest are counted. */
  private static final int NAMED = 3;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final ServedPolicyProbe probe;
  private final boolean allowLoopback;
  private final Duration overall;
  private final ExecutorService pool;

  /**
   * @param probe fetches from one endpoint (bounded in time by itself)
   * @param allowLoopback whether loopback addresses may be contacted
   * @param overall the most one check of all endpoints of a plan may take
   * @param threads probe requests at most at once, across all policies
   */
  public EndpointProbe(
      ServedPolicyProbe probe, boolean allowLoopback, Duration overall, int threads) {
    this.probe = probe;
    this.allowLoopback = allowLoopback;
    this.overall = overall;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "served-policy-probe-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Empty when every endpoint serves exactly the plan's bytes; otherwise the reason and a
   * message naming the endpoints that do not, what was expected and what came back.
   */
  public Optional<NotServed> check(PolicyPlan plan, String service, List<ServingEndpoint> endpoints)
      throws InterruptedException {
    if (endpoints.isEmpty()) {
      return Optional.of(new NotServed(ConditionReasons.NO_SERVING_ENDPOINT, "the Service "
          + service + " has no ready endpoint: no EndpointSlice labelled "
          + ServingEndpoints.SERVICE_NAME_LABEL + "=" + service
          + " lists a ready pod address, so no pod serves policy " + plan.policyId()));
    }
    long deadline = System.nanoTime() + overall.toNanos();
    List<Future<byte[]>> answers = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (ServingEndpoint endpoint : endpoints) {
      Optional<String> why = refusal(endpoint.address());
      refused.add(why.orElse(null));
      answers.add(why.isPresent() ? null : pool.submit(() -> probe.fetch(plan, endpoint)));
    }
    List<String> failed = new ArrayList<>();
    List<String> differ = new ArrayList<>();
    try {
      for (int i = 0; i < endpoints.size(); i++) {
        ServingEndpoint endpoint = endpoints.get(i);
        if (refused.get(i) != null) {
          failed.add(endpoint.describe() + ": not probed, " + refused.get(i));
          continue;
        }
        try {
          long left = deadline - System.nanoTime();
          byte[] served = answers.get(i).get(Math.max(0, left), TimeUnit.NANOSECONDS);
          if (!Arrays.equals(served, plan.policyBytes())) {
            differ.add(endpoint.describe() + " answered " + served.length + " bytes that are"
                + " not policy " + plan.policyId());
          }
        } catch (TimeoutException | CancellationException e) {
          failed.add(endpoint.describe() + ": no answer within the probe's overall bound of "
              + HttpServedPolicyProbe.seconds(overall));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          failed.add(endpoint.describe() + ": " + (cause instanceof IOException
              && cause.getMessage() != null ? cause.getMessage()
              : HttpServedPolicyProbe.describe(cause)));
        }
      }
    } finally {
      answers.stream().filter(f -> f != null && !f.isDone()).forEach(f -> f.cancel(true));
    }
    String expected = "expected the " + plan.policyBytes().length + " bytes of policy "
        + plan.policyId() + " from each of " + endpoints.size() + " endpoint"
        + (endpoints.size() == 1 ? "" : "s");
    if (!failed.isEmpty()) {
      return Optional.of(new NotServed(ConditionReasons.ENDPOINT_PROBE_FAILED,
          "fetching the policy from the web server failed: " + list(failed) + "; " + expected));
    }
    if (!differ.isEmpty()) {
      return Optional.of(new NotServed(ConditionReasons.SERVED_POLICY_DIFFERS,
          "the web server does not serve policy " + plan.policyId() + " everywhere yet: "
              + list(differ) + "; " + expected));
    }
    return Optional.empty();
  }

  private static String list(List<String> items) {
    String named = String.join("; ", items.subList(0, Math.min(NAMED, items.size())));
    return items.size() > NAMED ? named + "; and " + (items.size() - NAMED) + " more" : named;
  }

  /** Why {@code address} must not be contacted, if it must not. */
  Optional<String> refusal(String address) {
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      return Optional.of(address + " is not an IP address");
    }
    InetAddress ip;
    try {
      ip = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      return Optional.of(address + " is not an IP address");
    }
    if (ip.isAnyLocalAddress()) {
      return Optional.of(address + " is the unspecified address");
    }
    if (ip.isLinkLocalAddress()) {
      return Optional.of(address + " is a link-local address, never probed");
    }
    if (ip.isMulticastAddress()) {
      return Optional.of(address + " is a multicast address");
    }
    if (!allowLoopback && isLoopback(ip)) {
      return Optional.of(address + " is a loopback address, probed only with "
          + ALLOW_LOOPBACK_SETTING + "=true");
    }
    return Optional.empty();
  }

  /** A loopback address, or one assigned to a loopback interface of this host. */
  private static boolean isLoopback(InetAddress ip) {
    if (ip.isLoopbackAddress()) {
      return true;
    }
    try {
      NetworkInterface nic = NetworkInterface.getByInetAddress(ip);
      return nic != null && nic.isLoopback();
    } catch (SocketException e) {
      // the interfaces cannot be read: count it as loopback rather than risk reaching ourselves
      return true;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    if (probe instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // nothing is left to release
      }
    }
  }
}
