package io.mtasts.operator.verify;

import io.mtasts.operator.policy.MxPattern;
import io.mtasts.operator.policy.ParseResult;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust decision of one TLS connection: accepts the server's chain only when it leads to a
 * trusted root, is within its validity and names the expected host, and remembers what it saw, so
 * that a failed handshake still tells which of these was wrong. One instance per connection.
 */
final class CertificateInspector extends X509ExtendedTrustManager {

  /** subjectAltName type 2, dNSName (RFC 5280 section 4.2.1.6). */
  private static final int DNS_NAME = 2;

  private final TrustMaterial trust;
  private final String host;
  private final Clock clock;
  private final AtomicReference<CertificateFacts> facts = new AtomicReference<>();

  CertificateInspector(TrustMaterial trust, String host, Clock clock) {
    this.trust = trust;
    this.host = host.toLowerCase(Locale.ROOT);
    this.clock = clock;
  }

  /** A client TLS context that decides trust through this inspector. */
  SSLContext clientContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {this}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot build a TLS context", e);
    }
  }

  /** What the server presented, once a handshake got that far. */
  Optional<CertificateFacts> facts() {
    return Optional.ofNullable(facts.get());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    inspect(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    inspect(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    inspect(chain, authType);
  }

  private void inspect(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException(host + " presented no certificate");
    }
    facts.set(judge(chain[0], host, clock.instant(),
        () -> trust.whyUntrusted(chain, authType)));
    if (!facts.get().acceptable()) {
      throw new CertificateException(facts.get().describeProblems());
    }
  }

  /**
   * The facts of a leaf certificate and its problems of date and name for {@code host};
   * {@code trustProblem} is asked only while the leaf is within its validity, since outside it
   * the path check would only repeat the date problem.
   */
  static CertificateFacts judge(X509Certificate leaf, String host, Instant now,
      Supplier<Optional<String>> trustProblem) {
    String name = host.toLowerCase(Locale.ROOT);
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    List<String> names = dnsNames(leaf);
    List<String> problems = new ArrayList<>();
    if (now.isAfter(notAfter)) {
      problems.add("expired on " + notAfter + "; renew it");
    } else if (now.isBefore(notBefore)) {
      problems.add("is not valid before " + notBefore + "; check the issuing system's clock");
    } else {
      trustProblem.get().ifPresent(problems::add);
    }
    if (names.isEmpty()) {
      problems.add("has no subjectAltName DNS name (only the subject '"
          + leaf.getSubjectX500Principal().getName() + "'); RFC 8461 requires " + name
          + " in the subjectAltName");
    } else if (names.stream().noneMatch(n -> nameMatches(n, name))) {
      problems.add("is valid for " + String.join(", ", names) + ", not for " + name
          + "; issue one that names " + name);
    }
    return new CertificateFacts(name, leaf.getSubjectX500Principal().getName(),
        leaf.getIssuerX500Principal().getName(), names, notBefore, notAfter, problems);
  }

  /**
   * RFC 6125 as RFC 8461 applies it: the name itself, or a wildcard as the whole left-most label
   * covering exactly one label. That is the rule of mx patterns, so their matcher decides.
   */
  private static boolean nameMatches(String dnsName, String host) {
    ParseResult<MxPattern> pattern = MxPattern.parse(dnsName.toLowerCase(Locale.ROOT));
    return pattern.isValid() && pattern.get().matches(host);
  }

  private static List<String> dnsNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    Collection<List<?>> alternatives;
    try {
      alternatives = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return names;
    }
    if (alternatives == null) {
      return names;
    }
    for (List<?> entry : alternatives) {
      if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))
          && entry.get(1) instanceof String name) {
        names.add(name);
      }
    }
    return names;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager only judges servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager only judges servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager only judges servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // only a server asks its peer for a certificate from these
    return new X509Certificate[0];
  }
}
