package io.mtasts.operator.localserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority that issues server certificates for chosen names and validity
 * windows, so that trusted, expired, expiring and wrong-name certificates can be served locally and
 * trusted through a PEM bundle.
 *
 * <p>Keys are EC P-256 and all signing goes through the JDK's own providers; BouncyCastle only
 * assembles the certificate structures, so it never has to be registered as a provider (a provider
 * must be loaded from a signed jar, which the shaded executable jar is not).
 */
public final class LocalCertificateAuthority {
  /** How long a certificate issued without explicit dates stays valid. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  // Backdated so that a client whose clock is slightly behind still accepts fresh certificates.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|.*:.*");

  private final PrivateKey signingKey;
  private final X509Certificate certificate;
  private final X500Name name;
  private final SecureRandom random = new SecureRandom();

  private LocalCertificateAuthority(
      PrivateKey signingKey, X509Certificate certificate, X500Name name) {
    this.signingKey = signingKey;
    this.certificate = certificate;
    this.name = name;
  }

  /** A new authority with a fresh key, valid from a day ago for ten years. */
  public static LocalCertificateAuthority create(String commonName) {
    Objects.requireNonNull(commonName, "commonName");
    KeyPair keyPair = newKeyPair();
    X500Name name = distinguishedName(commonName);
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  newSerial(new SecureRandom()),
                  Date.from(now.minus(Duration.ofDays(1))),
                  Date.from(now.plus(Duration.ofDays(3650))),
                  name,
                  keyPair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
      X509Certificate certificate = sign(builder, keyPair.getPrivate());
      return new LocalCertificateAuthority(keyPair.getPrivate(), certificate, name);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the local certificate authority", e);
    }
  }

  /** A new authority named after this project. */
  public static LocalCertificateAuthority create() {
    return create("mta-sts-operator local CA");
  }

  /**
   * A server certificate for the given names (DNS names, {@code *.} wildcards, or IP literals),
   * valid from an hour ago for {@link #DEFAULT_VALIDITY}.
   */
  public IssuedCertificate issue(String... names) {
    Instant now = Instant.now();
    return issue(now.minus(BACKDATE), now.plus(DEFAULT_VALIDITY), names);
  }

  /**
   * A server certificate for the given names valid exactly between the two instants, for
   * certificates that are expired, not yet valid, or about to expire.
   */
  public IssuedCertificate issue(Instant notBefore, Instant notAfter, String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("a server certificate needs at least one name");
    }
    return issueLeaf(notBefore, notAfter, names[0], List.of(names));
  }

  /**
   * A certificate naming the host only in its subject common name, with no subjectAltName at all:
   * RFC 8461 needs a subjectAltName, while some TLS stacks still fall back to the CN.
   */
  public IssuedCertificate issueWithoutSubjectAltName(String commonName) {
    Instant now = Instant.now();
    return issueLeaf(now.minus(BACKDATE), now.plus(DEFAULT_VALIDITY), commonName, List.of());
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The authority's certificate as PEM, the content of a {@code --ca-file} trust bundle. */
  public String certificatePem() {
    return Pem.encode("CERTIFICATE", IssuedCertificate.der(certificate));
  }

  /** Writes {@link #certificatePem()} to {@code file} and returns the file. */
  public Path writeCertificatePem(Path file) {
    try {
      return Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CA certificate to " + file, e);
    }
  }

  /** A key store trusting only this authority. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("local-ca", certificate);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  /** A PKIX trust manager that trusts only this authority. */
  public X509TrustManager trustManager() {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trustStore());
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager) {
          return (X509TrustManager) manager;
        }
      }
      throw new IllegalStateException("the JDK offers no X509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  /** A client-side TLS context that trusts only this authority. */
  public SSLContext clientSslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a client TLS context", e);
    }
  }

  private IssuedCertificate issueLeaf(
      Instant notBefore, Instant notAfter, String commonName, List<String> altNames) {
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " is not after " + notBefore);
    }
    KeyPair leafKeys = newKeyPair();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  newSerial(random),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  distinguishedName(commonName),
                  leafKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(leafKeys.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(certificate));
      if (!altNames.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, generalNames(altNames));
      }
      X509Certificate leaf = sign(builder, signingKey);
      return new IssuedCertificate(leaf, leafKeys.getPrivate(), certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
    }
  }

  private static GeneralNames generalNames(List<String> names) {
    List<GeneralName> result = new ArrayList<>();
    for (String name : names) {
      result.add(
          isIpLiteral(name)
              ? new GeneralName(GeneralName.iPAddress, name)
              : new GeneralName(GeneralName.dNSName, name));
    }
    return new GeneralNames(result.toArray(GeneralName[]::new));
  }

  private static boolean isIpLiteral(String name) {
    if (!IP_LITERAL.matcher(name).matches()) {
      return false;
    }
    try {
      // A literal never triggers a lookup; anything else that matched the shape is not an IP.
      InetAddress.getByName(name);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static X500Name distinguishedName(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + SIGNATURE_ALGORITHM, e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
    }
  }

  private static BigInteger newSerial(SecureRandom random) {
    // Positive and at most 20 octets, as RFC 5280 section 4.1.2.2 requires.
    return new BigInteger(127, random).add(BigInteger.ONE);
  }
}
