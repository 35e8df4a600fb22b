package io.mtasts.operator.verify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Connects to one MX host as a sending server would (RFC 8461 section 4.2): greeting, EHLO,
 * STARTTLS, then a TLS handshake that must present a trusted certificate valid for the MX host
 * name. No mail is ever sent; the conversation ends with QUIT.
 */
final class StartTlsProbe {

  /** How one MX host fared. */
  enum Verdict {
    /** STARTTLS with an acceptable certificate. */
    SECURE,
    /** Reached, but STARTTLS is missing or its certificate is not acceptable. */
    INSECURE,
    /** No connection could be made: port 25 is likely blocked on the way. */
    UNREACHABLE,
    /** Its addresses are not public and were not contacted. */
    NOT_CONTACTED,
    /** DNS could not say where it is, for now. */
    UNKNOWN
  }

  /** The probe of one MX host. */
  record HostResult(String host, Verdict verdict, String message) {
    HostResult {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(message, "message");
    }
  }

  // RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets; allow some slack
  private static final int MAX_LINE = 2048;
  private static final int MAX_REPLY_LINES = 100;

  private final TargetResolver resolver;
  private final TrustMaterial trust;
  private final Duration timeout;
  private final int port;
  private final Clock clock;

  StartTlsProbe(
      TargetResolver resolver, TrustMaterial trust, Duration timeout, int port, Clock clock) {
    this.resolver = resolver;
    this.trust = trust;
    this.timeout = timeout;
    this.port = port;
    this.clock = clock;
  }

  HostResult probe(String host) {
    try {
      return probeResolved(host, resolver.resolve(host, port));
    } catch (RuntimeException e) {
      // a name from someone else's zone can be anything; one odd MX must not end the check
      return insecure(host, host + " could not be probed: " + e.getMessage());
    }
  }

