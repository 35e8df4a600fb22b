package io.mtasts.operator.serve;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A token bucket per client address: each address may make {@code burst} requests at once and
 * {@code perMinute} a minute after that. Anyone on the internet can post reports, so one client
 * must not be able to spend the parsing time and memory that everyone else's reports need.
 *
 * <p>The table of addresses is bounded: when it is full, addresses whose bucket has refilled are
 * forgotten (they are indistinguishable from new ones); if none has, the newcomer is refused,
 * which is what a flood from many addresses deserves.
 */
public final class ClientRateLimit {

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  private final int burst;
  private final double perNano;
  private final int maxClients;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  public ClientRateLimit(int burst, int perMinute, int maxClients, Clock clock) {
    if (burst < 1 || perMinute < 1 || maxClients < 1) {
      throw new IllegalArgumentException("rate limits must be positive");
    }
    this.burst = burst;
    this.perNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    this.maxClients = maxClients;
    this.clock = clock;
  }

  /** Defaults: a reporter sends one report a day per domain; 10 at once, then 30 a minute. */
  public static ClientRateLimit defaults() {
    return new ClientRateLimit(10, 30, 10_000, Clock.systemUTC());
  }

  /**
   * Takes a token for {@code client}: empty when the request may go on, otherwise the seconds
   * after which it may try again (for Retry-After).
   */
  public synchronized OptionalLong take(String client) {
    String key = client == null ? "" : client;
    long now = nanos();
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= maxClients && !forgetFull(now)) {
        return OptionalLong.of(retryAfter(0));
      }
      bucket = new Bucket();
      bucket.tokens = burst;
      bucket.updatedNanos = now;
      buckets.put(key, bucket);
    }
    refill(bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return OptionalLong.empty();
    }
    return OptionalLong.of(retryAfter(bucket.tokens));
  }

  private long retryAfter(double tokens) {
    double nanos = (1 - tokens) / perNano;
    return Math.max(1, (long) Math.ceil(nanos / 1e9));
  }

  private void refill(Bucket bucket, long now) {
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * perNano);
    bucket.updatedNanos = now;
  }

  private boolean forgetFull(long now) {
    boolean freed = false;
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens >= burst) {
        it.remove();
        freed = true;
      }
    }
    return freed;
  }

  private long nanos() {
    return clock.millis() * 1_000_000L;
  }
}
