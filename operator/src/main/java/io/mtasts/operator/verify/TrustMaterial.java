package io.mtasts.operator.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities a presented chain may lead to: the JDK's roots, plus those of an
 * optional PEM bundle (a private CA in a test or staging setup). Loaded once; thread-safe.
 */
final class TrustMaterial {

  private final List<X509TrustManager> managers;
  private final Optional<Path> caFile;

  private TrustMaterial(List<X509TrustManager> managers, Optional<Path> caFile) {
    this.managers = List.copyOf(managers);
    this.caFile = caFile;
  }

  /**
   * The JDK's roots and those in {@code caFile}.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  static TrustMaterial load(Optional<Path> caFile) {
    List<X509TrustManager> managers = new ArrayList<>();
    managers.add(managerFor(null));
    if (caFile.isPresent()) {
      managers.add(managerFor(readBundle(caFile.get())));
    }
    return new TrustMaterial(managers, caFile);
  }

  private static KeyStore readBundle(Path file) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("CA file '" + file + "' does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read CA file '" + file + "': " + e.getMessage());
    } catch (CertificateException e) {
      throw new IllegalArgumentException("CA file '" + file + "' is not a PEM certificate bundle: "
          + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("CA file '" + file + "' holds no certificate;"
          + " it must contain -----BEGIN CERTIFICATE----- blocks");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot hold the certificates of " + file, e);
    }
  }

  private static X509TrustManager managerFor(KeyStore store) {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot build a trust manager", e);
    }
    throw new IllegalStateException("the JDK offers no X509 trust manager");
  }

  /** Empty when the chain leads to a trusted root, else why not, written for a user. */
  Optional<String> whyUntrusted(X509Certificate[] chain, String authType) {
    CertificateException first = null;
    for (X509TrustManager manager : managers) {
      try {
        manager.checkServerTrusted(chain, authType);
        return Optional.empty();
      } catch (CertificateException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    String issuer = chain[chain.length - 1].getIssuerX500Principal().getName();
    String trusted = caFile.map(f -> "the JDK's roots or " + f).orElse("the JDK's roots");
    if (isMissingPath(first)) {
      return Optional.of("does not chain to a trusted root: the last certificate sent is issued"
          + " by '" + issuer + "', which is not among " + trusted + "; use a certificate from a"
          + " public CA and serve the intermediate certificates with it");
    }
    return Optional.of("is not trusted: " + first.getMessage());
  }

  private static boolean isMissingPath(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException) {
        return true;
      }
    }
    return false;
  }
}
