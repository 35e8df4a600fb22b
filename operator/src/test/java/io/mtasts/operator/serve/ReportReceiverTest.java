package io.mtasts.operator.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mtasts.operator.localserver.LocalApiServer;
import io.mtasts.operator.tlsrpt.ExampleReport;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The report receiver over real HTTP on 127.0.0.1, storing into the mock API server: what a
 * reporter gets back for each kind of request, and what reaches the policy's ConfigMap.
 */
class ReportReceiverTest {

  private static final String NAMESPACE = "serving";
  private static final String HOST = "mta-sts.company-y.example";
  private static final String UID = "6f1c9a2e-0000-4000-8000-00000000000a";
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private final LocalApiServer api = new LocalApiServer();
  private final KubernetesClient client = api.newClient();
  private final PolicyHosts hosts = new PolicyHosts();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private ReportStore store;
  private PolicyHttpServer server;

  record Response(int status, Map<String, String> headers, String body) {}

  @BeforeEach
  void start() throws Exception {
    hosts.put(new PolicyHosts.Entry("mail/company-y", "company-y.example", Instant.EPOCH, UID,
        new byte[0], true));
    hosts.put(new PolicyHosts.Entry("mail/other", "other.example", Instant.EPOCH, "uid-other",
        new byte[0], false));
    startServer(new ClientRateLimit(100, 100, 100, clock));
  }