  private HostResult probeResolved(String host, Targets targets) {
    if (!targets.reachable()) {
      Verdict verdict = !targets.refused().isEmpty() ? Verdict.NOT_CONTACTED
          : targets.temporaryFailure() ? Verdict.UNKNOWN : Verdict.INSECURE;
      return new HostResult(host, verdict, targets.whyUnreachable());
    }
    String lastError = "";
    // all addresses share one timeout, so a host with many dead addresses cannot stretch it
    long giveUp = System.nanoTime() + timeout.toNanos();
    for (InetAddress address : targets.allowed()) {
      Duration left = Duration.ofNanos(giveUp - System.nanoTime());
      if (left.toMillis() <= 0) {
        break;
      }
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(address, port), Durations.millis(left));
      } catch (IOException e) {
        closeQuietly(socket);
        lastError = address.getHostAddress() + ": " + describeConnectFailure(e);
        continue;
      }
      return converse(host, address, socket);
    }
    return new HostResult(host, Verdict.UNREACHABLE, "cannot connect to port " + port + " ("
        + lastError + ")");
  }

  private String describeConnectFailure(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return "no answer within " + Durations.describe(timeout);
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private HostResult converse(String host, InetAddress address, Socket plain) {
    String at = host + " (" + address.getHostAddress() + ":" + port + ")";
    AtomicBoolean timedOut = new AtomicBoolean();
    CertificateInspector inspector = new CertificateInspector(trust, host, clock);
    Socket[] current = {plain};
    CompletableFuture<Void> deadline = CompletableFuture.runAsync(() -> {
      timedOut.set(true);
      closeQuietly(current[0]);
    }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
    try {
      plain.setSoTimeout(Durations.millis(timeout));
      Conversation smtp = new Conversation(plain);
      Reply greeting = smtp.read();
      if (greeting.code() != 220) {
        return insecure(host, at + " greets with '" + greeting.firstLine() + "' instead of 220");
      }
      smtp.send("EHLO " + ehloName(plain));
      Reply ehlo = smtp.read();
      if (ehlo.code() != 250) {
        return insecure(host, at + " answers EHLO with '" + ehlo.firstLine() + "'");
      }
      if (!ehlo.offers("STARTTLS")) {
        return insecure(host, at + " does not offer STARTTLS; senders cannot deliver to it"
            + " under an enforced policy; enable STARTTLS with a certificate for " + host);
      }
      smtp.send("STARTTLS");
      Reply ready = smtp.read();
      if (ready.code() != 220) {
        return insecure(host, at + " refuses STARTTLS with '" + ready.firstLine() + "'");
      }
      SSLSocket tls = (SSLSocket) inspector.clientContext().getSocketFactory()
          .createSocket(plain, host, port, true);
      current[0] = tls;
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      tls.setSSLParameters(parameters);
      try {
        tls.startHandshake();
      } catch (SSLException e) {
        if (timedOut.get()) {
          throw e;
        }
        Optional<CertificateFacts> facts = inspector.facts();
        String why = facts.isPresent() && !facts.get().acceptable()
            ? facts.get().describeProblems()
            : "the TLS handshake failed: " + e.getMessage();
        return insecure(host, at + " offers STARTTLS, but " + why);
      }
      String protocol = tls.getSession().getProtocol();
      new Conversation(tls).quietQuit();
      CertificateFacts facts = inspector.facts().orElseThrow();
      return new HostResult(host, Verdict.SECURE, at + ": STARTTLS with " + protocol
          + ", certificate valid until " + facts.notAfter());
    } catch (IOException e) {
      String why = timedOut.get() || e instanceof SocketTimeoutException
          ? "stopped answering within " + Durations.describe(timeout)
          : "broke off the conversation: " + e.getMessage();
      return insecure(host, at + " " + why);
    } finally {
      deadline.cancel(false);
      closeQuietly(current[0]);
      closeQuietly(plain);
    }
  }

  private static HostResult insecure(String host, String message) {
    return new HostResult(host, Verdict.INSECURE, message);
  }

  /** An address literal (RFC 5321 section 4.1.3): the probe has no name of its own to claim. */
  private static String ehloName(Socket socket) {
    InetAddress local = socket.getLocalAddress();
    return local instanceof Inet6Address
        ? "[IPv6:" + local.getHostAddress().replaceAll("%.*$", "") + "]"
        : "[" + local.getHostAddress() + "]";
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is best effort; the connection is being abandoned anyway
    }
  }

  /** One SMTP reply: its code and text lines. */
  private record Reply(int code, List<String> lines) {
    String firstLine() {
      return lines.isEmpty() ? String.valueOf(code) : code + " " + lines.get(0);
    }

    /** Whether an EHLO reply lists the extension keyword. */
    boolean offers(String keyword) {
      for (String line : lines) {
        String first = line.trim().split("[ \t]", 2)[0];
        if (first.toUpperCase(Locale.ROOT).equals(keyword)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Line-level SMTP over one stream; a new one is made after STARTTLS, dropping any buffer. */
  private static final class Conversation {
    private final InputStream in;
    private final OutputStream out;

    Conversation(Socket socket) throws IOException {
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    void send(String command) throws IOException {
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    Reply read() throws IOException {
      List<String> lines = new ArrayList<>();
      int code = -1;
      while (lines.size() < MAX_REPLY_LINES) {
        String line = readLine();
        if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
          throw new IOException("sent '" + abbreviate(line) + "', which is not an SMTP reply");
        }
        code = Integer.parseInt(line.substring(0, 3));
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() == 3 || line.charAt(3) != '-') {
          return new Reply(code, lines);
        }
      }
      throw new IOException("sent a reply of more than " + MAX_REPLY_LINES + " lines");
    }

    void quietQuit() {
      try {
        send("QUIT");
        read();
      } catch (IOException e) {
        // the probe has its answer; a server that hangs up early changes nothing
      }
    }

    private String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed the connection");
        }
        if (b == '\n') {
          String text = line.toString(StandardCharsets.ISO_8859_1);
          return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
        if (line.size() >= MAX_LINE) {
          throw new IOException("sent a line longer than " + MAX_LINE + " bytes");
        }
        line.write(b);
      }
    }

    private static String abbreviate(String s) {
      return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
  }
}
