package io.mtasts.operator.localserver;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS server on 127.0.0.1 that answers each path with a {@link ScriptedResponse}, so that a
 * policy fetch can be tested against the well-behaved and the broken servers it meets in practice,
 * and that records every request with the SNI name it came with.
 *
 * <p>The HTTP/1.1 handling is deliberately minimal (one request per connection, then close) because
 * its purpose is to send exactly the bytes a test scripts, which a full server would not allow.
 * Paths without a script get 404.
 */
public final class LocalHttpsServer implements AutoCloseable {
  // Large enough for any real request head, small enough that a runaway client cannot hurt.
  private static final int MAX_REQUEST_HEAD = 16 * 1024;
  private static final ScriptedResponse NOT_FOUND =
      ScriptedResponse.status(404)
          .withHeader("Content-Type", "text/plain; charset=us-ascii")
          .withBody("not found\n".getBytes(StandardCharsets.US_ASCII));
  private static final ScriptedResponse BAD_REQUEST = ScriptedResponse.status(400);

  private final ServerTls tls;
  private final Map<String, ScriptedResponse> scripts = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final TcpListener listener;
  private volatile boolean stallHandshakes;

  private LocalHttpsServer(IssuedCertificate defaultCertificate) throws IOException {
    this.tls = new ServerTls(defaultCertificate);
    this.listener = TcpListener.start("local-https", TcpListener.bindLoopback(0), this::serve);
  }

  /**
   * Starts a server on an ephemeral port of 127.0.0.1 that presents {@code defaultCertificate} to
   * clients whose SNI name has no certificate of its own (and to clients sending none).
   */
  public static LocalHttpsServer start(IssuedCertificate defaultCertificate) {
    try {
      return new LocalHttpsServer(defaultCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind an HTTPS server on 127.0.0.1", e);
    }
  }

  /** Presents {@code certificate} to clients that ask for {@code sniName}. */
  public LocalHttpsServer serveCertificateFor(String sniName, IssuedCertificate certificate) {
    tls.serveCertificateFor(sniName, certificate);
    return this;
  }

  /** Answers requests for {@code path} (query ignored) with {@code response} from now on. */
  public LocalHttpsServer respond(String path, ScriptedResponse response) {
    scripts.put(path, response);
    return this;
  }

  /**
   * Answers requests for {@code path} whose Host header names {@code host} with {@code response},
   * before any answer for the path alone: one server stands in for several policy hosts.
   */
  public LocalHttpsServer respond(String host, String path, ScriptedResponse response) {
    scripts.put(host.toLowerCase(Locale.ROOT) + " " + path, response);
    return this;
  }

  /** Restricts the TLS versions offered, e.g. {@code "TLSv1.2"} alone. */
  public LocalHttpsServer tlsProtocols(String... versions) {
    tls.protocols(List.of(versions));
    return this;
  }

  /** When true, connections are accepted but the TLS handshake never starts. */
  public LocalHttpsServer stallHandshakes(boolean stall) {
    this.stallHandshakes = stall;
    return this;
  }

  public int port() {
    return listener.port();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(TcpListener.loopback(), port());
  }

  /** {@code 127.0.0.1:PORT}. */
  public String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  /** {@code https://127.0.0.1:PORT/PATH}; the default certificate must name 127.0.0.1. */
  public URI uri(String path) {
    return uri("127.0.0.1", path);
  }

  /** {@code https://HOST:PORT/PATH} for a host name that the client resolves to this server. */
  public URI uri(String host, String path) {
    return URI.create("https://" + host + ":" + port() + path);
  }

  /** Every request received so far, in arrival order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** Whether any request for {@code path} arrived, e.g. the target of a redirect. */
  public boolean wasRequested(String path) {
    return requests.stream().anyMatch(request -> request.path().equals(path));
  }

  /** SNI host names of every handshake so far, including handshakes that then failed. */
  public List<String> serverNamesSeen() {
    return tls.serverNamesSeen();
  }

  /** TCP connections accepted so far, whether or not a request followed. */
  public int connectionCount() {
    return listener.acceptedConnections();
  }

  @Override
  public void close() {
    listener.close();
  }

  private void serve(Socket plain) throws IOException {
    if (stallHandshakes) {
      listener.stallUntilClosed();
      return;
    }
    // closing the TLS socket (not only the TCP one) sends close_notify, which ends a body that
    // is delimited by the end of the connection
    try (SSLSocket connection = tls.wrap(plain)) {
      connection.startHandshake();
      InputStream in = new BufferedInputStream(connection.getInputStream());
      OutputStream out = new BufferedOutputStream(connection.getOutputStream());
      Optional<RequestHead> head = RequestHead.read(in);
      if (head.isEmpty()) {
        BAD_REQUEST.writeTo(out, false, listener);
        return;
      }
      RequestHead request = head.get();
      requests.add(
          new RecordedRequest(
              request.method,
              request.target,
              request.path(),
              request.firstHeader("host"),
              ServerTls.requestedServerName(connection.getSession()),
              connection.getSession().getProtocol(),
              request.headers));
      String host = request.firstHeader("host").orElse(null);
      ScriptedResponse forHost = host == null ? null : scripts.get(
          host.replaceFirst(":[0-9]+$", "").toLowerCase(Locale.ROOT) + " " + request.path());
      (forHost != null ? forHost : scripts.getOrDefault(request.path(), NOT_FOUND))
          .writeTo(out, request.method.equals("HEAD"), listener);
    }
  }

  /** The request line and headers of one HTTP/1.1 request. */
  private static final class RequestHead {
    final String method;
    final String target;
    final Map<String, List<String>> headers;

    private RequestHead(String method, String target, Map<String, List<String>> headers) {
      this.method = method;
      this.target = target;
      this.headers = headers;
    }

    /** Reads up to the blank line; empty when the client sent no well-formed request head. */
    static Optional<RequestHead> read(InputStream in) throws IOException {
      List<String> lines = new ArrayList<>();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int total = 0;
      while (total++ < MAX_REQUEST_HEAD) {
        int b = in.read();
        if (b < 0) {
          return Optional.empty();
        }
        if (b != '\n') {
          line.write(b);
          continue;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        line.reset();
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
          return parse(lines);
        }
        lines.add(text);
      }
      return Optional.empty();
    }

    private static Optional<RequestHead> parse(List<String> lines) {
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      String[] requestLine = lines.get(0).split(" ");
      if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/")) {
        return Optional.empty();
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String header : lines.subList(1, lines.size())) {
        int colon = header.indexOf(':');
        if (colon <= 0) {
          return Optional.empty();
        }
        headers
            .computeIfAbsent(
                header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                name -> new ArrayList<>())
            .add(header.substring(colon + 1).trim());
      }
      headers.replaceAll((name, values) -> List.copyOf(values));
      return Optional.of(new RequestHead(requestLine[0], requestLine[1], headers));
    }

    String path() {
      String path = target;
      if (path.startsWith("http://") || path.startsWith("https://")) {
        // absolute form, as sent to proxies
        int slash = path.indexOf('/', path.indexOf("//") + 2);
        path = slash < 0 ? "/" : path.substring(slash);
      }
      int query = path.indexOf('?');
      return query < 0 ? path : path.substring(0, query);
    }

    Optional<String> firstHeader(String name) {
      List<String> values = headers.get(name);
      return values == null ? Optional.empty() : Optional.of(values.get(0));
    }
  }
}
