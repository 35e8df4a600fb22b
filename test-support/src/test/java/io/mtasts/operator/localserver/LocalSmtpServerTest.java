package io.mtasts.operator.localserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class LocalSmtpServerTest {
  private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create();
  private static final String MX = "mx1.example.com";

  @Test
  void upgradesToTlsWithACertificateValidForItsName() throws Exception {
    IssuedCertificate certificate = CA.issue(MX);
    try (LocalSmtpServer server = LocalSmtpServer.start(MX, certificate);
        SmtpClient client = SmtpClient.connect(server)) {
      assertThat(client.readReply()).containsExactly("220 " + MX + " ESMTP ready");
      assertThat(client.send("EHLO probe.example.net")).contains("250 STARTTLS");
      assertThat(client.send("STARTTLS")).containsExactly("220 2.0.0 Ready to start TLS");

      SSLSocket tls = client.startTls(MX);

      assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(certificate.certificate());
      List<String> ehloOverTls = client.send("EHLO probe.example.net");
      assertThat(ehloOverTls).first().isEqualTo("250-" + MX);
      assertThat(ehloOverTls).noneMatch(line -> line.contains("STARTTLS"));
      assertThat(client.send("QUIT")).singleElement().asString().startsWith("221 ");
      assertThat(server.completedTlsHandshakes()).isEqualTo(1);
      assertThat(server.serverNamesSeen()).containsExactly(MX);
      assertThat(server.commands())
          .containsExactly("EHLO probe.example.net", "STARTTLS", "EHLO probe.example.net", "QUIT");
    }
  }

  @Test
  void aCertificateForAnotherNameFailsTheClientsNameCheck() throws Exception {
    try (LocalSmtpServer server = LocalSmtpServer.start(MX, CA.issue("other.example.com"));
        SmtpClient client = SmtpClient.connect(server)) {
      client.readReply();
      client.send("EHLO probe.example.net");
      client.send("STARTTLS");

      assertThatThrownBy(() -> client.startTls(MX)).isInstanceOf(SSLHandshakeException.class);
      assertThat(server.completedTlsHandshakes()).isZero();
      assertThat(server.serverNamesSeen()).containsExactly(MX);
    }
  }

  @Test
  void canLeaveStartTlsOut() throws Exception {
    try (LocalSmtpServer server = LocalSmtpServer.startWithoutStartTls(MX);
        SmtpClient client = SmtpClient.connect(server)) {
      client.readReply();

      assertThat(client.send("EHLO probe.example.net"))
          .noneMatch(line -> line.contains("STARTTLS"));
      assertThat(client.send("STARTTLS")).singleElement().asString().startsWith("502 ");
    }
  }

  @Test
  void refusesEverythingElseWith502() throws Exception {
    try (LocalSmtpServer server = LocalSmtpServer.start(MX, CA.issue(MX));
        SmtpClient client = SmtpClient.connect(server)) {
      client.readReply();

      assertThat(client.send("MAIL FROM:<a@example.net>"))
          .singleElement()
          .asString()
          .startsWith("502 ");
      assertThat(client.send("HELO probe.example.net")).containsExactly("250 " + MX);
      assertThat(client.send("QUIT")).singleElement().asString().startsWith("221 ");
    }
  }

  /** The client side of the dialogue an MX probe has, reading multi-line replies whole. */
  private static final class SmtpClient implements AutoCloseable {
    private final Socket plain;
    private final int port;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private SmtpClient(Socket plain, int port) throws IOException {
      this.plain = plain;
      this.port = port;
      use(plain);
    }

    static SmtpClient connect(LocalSmtpServer server) throws IOException {
      Socket socket = new Socket(server.address().getAddress(), server.port());
      socket.setSoTimeout(2000);
      return new SmtpClient(socket, server.port());
    }

    private void use(Socket current) throws IOException {
      socket = current;
      in =
          new BufferedReader(
              new InputStreamReader(current.getInputStream(), StandardCharsets.US_ASCII));
      out = current.getOutputStream();
    }

    List<String> send(String command) throws IOException {
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return readReply();
    }

    List<String> readReply() throws IOException {
      List<String> lines = new ArrayList<>();
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          throw new IOException("connection closed after " + lines);
        }
        lines.add(line);
      } while (line.length() > 3 && line.charAt(3) == '-');
      return lines;
    }

    SSLSocket startTls(String expectedName) throws IOException {
      SSLSocket tls =
          (SSLSocket)
              CA.clientSslContext()
                  .getSocketFactory()
                  .createSocket(plain, expectedName, port, true);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      use(tls);
      return tls;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
