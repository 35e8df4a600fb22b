package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.mtasts.operator.plan.PlanSettings;
import io.mtasts.operator.plan.PolicyPlan;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.verify.HostLookup.HostAnswer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a shared host waiting for DNS tells the user to publish. */
class SharedHostStatusTest {

  private final PolicyPlan plan = PolicyPlan.of(Policies.basic("example", "example.com"),
      PlanSettings.defaults());
  private final HostAnswer absent = new HostAnswer("mta-sts.example.com", HostAnswer.Kind.ABSENT,
      List.of(), List.of(), "mta-sts.example.com does not exist (NXDOMAIN)");

  private static Ingress withLoadBalancer(String hostname, String ip) {
    return new IngressBuilder().withNewStatus().withNewLoadBalancer().addNewIngress()
        .withHostname(hostname).withIp(ip).endIngress().endLoadBalancer().endStatus().build();
  }

  @Test
  void theIngressControllersHostNameIsTheCnameTarget() {
    Optional<String> target = SharedHostExposure.publicHost(
        withLoadBalancer("lb-1.provider.example", null));

    assertThat(SharedHostStatus.waitingMessage(plan, absent, target)).contains(
        "a CNAME record mta-sts.example.com -> lb-1.provider.example",
        "does not exist (NXDOMAIN)");
  }

  @Test
  void anAddressBecomesAnAddressRecord() {
    assertThat(SharedHostStatus.waitingMessage(plan, absent,
        SharedHostExposure.publicHost(withLoadBalancer(null, "203.0.113.7"))))
        .contains("an A record mta-sts.example.com -> 203.0.113.7");
    assertThat(SharedHostStatus.waitingMessage(plan, absent,
        SharedHostExposure.publicHost(withLoadBalancer(null, "2001:db8::7"))))
        .contains("an AAAA record mta-sts.example.com -> 2001:db8::7");
  }

  @Test
  void withoutAnAddressYetItSaysWhatKindOfRecordToPublish() {
    assertThat(SharedHostExposure.publicHost(new IngressBuilder().build())).isEmpty();
    assertThat(SharedHostStatus.waitingMessage(plan, absent, Optional.empty())).contains(
        "a CNAME record for mta-sts.example.com pointing at the host name of the shared"
            + " server's ingress", "has not published an address");
  }

  @Test
  void aFailedLookupIsNotReportedAsAMissingRecord() {
    HostAnswer failed = new HostAnswer("mta-sts.example.com", HostAnswer.Kind.FAILED, List.of(),
        List.of(), "SERVFAIL from DNS server 127.0.0.1:53");

    assertThat(SharedHostStatus.waitingMessage(plan, failed, Optional.empty()))
        .contains("the lookup failed (SERVFAIL").doesNotContain("does not resolve yet");
  }
}
