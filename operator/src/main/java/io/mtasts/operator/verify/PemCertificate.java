package io.mtasts.operator.verify;

import java.io.ByteArrayInputStream;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Judges a stored certificate, such as the {@code tls.crt} of a Kubernetes TLS Secret, by the
 * rules a sender applies to the one presented over TLS: valid now and naming the host. Whether it
 * chains to a trusted root is left to the live check, since a stored chain may end in a private
 * CA that only the live check is configured to trust.
 */
public final class PemCertificate {

  private PemCertificate() {}

  /**
   * The facts of the first certificate of {@code pem} (the leaf) for {@code host} at {@code now}.
   *
   * @throws IllegalArgumentException when {@code pem} holds no X.509 certificate; the message
   *     says so without quoting the input
   */
  public static CertificateFacts judge(byte[] pem, String host, Instant now) {
    Collection<? extends Certificate> certificates;
    try {
      certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("it is not a PEM-encoded X.509 certificate");
    }
    Optional<X509Certificate> leaf = certificates.stream()
        .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).findFirst();
    if (leaf.isEmpty()) {
      throw new IllegalArgumentException("it holds no X.509 certificate");
    }
    return CertificateInspector.judge(leaf.get(), host, now, Optional::empty);
  }
}
