package io.mtasts.operator.localserver;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request {@link LocalHttpsServer} received, with the TLS details a policy fetch must get right
 * (the SNI name it sent, the protocol version it negotiated).
 *
 * @param method the request method, as sent
 * @param target the request target, as sent (path and query)
 * @param path the target without its query
 * @param host the Host header, if there was one
 * @param serverName the SNI host name of the TLS handshake, if the client sent one
 * @param tlsProtocol the negotiated protocol, such as {@code TLSv1.3}
 * @param headers every header by lower-case name, values in the order received
 */
public record RecordedRequest(
    String method,
    String target,
    String path,
    Optional<String> host,
    Optional<String> serverName,
    String tlsProtocol,
    Map<String, List<String>> headers) {

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
