package io.mtasts.operator.verify;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.InvalidZoneDataException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * Asks the configured DNS servers, without a cache, and turns every outcome into a {@link
 * DnsAnswer}. dnsjava follows CNAME chains and retries over TCP when a UDP answer is truncated.
 * Thread-safe: lookups share one resolver and one dnsjava lookup object, neither of which keeps
 * per-query state.
 */
final class DnsLookup {

  /** Longer chains than this are broken zones; resolvers give up on them too. */
  static final int MAX_CNAME_CHAIN = 8;

  private final LookupSession lookups;
  private final Duration timeout;
  private final String servers;

  DnsLookup(List<HostAndPort> configured, Duration timeout) {
    this.timeout = timeout;
    List<InetSocketAddress> addresses = configured.isEmpty()
        ? ResolverConfig.getCurrentConfig().servers()
        : configured.stream().map(DnsLookup::socketAddress).toList();
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no DNS server is configured on this system;"
          + " name one with --dns-server");
    }
    List<Resolver> resolvers = new ArrayList<>();
    // each server gets its share, so that a dead first server leaves time to ask the next
    Duration perServer = timeout.dividedBy(addresses.size());
    for (InetSocketAddress address : addresses) {
      SimpleResolver resolver = new SimpleResolver(address);
      resolver.setTimeout(perServer);
      resolvers.add(resolver);
    }
    ExtendedResolver resolver = new ExtendedResolver(resolvers);
    // the overall limit of one question, whichever servers are tried within it
    resolver.setTimeout(timeout);
    resolver.setRetries(1);
    this.lookups = LookupSession.builder().resolver(resolver).maxRedirects(MAX_CNAME_CHAIN)
        .build();
    this.servers = (configured.isEmpty() ? "the system's DNS servers " : "DNS server ")
        + addresses.stream().map(DnsLookup::describe).collect(Collectors.joining(", "));
  }

  private static InetSocketAddress socketAddress(HostAndPort server) {
    try {
      // a literal needs no lookup; a name is resolved once, by the system, as for any server
      return new InetSocketAddress(InetAddress.getByName(server.host()), server.port());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("DNS server '" + server.host() + "' cannot be resolved");
    }
  }

  private static String describe(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The servers asked, for messages. */
  String servers() {
    return servers;
  }

  /** The TXT records at {@code name}, each as its list of strings. */
  CompletableFuture<DnsAnswer<List<String>>> txt(String name) {
    return lookup(name, Type.TXT, record -> ((TXTRecord) record).getStrings());
  }

  /** The MX records of {@code domain} by preference; a null MX has the host {@code ""}. */
  CompletableFuture<DnsAnswer<MxHost>> mx(String domain) {
    return lookup(domain, Type.MX, record -> {
      MXRecord mx = (MXRecord) record;
      return new MxHost(mx.getPriority(), mx.getTarget().toString(true).replaceAll("\\.$", ""));
    }).thenApply(answer -> answer.isFound()
        ? DnsAnswer.found(answer.name(),
            answer.records().stream().sorted(Comparator.comparingInt(MxHost::preference)).toList(),
            answer.cnameChain())
        : answer);
  }

  /** The IPv4 then the IPv6 addresses of {@code host}. */
  CompletableFuture<DnsAnswer<InetAddress>> addresses(String host) {
    CompletableFuture<DnsAnswer<InetAddress>> v4 =
        lookup(host, Type.A, record -> ((ARecord) record).getAddress());
    CompletableFuture<DnsAnswer<InetAddress>> v6 =
        lookup(host, Type.AAAA, record -> ((AAAARecord) record).getAddress());
    return v4.thenCombine(v6, DnsLookup::combine);
  }

  private static DnsAnswer<InetAddress> combine(
      DnsAnswer<InetAddress> v4, DnsAnswer<InetAddress> v6) {
    if (v4.isFound() || v6.isFound()) {
      List<InetAddress> all = new ArrayList<>(v4.records());
      all.addAll(v6.records());
      return DnsAnswer.found(v4.name(), all, v4.isFound() ? v4.cnameChain() : v6.cnameChain());
    }
    for (DnsAnswer<InetAddress> failure : List.of(v4, v6)) {
      if (failure.isTemporaryFailure() || failure.status() == DnsAnswer.Status.BROKEN) {
        return failure;
      }
    }
    return v4.status() == DnsAnswer.Status.NO_SUCH_DOMAIN ? v4 : v6;
  }

  /** Waits for an answer; the lookup bounds itself, this only guards against a lost one. */
  <T> DnsAnswer<T> await(CompletableFuture<DnsAnswer<T>> pending, String name) {
    try {
      return pending.get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE, "interrupted");
    } catch (ExecutionException | TimeoutException e) {
      return DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE,
          "no answer within " + Durations.describe(timeout) + " from " + servers);
    }
  }

  private <T> CompletableFuture<DnsAnswer<T>> lookup(
      String name, int type, Function<Record, T> convert) {
    Name query;
    try {
      query = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(DnsAnswer.failed(name, DnsAnswer.Status.BROKEN,
          "'" + name + "' is not a valid DNS name"));
    }
    return lookups.lookupAsync(query, type).toCompletableFuture()
        .thenApply(result -> DnsAnswer.found(name, records(result, type, convert),
            aliases(result)))
        .exceptionally(failure -> answerFor(name, type, failure));
  }

  private static <T> List<T> records(
      LookupResult result, int type, Function<Record, T> convert) {
    List<T> values = new ArrayList<>();
    for (Record record : result.getRecords()) {
      if (record.getType() == type) {
        values.add(convert.apply(record));
      }
    }
    return values;
  }

  private static List<String> aliases(LookupResult result) {
    if (result.getAliases().isEmpty()) {
      return List.of();
    }
    List<String> chain = new ArrayList<>();
    for (Name alias : result.getAliases()) {
      chain.add(alias.toString(true));
    }
    if (!result.getRecords().isEmpty()) {
      chain.add(result.getRecords().get(0).getName().toString(true));
    }
    return chain;
  }

  private <T> DnsAnswer<T> answerFor(String name, int type, Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String typeName = Type.string(type);
    if (cause instanceof NoSuchDomainException) {
      return DnsAnswer.failed(name, DnsAnswer.Status.NO_SUCH_DOMAIN, "");
    }
    if (cause instanceof NoSuchRRSetException) {
      return DnsAnswer.found(name, List.of(), List.of());
    }
    if (cause instanceof ServerFailedException) {
      return DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE,
          "SERVFAIL from " + servers + " for " + typeName + " " + name);
    }
    if (cause instanceof RedirectOverflowException) {
      return DnsAnswer.failed(name, DnsAnswer.Status.BROKEN, "the CNAME chain loops or is longer"
          + " than " + MAX_CNAME_CHAIN + " names; point the CNAME at the final name directly");
    }
    if (cause instanceof InvalidZoneDataException) {
      return DnsAnswer.failed(name, DnsAnswer.Status.BROKEN,
          "the answer is inconsistent (" + cause.getMessage() + "); fix the zone");
    }
    if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException
        || isTimeoutMessage(cause)) {
      return DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE, "no answer within "
          + Durations.describe(timeout) + " from " + servers);
    }
    if (cause instanceof IOException) {
      return DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE,
          "cannot reach " + servers + ": " + describe(cause));
    }
    return DnsAnswer.failed(name, DnsAnswer.Status.TEMPORARY_FAILURE,
        typeName + " lookup failed: " + describe(cause));
  }

  /** The message, or for the exceptions that carry none (port unreachable), the kind. */
  private static String describe(Throwable cause) {
    return cause.getMessage() != null ? cause.getMessage()
        : cause.getClass().getSimpleName().replaceAll("(Exception|Error)$", "")
            .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
  }

  /** dnsjava reports the end of a whole resolution as a plain IOException with this text. */
  private static boolean isTimeoutMessage(Throwable cause) {
    return cause instanceof IOException && cause.getMessage() != null
        && cause.getMessage().startsWith("Timed out");
  }

  /**
   * One MX record.
   *
   * @param preference lower is preferred
   * @param host the exchange without the trailing dot; empty for the null MX of RFC 7505
   */
  record MxHost(int preference, String host) {
    boolean isNullMx() {
      return host.isEmpty();
    }
  }
}
