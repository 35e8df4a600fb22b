package io.mtasts.operator.serve;

/**
 * What a route sees of an HTTP request.
 *
 * @param path the path of the request target, without the query
 * @param host the Host header, as sent (null when absent)
 * @param contentType the Content-Type header (null when absent)
 * @param body the body, already bounded by the server's limit
 * @param client the address of the connecting peer (null when unknown)
 */
public record Request(String method, String path, String host, String contentType, byte[] body,
    String client) {

  public Request(String method, String path, String host, String contentType, byte[] body) {
    this(method, path, host, contentType, body, null);
  }
}
