package io.mtasts.operator.serve;

/**
 * What a route sees of an HTTP request.
 *
 * @param path the path of the request target, without the query
 * @param host the Host header, as sent (null when absent)
 * @param contentType the Content-Type header (null when absent)
 * @param body the body, already bounded by the server's limit
 */
public record Request(String method, String path, String host, String contentType, byte[] body) {}
