package io.mtasts.operator.localserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {
  private static final LocalCertificateAuthority CA = LocalCertificateAuthority.create();

  @Test
  void issuesServerCertificatesThatChainToTheAuthority() throws Exception {
    IssuedCertificate leaf = CA.issue("mta-sts.example.com", "*.example.net", "127.0.0.1");

    CA.trustManager().checkServerTrusted(new X509Certificate[] {leaf.certificate()}, "ECDHE_ECDSA");
    assertThat(leaf.certificate().getSubjectAlternativeNames())
        .map(entry -> entry.get(0) + "=" + entry.get(1))
        .containsExactly("2=mta-sts.example.com", "2=*.example.net", "7=127.0.0.1");
    assertThat(leaf.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.certificate().getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.issuer()).isEqualTo(CA.certificate());
  }

  @Test
  void usesExactlyTheValidityWindowAskedFor() {
    Instant notBefore = Instant.now().minus(Duration.ofDays(100)).truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

    IssuedCertificate expired = CA.issue(notBefore, notAfter, "mta-sts.example.com");

    assertThat(expired.certificate().getNotBefore().toInstant()).isEqualTo(notBefore);
    assertThat(expired.certificate().getNotAfter().toInstant()).isEqualTo(notAfter);
    assertThatThrownBy(() -> expired.certificate().checkValidity())
        .isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void canLeaveTheSubjectAltNameOut() throws Exception {
    IssuedCertificate commonNameOnly = CA.issueWithoutSubjectAltName("mta-sts.example.com");

    assertThat(commonNameOnly.certificate().getSubjectAlternativeNames()).isNull();
    assertThat(commonNameOnly.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=mta-sts.example.com");
  }

  @Test
  void anotherAuthorityIsNotTrusted() {
    IssuedCertificate foreign =
        LocalCertificateAuthority.create("other").issue("mta-sts.example.com");

    assertThatThrownBy(
            () ->
                CA.trustManager()
                    .checkServerTrusted(
                        new X509Certificate[] {foreign.certificate()}, "ECDHE_ECDSA"))
        .hasMessageContaining("PKIX");
  }

  @Test
  void writesPemThatParsesBack(@TempDir Path directory) throws Exception {
    IssuedCertificate leaf = CA.issue("mta-sts.example.com");
    Path bundle = CA.writeCertificatePem(directory.resolve("ca.pem"));

    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    assertThat(factory.generateCertificate(Files.newInputStream(bundle)))
        .isEqualTo(CA.certificate());
    List<Certificate> chain = List.copyOf(factory.generateCertificates(stream(leaf.chainPem())));
    assertThat(chain).containsExactly(leaf.certificate(), CA.certificate());
    String keyBase64 =
        leaf.privateKeyPem()
            .lines()
            .filter(line -> !line.startsWith("-----"))
            .collect(Collectors.joining());
    assertThat(
            KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(keyBase64))))
        .isEqualTo(leaf.privateKey());
    assertThat(List.of(CA.certificatePem().split("\n")))
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
