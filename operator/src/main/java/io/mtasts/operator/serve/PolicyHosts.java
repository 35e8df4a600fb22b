package io.mtasts.operator.serve;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Policy host name to the exact bytes served for it.
 *
 * <p>Reads are lock-free (every request does one); changes are serialised on this object (which
 * {@link PolicyWatch} also holds while it reads its informers' stores), since a change of one
 * policy can hand a domain to another claimant. When two policies claim one domain the oldest
 * (creation time, then uid) is served and the later claimant not at all, as the operator decides
 * domain ownership: the server must never answer with bytes the operator does not advertise.
 */
public final class PolicyHosts {

  /** The host prefix of RFC 8461 section 3.3. */
  public static final String PREFIX = "mta-sts.";

  /**
   * One policy's claim.
   *
   * @param key NAMESPACE/NAME of the policy
   * @param domain mail domain, lower case without a trailing dot
   * @param receivesReports whether the policy asks for TLS reports here (spec.tlsRpt.receive)
   */
  public record Entry(String key, String domain, Instant created, String uid, byte[] body,
      boolean receivesReports) {
    public Entry {
      Objects.requireNonNull(key, "key");
      domain = normalDomain(domain);
      created = Objects.requireNonNullElse(created, Instant.MAX);
      uid = Objects.requireNonNullElse(uid, "");
      Objects.requireNonNull(body, "body");
    }

    public Entry(String key, String domain, Instant created, String uid, byte[] body) {
      this(key, domain, created, uid, body, false);
    }
  }

  private static final Comparator<Entry> OLDEST_FIRST =
      Comparator.comparing(Entry::created).thenComparing(Entry::uid);

  private final Map<String, byte[]> byHost = new ConcurrentHashMap<>();
  private final Map<String, Entry> servedByHost = new ConcurrentHashMap<>();
  private final Map<String, Entry> byPolicy = new HashMap<>();
  private final Map<String, Map<String, Entry>> claimants = new HashMap<>();

  /** The bytes for a request's Host header value, if a policy is served there. */
  public Optional<byte[]> lookup(String hostHeader) {
    String host = hostName(hostHeader);
    return host == null ? Optional.empty() : Optional.ofNullable(byHost.get(host));
  }

  /** The claim served for a request's Host header value, if any. */
  public Optional<Entry> served(String hostHeader) {
    String host = hostName(hostHeader);
    return host == null ? Optional.empty() : Optional.ofNullable(servedByHost.get(host));
  }

  /** Number of hosts served. */
  public int size() {
    return byHost.size();
  }

  /** Adds or replaces the claim of {@code entry.key()}. */
  public synchronized void put(Entry entry) {
    Entry old = byPolicy.put(entry.key(), entry);
    if (old != null) {
      unclaim(old);
    }
    claimants.computeIfAbsent(entry.domain(), d -> new HashMap<>()).put(entry.key(), entry);
    settle(entry.domain());
  }

  /** Removes the claim of the policy {@code key}, if any. */
  public synchronized void remove(String key) {
    Entry old = byPolicy.remove(key);
    if (old != null) {
      unclaim(old);
    }
  }

  /** Makes the claims exactly {@code entries}: what a full list of the policies says. */
  public synchronized void replaceAll(Collection<Entry> entries) {
    Set<String> keep = new HashSet<>();
    for (Entry entry : entries) {
      keep.add(entry.key());
      put(entry);
    }
    for (String key : Set.copyOf(byPolicy.keySet())) {
      if (!keep.contains(key)) {
        remove(key);
      }
    }
  }

  private void unclaim(Entry old) {
    Map<String, Entry> forDomain = claimants.get(old.domain());
    if (forDomain != null) {
      forDomain.remove(old.key());
      if (forDomain.isEmpty()) {
        claimants.remove(old.domain());
      }
    }
    settle(old.domain());
  }

  private void settle(String domain) {
    Map<String, Entry> forDomain = claimants.get(domain);
    String host = PREFIX + domain;
    if (forDomain == null || forDomain.isEmpty()) {
      byHost.remove(host);
      servedByHost.remove(host);
      return;
    }
    Entry winner = forDomain.values().stream().min(OLDEST_FIRST).orElseThrow();
    byHost.put(host, winner.body());
    servedByHost.put(host, winner);
  }

  /**
   * The host name of a Host header value: port stripped, lower case, without a trailing dot;
   * null when the value names no host (absent, empty, or an IP literal in brackets).
   */
  static String hostName(String hostHeader) {
    if (hostHeader == null) {
      return null;
    }
    String host = hostHeader.strip();
    if (host.isEmpty() || host.startsWith("[")) {
      return null;
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      if (host.indexOf(':', colon + 1) >= 0) {
        return null;
      }
      host = host.substring(0, colon);
    }
    host = normalDomain(host);
    return host.isEmpty() ? null : host;
  }

  private static String normalDomain(String domain) {
    String d = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }
}
