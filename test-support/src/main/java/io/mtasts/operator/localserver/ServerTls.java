package io.mtasts.operator.localserver;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of TLS shared by the local HTTPS and SMTP servers: turns an accepted socket into
 * a server-mode TLS socket that presents the certificate registered for the client's SNI name (or
 * the default one), and remembers every SNI name clients sent, including those of handshakes that
 * failed later.
 */
final class ServerTls {
  private static final String DEFAULT_ALIAS = "default";
  private static final String SNI_ALIAS_PREFIX = "sni:";

  private final IssuedCertificate defaultCertificate;
  private final Map<String, IssuedCertificate> bySniName = new ConcurrentHashMap<>();
  private final List<String> serverNamesSeen = new CopyOnWriteArrayList<>();
  private final SSLContext context;
  private volatile List<String> protocols = List.of("TLSv1.3", "TLSv1.2");

  ServerTls(IssuedCertificate defaultCertificate) {
    this.defaultCertificate = Objects.requireNonNull(defaultCertificate, "defaultCertificate");
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SniKeyManager()}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the server TLS context", e);
    }
  }

  void serveCertificateFor(String sniName, IssuedCertificate certificate) {
    bySniName.put(normalize(sniName), Objects.requireNonNull(certificate, "certificate"));
  }

  void protocols(List<String> enabled) {
    if (enabled.isEmpty()) {
      throw new IllegalArgumentException("at least one TLS protocol version must be enabled");
    }
    protocols = List.copyOf(enabled);
  }

  List<String> serverNamesSeen() {
    return List.copyOf(serverNamesSeen);
  }

  /** Layers server-mode TLS over an accepted (or STARTTLS-upgraded) connection. */
  SSLSocket wrap(Socket plain) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, true);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setProtocols(protocols.toArray(String[]::new));
    parameters.setSNIMatchers(List.of(new RecordingSniMatcher()));
    tls.setSSLParameters(parameters);
    return tls;
  }

  /** The SNI host name a finished (or running) handshake carried, if any. */
  static Optional<String> requestedServerName(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession) {
      for (SNIServerName name : ((ExtendedSSLSession) handshake).getRequestedServerNames()) {
        if (name instanceof SNIHostName) {
          return Optional.of(((SNIHostName) name).getAsciiName());
        }
      }
    }
    return Optional.empty();
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Accepts every name: a real server would too, and serve its default certificate. */
  private final class RecordingSniMatcher extends SNIMatcher {
    RecordingSniMatcher() {
      super(StandardConstants.SNI_HOST_NAME);
    }

    @Override
    public boolean matches(SNIServerName serverName) {
      if (serverName instanceof SNIHostName) {
        serverNamesSeen.add(((SNIHostName) serverName).getAsciiName());
      }
      return true;
    }
  }

  /** Picks the certificate by the SNI name of the handshake in progress. */
  private final class SniKeyManager extends X509ExtendedKeyManager {
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      Optional<String> sniName = Optional.empty();
      if (socket instanceof SSLSocket) {
        sniName = requestedServerName(((SSLSocket) socket).getHandshakeSession());
      }
      return aliasFor(keyType, sniName);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return aliasFor(keyType, requestedServerName(engine.getHandshakeSession()));
    }

    private String aliasFor(String keyType, Optional<String> sniName) {
      String alias =
          sniName
              .map(ServerTls::normalize)
              .filter(bySniName::containsKey)
              .map(name -> SNI_ALIAS_PREFIX + name)
              .orElse(DEFAULT_ALIAS);
      IssuedCertificate chosen = certificateFor(alias);
      // The JDK asks once per key type a negotiable signature scheme needs; naming an EC key
      // for an RSA scheme would fail the handshake instead of letting it try the next scheme.
      return chosen.privateKey().getAlgorithm().equals(keyType) ? alias : null;
    }

    private IssuedCertificate certificateFor(String alias) {
      if (alias.startsWith(SNI_ALIAS_PREFIX)) {
        IssuedCertificate bySni = bySniName.get(alias.substring(SNI_ALIAS_PREFIX.length()));
        if (bySni != null) {
          return bySni;
        }
      }
      return defaultCertificate;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {certificateFor(alias).certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return certificateFor(alias).privateKey();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
