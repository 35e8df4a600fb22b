package io.mtasts.operator.localserver;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A leaf certificate and its private key, as issued by a {@link LocalCertificateAuthority}, in the
 * forms a server needs (key store, SSL context, PEM files).
 *
 * @param certificate the leaf certificate
 * @param privateKey the leaf's private key
 * @param issuer the certificate of the authority that signed the leaf
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {

  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(issuer, "issuer");
  }

  /** An in-memory PKCS#12 key store holding the key under the alias {@code server}. */
  public KeyStore keyStore(char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", privateKey, password, new Certificate[] {certificate});
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a key store for " + subjectName(), e);
    }
  }

  /**
   * A server-side TLS context presenting this certificate to every client, whatever name it asks
   * for. The local servers use their own context that can also pick a certificate by SNI.
   */
  public SSLContext serverSslContext() {
    char[] password = new char[0];
    try {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keyStore(password), password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context for " + subjectName(), e);
    }
  }

  public String certificatePem() {
    return Pem.encode("CERTIFICATE", der(certificate));
  }

  /** The leaf followed by its issuer, the order nginx's {@code ssl_certificate} expects. */
  public String chainPem() {
    return certificatePem() + Pem.encode("CERTIFICATE", der(issuer));
  }

  /** The private key in unencrypted PKCS#8 form. */
  public String privateKeyPem() {
    return Pem.encode("PRIVATE KEY", privateKey.getEncoded());
  }

  /** Names and validity only: a private key has no business in a log or a test failure. */
  @Override
  public String toString() {
    return subjectName()
        + " valid "
        + certificate.getNotBefore().toInstant()
        + " to "
        + certificate.getNotAfter().toInstant();
  }

  private String subjectName() {
    return certificate.getSubjectX500Principal().getName();
  }

  static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }
}
