package io.mtasts.operator.localserver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link LocalHttpsServer} sends for one path, byte for byte: status, exactly the headers
 * given (nothing is added but framing and {@code Connection: close}, so a missing {@code
 * Content-Type} stays missing), the body, how it is framed and paced, and where the response
 * stalls. Immutable; every {@code with...} method returns a changed copy.
 */
public final class ScriptedResponse {
  /** How the end of the body is marked. */
  public enum Framing {
    /** A {@code Content-Length} header. */
    CONTENT_LENGTH,
    /** {@code Transfer-Encoding: chunked}, one chunk per piece of the body. */
    CHUNKED,
    /** Neither: the body ends when the server closes the connection. */
    CLOSE_DELIMITED
  }

  private enum Stall {
    NONE,
    BEFORE_RESPONSE,
    AFTER_HEADERS
  }

  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;
  private final Framing framing;
  private final int pieceSize;
  private final Duration pause;
  private final Stall stall;

  private ScriptedResponse(
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      Framing framing,
      int pieceSize,
      Duration pause,
      Stall stall) {
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = body;
    this.framing = framing;
    this.pieceSize = pieceSize;
    this.pause = pause;
    this.stall = stall;
  }

  /** A response with this status, no headers and an empty body. */
  public static ScriptedResponse status(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("not an HTTP status code: " + status);
    }
    return new ScriptedResponse(
        status, List.of(), new byte[0], Framing.CONTENT_LENGTH, 0, Duration.ZERO, Stall.NONE);
  }

  /** 200 with the given Content-Type and the body encoded as UTF-8. */
  public static ScriptedResponse ok(String contentType, String body) {
    return ok(contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** 200 with the given Content-Type and body. */
  public static ScriptedResponse ok(String contentType, byte[] body) {
    return status(200).withHeader("Content-Type", contentType).withBody(body);
  }

  /** 301 to {@code location}, the redirect an MTA-STS client must not follow. */
  public static ScriptedResponse redirect(String location) {
    return status(301).withHeader("Location", location);
  }

  /** Reads the request and never answers it, until the server closes. */
  public static ScriptedResponse noResponse() {
    return status(200).withStall(Stall.BEFORE_RESPONSE);
  }

  /** Adds a header line as given; names may repeat. */
  public ScriptedResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    return new ScriptedResponse(status, more, body, framing, pieceSize, pause, stall);
  }

  public ScriptedResponse withBody(byte[] newBody) {
    return new ScriptedResponse(status, headers, newBody.clone(), framing, pieceSize, pause, stall);
  }

  public ScriptedResponse withFraming(Framing newFraming) {
    return new ScriptedResponse(
        status, headers, body, Objects.requireNonNull(newFraming), pieceSize, pause, stall);
  }

  /**
   * Sends the body in pieces of {@code size} bytes, flushing each and pausing in between, to
   * imitate a slow or trickling server.
   */
  public ScriptedResponse streamed(int size, Duration pauseBetweenPieces) {
    if (size <= 0) {
      throw new IllegalArgumentException("piece size must be positive, was " + size);
    }
    return new ScriptedResponse(
        status, headers, body, framing, size, Objects.requireNonNull(pauseBetweenPieces), stall);
  }

  /** Sends the status line and headers, then nothing more until the server closes. */
  public ScriptedResponse stallAfterHeaders() {
    return withStall(Stall.AFTER_HEADERS);
  }

  public int statusCode() {
    return status;
  }

  private ScriptedResponse withStall(Stall newStall) {
    return new ScriptedResponse(status, headers, body, framing, pieceSize, pause, newStall);
  }

  /** Writes the response; returns early, without error, when the server closes meanwhile. */
  void writeTo(OutputStream out, boolean headRequest, TcpListener listener) throws IOException {
    if (stall == Stall.BEFORE_RESPONSE) {
      listener.stallUntilClosed();
      return;
    }
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
    for (Map.Entry<String, String> header : headers) {
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    if (framing == Framing.CONTENT_LENGTH && !hasHeader("Content-Length")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (framing == Framing.CHUNKED && !hasHeader("Transfer-Encoding")) {
      head.append("Transfer-Encoding: chunked\r\n");
    }
    if (!hasHeader("Connection")) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    if (stall == Stall.AFTER_HEADERS) {
      listener.stallUntilClosed();
      return;
    }
    if (headRequest) {
      return;
    }
    int size = pieceSize > 0 ? pieceSize : Math.max(body.length, 1);
    for (int offset = 0; offset < body.length; offset += size) {
      if (offset > 0 && !pause.isZero() && listener.awaitClose(pause)) {
        return;
      }
      int length = Math.min(size, body.length - offset);
      if (framing == Framing.CHUNKED) {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
      out.write(body, offset, length);
      if (framing == Framing.CHUNKED) {
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    }
    if (framing == Framing.CHUNKED) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
  }

  private boolean hasHeader(String name) {
    return headers.stream().anyMatch(header -> header.getKey().equalsIgnoreCase(name));
  }

  private static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d with %d header(s), %d body byte(s), %s",
        status,
        headers.size(),
        body.length,
        framing);
  }
}
