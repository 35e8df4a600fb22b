package io.mtasts.operator.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Verifier} reaches the network.
 *
 * @param dnsServers the DNS servers to ask, tried in order; empty means the system's resolvers
 * @param caFile a PEM bundle of certificates trusted in addition to the JDK's roots
 * @param allowPrivate whether loopback, private-use, link-local and cloud-metadata addresses may be
 *     contacted; off by default, because the checks connect wherever a domain's DNS points
 * @param timeout the limit of each network step: one DNS query, the policy download from connect
 *     to the last byte, one SMTP conversation
 * @param probeMx whether to connect to each MX host and test STARTTLS
 * @param httpsPort the port of the policy host; 443 is what senders use, other values are for
 *     test deployments
 * @param smtpPort the port of the MX hosts; 25 is what senders use, other values are for tests
 * @param resolveOverrides fixed addresses for chosen host and port pairs, tried before DNS
 */
public record VerifierSettings(
    List<HostAndPort> dnsServers,
    Optional<Path> caFile,
    boolean allowPrivate,
    Duration timeout,
    boolean probeMx,
    int httpsPort,
    int smtpPort,
    List<ResolveOverride> resolveOverrides) {

  public static final int DNS_PORT = 53;
  public static final int HTTPS_PORT = 443;
  public static final int SMTP_PORT = 25;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public VerifierSettings {
    dnsServers = List.copyOf(dnsServers);
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    HostAndPort.checkPort(httpsPort, "httpsPort");
    HostAndPort.checkPort(smtpPort, "smtpPort");
    resolveOverrides = List.copyOf(resolveOverrides);
  }

  /** The defaults: system resolvers, JDK trust, public addresses only, 10 s, no MX probe. */
  public static VerifierSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings built step by step; text values are parsed here, with messages for users. */
  public static final class Builder {
    private final List<HostAndPort> dnsServers = new ArrayList<>();
    private Path caFile;
    private boolean allowPrivate;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean probeMx;
    private int httpsPort = HTTPS_PORT;
    private int smtpPort = SMTP_PORT;
    private final List<ResolveOverride> resolveOverrides = new ArrayList<>();

    private Builder() {}

    /** Adds a DNS server written {@code HOST[:PORT]}; port 53 when none is given. */
    public Builder dnsServer(String hostAndPort) {
      dnsServers.add(HostAndPort.parse(hostAndPort, DNS_PORT));
      return this;
    }

    /** Replaces the DNS servers with these {@code HOST[:PORT]} texts; empty: the system's. */
    public Builder dnsServers(List<String> hostAndPorts) {
      dnsServers.clear();
      hostAndPorts.forEach(this::dnsServer);
      return this;
    }

    public Builder caFile(Path file) {
      this.caFile = file;
      return this;
    }

    public Builder caFile(Optional<Path> file) {
      this.caFile = file.orElse(null);
      return this;
    }

    public Builder allowPrivate(boolean allow) {
      this.allowPrivate = allow;
      return this;
    }

    public Builder timeout(Duration limit) {
      this.timeout = Objects.requireNonNull(limit, "timeout");
      return this;
    }

    public Builder probeMx(boolean probe) {
      this.probeMx = probe;
      return this;
    }

    public Builder httpsPort(int port) {
      this.httpsPort = port;
      return this;
    }

    public Builder smtpPort(int port) {
      this.smtpPort = port;
      return this;
    }

    /** Adds an override written {@code HOST:PORT:ADDRESS}, as curl's {@code --resolve}. */
    public Builder resolve(String override) {
      resolveOverrides.add(ResolveOverride.parse(override));
      return this;
    }

    public Builder resolve(ResolveOverride override) {
      resolveOverrides.add(Objects.requireNonNull(override, "override"));
      return this;
    }

    public VerifierSettings build() {
      return new VerifierSettings(dnsServers, Optional.ofNullable(caFile), allowPrivate, timeout,
          probeMx, httpsPort, smtpPort, resolveOverrides);
    }
  }
}
