package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.mtasts.operator.api.v1alpha1.ConditionReasons;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.TlsRptStatus;
import io.mtasts.operator.serve.PolicyHosts;
import io.mtasts.operator.serve.ReportStore;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.tlsrpt.ExampleReport;
import io.mtasts.operator.tlsrpt.ReceivedReports;
import io.mtasts.operator.tlsrpt.TlsRptReportParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reports a shared server stored (through its {@link ReportStore}, into the mock API server)
 * become the policy's counters on /metrics, its status.tlsRpt summary and Warning Events for
 * failure types new to the window, batch by batch.
 */
class ReceivedReportsTest {

  private OperatorHarness cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The RFC 8460 example, for example.com, with an id and a change. */
  private static ReceivedReports.Received report(String id, Consumer<ObjectNode> change) {
    byte[] json = ExampleReport.with(tree -> {
      tree.put("report-id", id);
      ((ObjectNode) ExampleReport.policy(tree).get("policy"))
          .put("policy-domain", "example.com");
      change.accept(tree);
    });
    return ReceivedReports.Received.of(TlsRptReportParser.parse(json).get(), "example.com",
        Clock.systemUTC().instant());
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + cluster.runtime().healthPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private List<Event> newTypeEvents() {
    return cluster.client.v1().events().inNamespace(OperatorHarness.NAMESPACE).list().getItems()
        .stream()
        .filter(e -> ConditionReasons.TLSRPT_NEW_FAILURE_TYPE.equals(e.getReason()))
        .toList();
  }

  @Test
  void storedBatchesBecomeCountersStatusAndEventsForNewFailureTypes() throws Exception {
    cluster = new OperatorHarness().start();
    MtaStsPolicy policy = cluster.create(Policies.basic("example", "example.com"));
    // the server keeps reports in its own namespace; here that is the policy's
    ReportStore store = new ReportStore(cluster.client, OperatorHarness.NAMESPACE,
        Clock.systemUTC(), Duration.ofHours(1));
    store.load();
    PolicyHosts.Entry entry = new PolicyHosts.Entry("mail/example", "example.com", null,
        policy.getMetadata().getUid(), new byte[0], true);

    store.accept(entry, report("r1", tree -> {}));
    store.flush();

    MtaStsPolicy summarized = cluster.awaitPolicy("example", p -> p.getStatus() != null
        && p.getStatus().getTlsRpt() != null);
    TlsRptStatus status = summarized.getStatus().getTlsRpt();
    assertThat(status.getWindow()).isEqualTo("7d");
    assertThat(status.getReports()).isEqualTo(1);
    assertThat(status.getOrganizations()).containsExactly("Company-X");
    assertThat(status.getSuccessfulSessions()).isEqualTo(5326);
    assertThat(status.getFailedSessions()).isEqualTo(303);
    assertThat(status.getTopFailureTypes()).containsExactly("starttls-not-supported: 200",
        "certificate-expired: 100", "validation-failure: 3");
    assertThat(status.getLastReportTime()).isNotNull();

    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(metrics())
        .contains("mtasts_tlsrpt_sessions_total{domain=\"example.com\",name=\"example\","
            + "namespace=\"mail\",result=\"success\"} 5326.0")
        .contains("mtasts_tlsrpt_sessions_total{domain=\"example.com\",name=\"example\","
            + "namespace=\"mail\",result=\"failure\"} 303.0")
        .contains("mtasts_tlsrpt_failures_total{domain=\"example.com\",name=\"example\","
            + "namespace=\"mail\",result_type=\"certificate-expired\"} 100.0")
        // every type has a series from the first report on, so increase() sees the first one
        .contains("mtasts_tlsrpt_failures_total{domain=\"example.com\",name=\"example\","
            + "namespace=\"mail\",result_type=\"sts-policy-fetch-error\"} 0.0"));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> newTypeEvents().size() == 1);
    assertThat(newTypeEvents().get(0).getType()).isEqualTo("Warning");
    assertThat(newTypeEvents().get(0).getMessage()).contains("certificate-expired, "
        + "starttls-not-supported, validation-failure");

    // the second batch: the same report again (counted once), and one that names a new type
    // and one the window has seen
    store.accept(entry, report("r1", tree -> {}));
    store.accept(entry, report("r2", tree -> {
      ArrayNode details = ExampleReport.policy(tree).putArray("failure-details");
      details.addObject().put("result-type", "sts-policy-fetch-error")
          .put("failed-session-count", 7);
      details.addObject().put("result-type", "certificate-expired")
          .put("failed-session-count", 1);
      ((ObjectNode) ExampleReport.policy(tree).get("summary"))
          .put("total-successful-session-count", 10).put("total-failure-session-count", 8);
      tree.put("organization-name", "Company-Z");
    }));
    store.flush();

    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(metrics())
        .contains("result=\"success\"} 5336.0")
        .contains("result_type=\"sts-policy-fetch-error\"} 7.0")
        .contains("result_type=\"certificate-expired\"} 101.0"));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> newTypeEvents().size() == 2);
    assertThat(newTypeEvents()).filteredOn(e -> e.getMessage().contains("sts-policy-fetch-error"))
        .singleElement().satisfies(e -> assertThat(e.getMessage())
            .doesNotContain("certificate-expired").contains("sts-policy-fetch-error: 7"));
    TlsRptStatus after = cluster.get("example").getStatus().getTlsRpt();
    assertThat(after.getReports()).isEqualTo(2);
    assertThat(after.getOrganizationCount()).isEqualTo(2);
    assertThat(after.getFailureTypes()).containsExactly("certificate-expired",
        "starttls-not-supported", "sts-policy-fetch-error", "validation-failure");
  }
}