  private void startServer(ClientRateLimit limit) throws Exception {
    store = new ReportStore(client, NAMESPACE, clock, Duration.ofHours(1));
    store.load();
    Routes routes = new Routes(Map.of(ReportRoute.PATH,
        new ReportRoute(hosts, () -> true, limit, store, clock)));
    server = PolicyHttpServer.start(HttpSettings.defaults("127.0.0.1", 0)
        .withRequestTimeout(Duration.ofSeconds(5)).withThreads(1), routes,
        new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    server.close(Duration.ZERO);
    client.close();
    api.close();
  }

  /**
   * Posts a report whose answer waits for the store's write, writing the store's batch (as its
   * timer would) until the answer comes.
   */
  private Response postStored(String host, String contentType, byte[] body) {
    CompletableFuture<Response> answer =
        CompletableFuture.supplyAsync(() -> post(host, contentType, body));
    return flushUntilAnswered(answer);
  }

  private void awaitQueued(int reports) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (store.queued() < reports) {
      assertThat(System.nanoTime()).as("%d reports queued in time", reports).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private Response flushUntilAnswered(CompletableFuture<Response> answer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!answer.isDone() && System.nanoTime() < deadline) {
      store.flush();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return answer.join();
  }

  private Response post(String host, String contentType, byte[] body) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /tlsrpt HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType
          + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
      } catch (IOException e) {
        // the server may answer and close before it reads an oversized body
      }
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      Map<String, String> headers = new HashMap<>();
      String[] lines = response.substring(0, split).split("\r\n");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).toLowerCase(),
            lines[i].substring(colon + 1).strip());
      }
      return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
          response.substring(split + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] reportWithId(String id) {
    return ExampleReport.with(tree -> tree.put("report-id", id));
  }

  private ReceivedReports stored() {
    ConfigMap map = client.configMaps().inNamespace(NAMESPACE)
        .withName(ReportConfigMaps.name(UID)).get();
    assertThat(map).as("ConfigMap of the policy's reports").isNotNull();
    assertThat(map.getMetadata().getLabels())
        .containsEntry(ReportConfigMaps.LABEL, "true")
        .containsEntry(ReportConfigMaps.POLICY_NAMESPACE_LABEL, "mail")
        .containsEntry(ReportConfigMaps.POLICY_NAME_LABEL, "company-y")
        .containsEntry(ReportConfigMaps.POLICY_UID_LABEL, UID);
    return ReportConfigMaps.read(map).orElseThrow();
  }

  @Test
  void aGzipReportIsAcknowledgedOnlyOnceWrittenToThePolicysConfigMapInABatch()
      throws Exception {
    CompletableFuture<Response> answer = CompletableFuture.supplyAsync(
        () -> post(HOST, "application/tlsrpt+gzip", gzip(ExampleReport.bytes())));

    // nothing is written per request, and nothing is acknowledged before it is written
    awaitQueued(1);
    Thread.sleep(200);
    assertThat(answer).isNotDone();
    assertThat(client.configMaps().inNamespace(NAMESPACE).list().getItems()).isEmpty();

    Response r = flushUntilAnswered(answer);
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.body()).contains("stored report 5065427c-23d3-47ca-b6e0-946ea0e8c4be");

    ReceivedReports reports = stored();
    assertThat(reports.domain()).isEqualTo("company-y.example");
    assertThat(reports.reports()).singleElement().satisfies(rep -> {
      assertThat(rep.organization()).isEqualTo("Company-X");
      assertThat(rep.received()).isEqualTo(NOW);
    });
    assertThat(reports.totals().successful()).isEqualTo(5326);
    assertThat(reports.totals().failed()).isEqualTo(303);
    assertThat(reports.totals().failures()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "certificate-expired", 100L, "starttls-not-supported", 200L,
        "validation-failure", 3L));
  }

  @Test
  void aJsonReportIsStoredAndItsCharsetParameterIgnored() {
    Response r = postStored(HOST, "application/tlsrpt+json; charset=utf-8",
        reportWithId("json-1"));

    assertThat(r.status()).isEqualTo(202);
    assertThat(stored().ids()).containsExactly("json-1");
  }

  @Test
  void aSecondPostOfTheSameIdIsAcknowledgedAsDuplicateAndCountedOnce() throws Exception {
    CompletableFuture<Response> first = CompletableFuture.supplyAsync(
        () -> post(HOST, "application/tlsrpt+json", reportWithId("dup")));
    awaitQueued(1);
    // the same report again while the first waits to be written: answered when it is
    Response again = postStored(HOST, "application/tlsrpt+gzip", gzip(reportWithId("dup")));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).contains("duplicate");
    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(202);

    Response afterWrite = post(HOST, "application/tlsrpt+json", reportWithId("dup"));
    assertThat(afterWrite.status()).isEqualTo(200);

    // a restarted server loads the ids of the window from the ConfigMaps
    server.close(Duration.ZERO);
    startServer(new ClientRateLimit(100, 100, 100, clock));
    assertThat(post(HOST, "application/tlsrpt+json", reportWithId("dup")).status())
        .isEqualTo(200);
    store.flush();
    assertThat(stored().reports()).hasSize(1);
    assertThat(stored().totals().successful()).isEqualTo(5326);
  }

  @Test
  void anOversizedBodyIsRefusedWith413NamingTheLimit() {
    byte[] big = new byte[HttpSettings.defaults("127.0.0.1", 0).maxBodyBytes() + 1];

    Response r = post(HOST, "application/tlsrpt+json", big);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.body()).contains("larger than 65536 bytes");
  }

  @Test
  void aGzipBombIsRefusedWithoutInflatingIt() {
    byte[] bomb = gzip(new byte[20 * 1024 * 1024]);
    assertThat(bomb.length).isLessThan(65536);

    Response r = post(HOST, "application/tlsrpt+gzip", bomb);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.body()).contains("gzip: inflates to more than");
  }

  @Test
  void aWrongContentTypeIsRefusedWith415NamingTheAllowedTypes() {
    Response r = post(HOST, "application/json", ExampleReport.bytes());

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.body()).contains("'application/json'").contains("application/tlsrpt+gzip")
        .contains("application/tlsrpt+json");
  }

  @Test
  void anInvalidReportIsRefusedWith400NamingTheField() {
    byte[] broken = ExampleReport.with(tree -> tree.remove("report-id"));

    Response r = post(HOST, "application/tlsrpt+json", broken);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("report-id");
  }

  @Test
  void reportsForADomainNotServedOrNotOptedInOrOfAnotherDomainAreRefused() {
    Response unknown = post("mta-sts.unknown.example", "application/tlsrpt+json",
        ExampleReport.bytes());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).contains("no policy is served for host 'mta-sts.unknown.example'");

    Response notOptedIn = post("mta-sts.other.example", "application/tlsrpt+json",
        ExampleReport.bytes());
    assertThat(notOptedIn.status()).isEqualTo(403);
    assertThat(notOptedIn.body()).contains("spec.tlsRpt.receive");

    Response foreign = post(HOST, "application/tlsrpt+json", ExampleReport.with(tree ->
        ((com.fasterxml.jackson.databind.node.ObjectNode) ExampleReport.policy(tree)
            .get("policy")).put("policy-domain", "other.example")));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.body()).contains("policies[0].policy.policy-domain: 'other.example'");

    store.flush();
    assertThat(client.configMaps().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  @Test
  void aClientOverItsRateGets429WithRetryAfter() throws Exception {
    server.close(Duration.ZERO);
    startServer(new ClientRateLimit(3, 1, 100, clock));

    for (int i = 0; i < 3; i++) {
      assertThat(postStored(HOST, "application/tlsrpt+json", reportWithId("r" + i)).status())
          .isEqualTo(202);
    }
    Response limited = post(HOST, "application/tlsrpt+json", reportWithId("r3"));

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers()).containsEntry("retry-after", "60");
    assertThat(limited.body()).contains("too many requests from 127.0.0.1");
    store.flush();
    assertThat(stored().ids()).containsExactlyInAnyOrder("r0", "r1", "r2");
  }

  @Test
  void reportsOfTwoReplicasMergeIntoOneConfigMapWithoutDoubleCounting() {
    ReportStore other = new ReportStore(client, NAMESPACE, clock, Duration.ofHours(1));
    other.load();
    PolicyHosts.Entry entry = hosts.served(HOST).orElseThrow();
    ReceivedReports.Received a = ReceivedReports.Received.of(
        io.mtasts.operator.tlsrpt.TlsRptReportParser.parse(reportWithId("a")).get(),
        "company-y.example", NOW);
    ReceivedReports.Received b = new ReceivedReports.Received("b", "Org-B", NOW, NOW, NOW,
        a.counts());

    ReportStore.Admission admitted = store.accept(entry, a);
    assertThat(admitted.outcome()).isEqualTo(ReportStore.Outcome.QUEUED);
    assertThat(other.accept(entry, a).outcome()).isEqualTo(ReportStore.Outcome.QUEUED);
    assertThat(other.accept(entry, b).outcome()).isEqualTo(ReportStore.Outcome.QUEUED);
    assertThat(admitted.stored()).isNotDone();
    store.flush();
    assertThat(admitted.stored()).isDone();
    other.flush();

    assertThat(stored().ids()).containsExactlyInAnyOrder("a", "b");
    assertThat(stored().totals().successful()).isEqualTo(2 * 5326);
    // this replica learns of b only at its next write, which merges it by id
    store.accept(entry, b);
    store.flush();
    assertThat(stored().ids()).containsExactlyInAnyOrder("a", "b");
    assertThat(stored().totals().successful()).isEqualTo(2 * 5326);
  }
}
