package io.mtasts.operator.serve;

import io.mtasts.operator.plan.PublishedRua;
import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import io.mtasts.operator.tlsrpt.PolicyResult;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import io.mtasts.operator.tlsrpt.ReportMediaType;
import io.mtasts.operator.tlsrpt.TlsRptReport;
import io.mtasts.operator.tlsrpt.TlsRptReportReader;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * {@code POST /tlsrpt}: TLS reports delivered over HTTPS (RFC 8460 section 5.2) for the policy
 * of the request's host, when that policy asks for them ({@code spec.tlsRpt.receive}).
 *
 * <p>A 2xx answer means the report is stored (202) or was already (200, a duplicate by report
 * id), and is sent only once it is written; everything else is a 4xx or 503 that names the
 * problem, so a reporter (or whoever tests the endpoint by hand) can tell what to fix. Every
 * request to the path spends a token of its client's rate limit, so probing hosts costs as much
 * as posting; the costly step (inflating and parsing) comes only after the cheap checks.
 */
public final class ReportRoute implements Route {

  public static final String PATH = PublishedRua.RECEIVER_PATH;
  /** A report id longer than this is not an id a reporter made up, and would bloat storage. */
  static final int MAX_ID_LENGTH = 256;
  private static final int MAX_ORGANIZATION_LENGTH = 128;
  /**
   * How long a sender waits for its report to be written: longer than the store's batch interval,
   * shorter than the request timeouts senders use.
   */
  static final Duration STORE_WAIT = Duration.ofSeconds(20);

  private final PolicyHosts hosts;
  private final BooleanSupplier loaded;
  private final ClientRateLimit rateLimit;
  private final ReportStore store;
  private final TlsRptReportReader reader = new TlsRptReportReader();
  private final Clock clock;

  public ReportRoute(PolicyHosts hosts, BooleanSupplier loaded, ClientRateLimit rateLimit,
      ReportStore store, Clock clock) {
    this.hosts = hosts;
    this.loaded = loaded;
    this.rateLimit = rateLimit;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Set<String> methods() {
    return Set.of("POST");
  }

  /** Blocks until the report is stored or refused; the server calls {@link #respond}. */
  @Override
  public Reply answer(Request request) {
    return respond(request).toCompletableFuture().join();
  }

  /**
   * Refusals at once; a report handed to the store is answered when it is written (202, or 200
   * for a duplicate), or with 503 when that takes longer than {@link #STORE_WAIT}.
   */
  @Override
  public CompletionStage<Reply> respond(Request request) {
    Verdict verdict = refuseOrAdmit(request);
    if (verdict.refusal() != null) {
      return CompletableFuture.completedFuture(verdict.refusal());
    }
    Admitted a = verdict.admitted();
    return switch (a.admission().outcome()) {
      case QUEUED -> whenStored(a.admission(), Reply.text(202, "stored report " + a.id()
          + " for " + a.domain()));
      case DUPLICATE -> whenStored(a.admission(), Reply.text(200, "duplicate: report " + a.id()
          + " was already received; counted once"));
      case NOT_LOADED -> CompletableFuture.completedFuture(retry(503, "reports cannot be"
          + " received yet: the server is still loading", 10));
      case BUSY -> CompletableFuture.completedFuture(retry(503, "too many reports wait to be"
          + " stored; retry later", 60));
    };
  }

  private record Admitted(ReportStore.Admission admission, String id, String domain) {}

  /** What the checks of a request found: a refusal to answer, or the admitted report. */
  private record Verdict(Reply refusal, Admitted admitted) {
    static Verdict refused(Reply reply) {
      return new Verdict(reply, null);
    }

    static Verdict admitted(Admitted report) {
      return new Verdict(null, report);
    }
  }

  private static CompletionStage<Reply> whenStored(ReportStore.Admission admission,
      Reply stored) {
    return admission.stored().copy()
        .orTimeout(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((written, failure) -> failure == null ? stored : retry(503, "the report was"
            + " not stored within " + STORE_WAIT.toSeconds() + " s (the API server did not take"
            + " it); it stays queued: send it again later, and once stored it is answered as a"
            + " duplicate", 60));
  }

  /** A refusal, or the report handed to the store. */
  private Verdict refuseOrAdmit(Request request) {
    if (!loaded.getAsBoolean() || !store.isLoaded()) {
      return Verdict.refused(retry(503, "reports cannot be received yet: the server is still"
          + " loading", 10));
    }
    OptionalLong wait = rateLimit.take(request.client());
    if (wait.isPresent()) {
      return Verdict.refused(retry(429, "too many requests from " + request.client()
          + "; retry after " + wait.getAsLong() + " seconds", wait.getAsLong()));
    }
    Optional<PolicyHosts.Entry> served = hosts.served(request.host());
    if (served.isEmpty()) {
      return Verdict.refused(Reply.text(404, "no policy is served for host '" + request.host()
          + "'"));
    }
    PolicyHosts.Entry entry = served.get();
    if (!entry.receivesReports()) {
      return Verdict.refused(Reply.text(403, "the policy of " + entry.domain()
          + " does not receive TLS reports here (its spec.tlsRpt.receive is not true)"));
    }
    Optional<ReportMediaType> type = ReportMediaType.fromContentType(request.contentType());
    if (type.isEmpty()) {
      return Verdict.refused(Reply.text(415, "Content-Type '" + request.contentType()
          + "' is not allowed; send " + ReportMediaType.GZIP.mediaType() + " or "
          + ReportMediaType.JSON.mediaType() + " (RFC 8460 section 5.3)"));
    }
    if (request.body().length == 0) {
      return Verdict.refused(Reply.text(400, "the request has no body; send the report"));
    }
    ParseResult<TlsRptReport> parsed = reader.read(request.body(), type.get());
    if (!parsed.isValid()) {
      Finding first = parsed.errors().get(0);
      int status = "gzip".equals(first.where()) && first.message().startsWith("inflates") ? 413
          : 400;
      return Verdict.refused(Reply.text(status, "not a valid TLS report: "
          + parsed.errors().stream().map(Finding::toString).collect(Collectors.joining("; "))));
    }
    TlsRptReport report = parsed.get();
    if (report.reportId().length() > MAX_ID_LENGTH) {
      return Verdict.refused(Reply.text(400, "not a valid TLS report: report-id: longer than "
          + MAX_ID_LENGTH + " characters"));
    }
    for (int i = 0; i < report.policies().size(); i++) {
      PolicyResult policy = report.policies().get(i);
      if (!policy.domain().equalsIgnoreCase(entry.domain())) {
        return Verdict.refused(Reply.text(403, "policies[" + i + "].policy.policy-domain: '"
            + policy.domain() + "' is not " + entry.domain() + ", the domain of this host;"
            + " send each domain's reports to the rua of that domain"));
      }
    }
    String organization = report.organization().length() > MAX_ORGANIZATION_LENGTH
        ? report.organization().substring(0, MAX_ORGANIZATION_LENGTH) : report.organization();
    ReceivedReports.Received received = ReceivedReports.Received.of(report, entry.domain(),
        clock.instant());
    received = new ReceivedReports.Received(received.id(), organization, received.received(),
        received.start(), received.end(), received.counts());
    return Verdict.admitted(new Admitted(store.accept(entry, received), report.reportId(),
        entry.domain()));
  }

  private static Reply retry(int status, String message, long seconds) {
    Reply reply = Reply.text(status, message);
    return new Reply(reply.status(), reply.contentType(), reply.body(),
        Map.of("Retry-After", Long.toString(seconds)));
  }
}
