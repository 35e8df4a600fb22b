package io.mtasts.operator.localserver;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server on 127.0.0.1 that knows just enough of the protocol for an MX probe: the greeting,
 * EHLO/HELO, STARTTLS with a certificate from a local authority, NOOP, RSET and QUIT. Every other
 * command gets 502, and no mail is ever accepted.
 */
public final class LocalSmtpServer implements AutoCloseable {
  // RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets; allow some slack.
  private static final int MAX_LINE = 1000;

  private final String hostname;
  private final Optional<ServerTls> tls;
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final AtomicInteger tlsHandshakes = new AtomicInteger();
  private final TcpListener listener;

  private LocalSmtpServer(String hostname, Optional<ServerTls> tls) throws IOException {
    this.hostname = Objects.requireNonNull(hostname, "hostname");
    this.tls = tls;
    this.listener = TcpListener.start("local-smtp", TcpListener.bindLoopback(0), this::serve);
  }

  /** A server calling itself {@code hostname} that offers STARTTLS with {@code certificate}. */
  public static LocalSmtpServer start(String hostname, IssuedCertificate certificate) {
    return start(hostname, Optional.of(new ServerTls(certificate)));
  }

  /** A server calling itself {@code hostname} that does not offer STARTTLS. */
  public static LocalSmtpServer startWithoutStartTls(String hostname) {
    return start(hostname, Optional.empty());
  }

  private static LocalSmtpServer start(String hostname, Optional<ServerTls> tls) {
    try {
      return new LocalSmtpServer(hostname, tls);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind an SMTP server on 127.0.0.1", e);
    }
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

  /** Every command line received so far, over all connections, in arrival order. */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  /** STARTTLS handshakes that completed. */
  public int completedTlsHandshakes() {
    return tlsHandshakes.get();
  }

  /** SNI host names sent in STARTTLS handshakes, including those that then failed. */
  public List<String> serverNamesSeen() {
    return tls.map(ServerTls::serverNamesSeen).orElse(List.of());
  }

  @Override
  public void close() {
    listener.close();
  }

  private void serve(Socket plain) throws IOException {
    Conversation conversation = new Conversation(plain);
    try {
      conversation.run();
    } finally {
      conversation.close();
    }
  }

  /** One SMTP connection, before and after STARTTLS. */
  private final class Conversation {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean secured;

    Conversation(Socket plain) throws IOException {
      use(plain);
    }

    private void use(Socket current) throws IOException {
      socket = current;
      in = new BufferedInputStream(current.getInputStream());
      out = current.getOutputStream();
    }

    void run() throws IOException {
      reply("220 " + hostname + " ESMTP ready");
      while (true) {
        Optional<String> line = readLine();
        if (line.isEmpty()) {
          return;
        }
        commands.add(line.get());
        String verb = line.get().split(" ", 2)[0].toUpperCase(Locale.ROOT);
        switch (verb) {
          case "EHLO" -> reply(ehloReply());
          case "HELO" -> reply("250 " + hostname);
          case "NOOP", "RSET" -> reply("250 2.0.0 OK");
          case "QUIT" -> {
            reply("221 2.0.0 " + hostname + " closing connection");
            return;
          }
          case "STARTTLS" -> {
            if (!startTls()) {
              return;
            }
          }
          default -> reply("502 5.5.1 Command not implemented");
        }
      }
    }

    /** Returns false when the connection cannot go on (the handshake failed). */
    private boolean startTls() throws IOException {
      if (tls.isEmpty()) {
        reply("502 5.5.1 STARTTLS not offered");
        return true;
      }
      if (secured) {
        reply("503 5.5.1 TLS already active");
        return true;
      }
      reply("220 2.0.0 Ready to start TLS");
      // Whatever the client sent after STARTTLS in plaintext is dropped with the old buffer, so
      // no plaintext command can pass for one sent over TLS (the STARTTLS injection flaw).
      SSLSocket upgraded = tls.get().wrap(socket);
      try {
        upgraded.startHandshake();
      } catch (IOException e) {
        return false;
      }
      tlsHandshakes.incrementAndGet();
      secured = true;
      use(upgraded);
      return true;
    }

    private String ehloReply() {
      List<String> lines = new ArrayList<>();
      lines.add(hostname);
      lines.add("8BITMIME");
      lines.add("ENHANCEDSTATUSCODES");
      if (tls.isPresent() && !secured) {
        lines.add("STARTTLS");
      }
      StringBuilder reply = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        boolean last = i == lines.size() - 1;
        reply.append("250").append(last ? ' ' : '-').append(lines.get(i));
        if (!last) {
          reply.append("\r\n");
        }
      }
      return reply.toString();
    }

    private Optional<String> readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          return Optional.empty();
        }
        if (b == '\n') {
          String text = line.toString(StandardCharsets.ISO_8859_1);
          return Optional.of(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        }
        if (line.size() >= MAX_LINE) {
          reply("500 5.5.2 Line too long");
          return Optional.empty();
        }
        line.write(b);
      }
    }

    private void reply(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    void close() {
      // closing the TLS socket sends close_notify before the TCP connection goes
      TcpListener.closeQuietly(socket);
    }
  }
}
