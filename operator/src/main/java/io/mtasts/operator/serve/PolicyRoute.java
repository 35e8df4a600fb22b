package io.mtasts.operator.serve;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** {@code /.well-known/mta-sts.txt}: the exact bytes of the policy of the request's host. */
public final class PolicyRoute implements Route {

  public static final String PATH = "/.well-known/mta-sts.txt";

  private final PolicyHosts hosts;
  private final BooleanSupplier loaded;

  /** @param loaded whether the first full list of policies is in {@code hosts} */
  public PolicyRoute(PolicyHosts hosts, BooleanSupplier loaded) {
    this.hosts = hosts;
    this.loaded = loaded;
  }

  @Override
  public Set<String> methods() {
    return Set.of("GET", "HEAD");
  }

  @Override
  public Reply answer(Request request) {
    if (!loaded.getAsBoolean()) {
      // never 404 for a domain that is merely not loaded yet: a sender would take it as final
      return Reply.text(503, "policies are not loaded yet");
    }
    Optional<byte[]> body = hosts.lookup(request.host());
    if (body.isEmpty()) {
      return Reply.text(404, "no policy is served for this host");
    }
    // text/plain without parameters, as RFC 8461 section 3.2 names the media type
    return new Reply(200, Reply.TEXT, body.get(), Map.of());
  }
}
