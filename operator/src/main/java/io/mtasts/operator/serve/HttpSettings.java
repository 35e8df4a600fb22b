package io.mtasts.operator.serve;

import java.time.Duration;

/**
 * Limits of the policy server's HTTP layer.
 *
 * @param maxRequestLine longest request line, in bytes (longer: 414)
 * @param maxHeaderBytes largest header block, in bytes (larger: 431)
 * @param maxBodyBytes largest request body, in bytes (larger: 413)
 * @param requestTimeout time a connection has to deliver a whole request, from its opening or
 *     from the previous answer; then it is closed, so slow or idle clients cannot hold it
 * @param maxConnections open connections at most; more are closed at once
 * @param threads event-loop threads answering requests
 */
public record HttpSettings(
    String address,
    int port,
    int maxRequestLine,
    int maxHeaderBytes,
    int maxBodyBytes,
    Duration requestTimeout,
    int maxConnections,
    int threads) {

  /** Limits fit for policy fetches: small requests, answered at once. */
  public static HttpSettings defaults(String address, int port) {
    return new HttpSettings(address, port, 2048, 8192, 65536, Duration.ofSeconds(10), 10_000,
        Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  public HttpSettings withRequestTimeout(Duration timeout) {
    return new HttpSettings(address, port, maxRequestLine, maxHeaderBytes, maxBodyBytes, timeout,
        maxConnections, threads);
  }

  public HttpSettings withThreads(int count) {
    return new HttpSettings(address, port, maxRequestLine, maxHeaderBytes, maxBodyBytes,
        requestTimeout, maxConnections, count);
  }
}
