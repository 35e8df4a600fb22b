package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One owner per domain: the oldest resource, case-insensitively, across namespaces. */
class DomainClaimsTest {

  private OperatorHarness cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new OperatorHarness().start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static boolean claimedBy(MtaStsPolicy p, String owner) {
    return p.getStatus() != null && p.getStatus().condition(ConditionTypes.READY)
        .map(c -> c.getStatus().equals("False") && c.getReason().equals("DomainClaimed")
            && (c.getMessage().contains("MtaStsPolicy " + owner + ",")
                || c.getMessage().contains("MtaStsPolicy " + owner + " (as ")))
        .orElse(false);
  }

  private static boolean isOwner(MtaStsPolicy p) {
    return p.getStatus() != null && p.getStatus().getPolicyId() != null;
  }

  /** Creates and serves a policy, so that it owns its domain with children in place. */
  private MtaStsPolicy served(String name, String domain) {
    cluster.create(Policies.basic(name, domain));
    cluster.awaitChild(Deployment.class, "mta-sts-" + name, x -> true);
    cluster.completeRollout("mta-sts-" + name);
    return cluster.awaitPolicy(name, DomainClaimsTest::isOwner);
  }

  /** Creation times have whole seconds; the next resource must be visibly younger. */
  private static void nextSecond() throws InterruptedException {
    Thread.sleep(1100);
  }

  @Test
  void aSecondResourceInTheSameNamespaceIsRefusedAndCreatesNoChildren() throws Exception {
    served("first", "example.com");
    nextSecond();

    cluster.create(Policies.basic("second", "example.com"));

    MtaStsPolicy second = cluster.awaitPolicy("second", p -> claimedBy(p, "mail/first"));
    assertThat(second.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("the domain example.com is already claimed").contains("oldest");
    Thread.sleep(1000);
    assertThat(cluster.child(ConfigMap.class, "mta-sts-second")).isNull();
    assertThat(cluster.child(Deployment.class, "mta-sts-second")).isNull();
    assertThat(cluster.get("first").getStatus().condition(ConditionTypes.READY).orElseThrow()
        .getStatus()).isEqualTo("True");
  }

  private void namespace(String name) {
    cluster.client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
        .withName(name).endMetadata().build()).create();
  }

  @Test
  void aResourceInAnotherNamespaceCannotTakeAnotherTenantsDomain() throws Exception {
    served("first", "example.com");
    nextSecond();
    namespace("tenant");

    cluster.client.resource(Policies.basic("intruder", "example.com")).inNamespace("tenant")
        .create();

    MtaStsPolicy refused = awaitIn("tenant", "intruder", p -> claimedBy(p, "mail/first"));
    assertThat(refused.getStatus().getPolicyId()).isNull();
    Thread.sleep(1000);
    assertThat(cluster.client.configMaps().inNamespace("tenant").withName("mta-sts-intruder")
        .get()).isNull();
    assertThat(cluster.get("first").getStatus().condition(ConditionTypes.READY).orElseThrow()
        .getStatus()).isEqualTo("True");
  }

  @Test
  void domainsDifferingOnlyInCaseAreOneDomain() throws Exception {
    // the schema and the validator refuse upper case; an older resource that has it (written
    // before, or with validation off) still holds the domain, as an invalid owner does
    namespace("tenant");
    cluster.client.resource(Policies.basic("upper", "EXAMPLE.com")).inNamespace("tenant")
        .create();
    nextSecond();

    cluster.create(Policies.basic("lower", "example.com"));

    MtaStsPolicy refused = cluster.awaitPolicy("lower", p -> claimedBy(p, "tenant/upper"));
    assertThat(refused.getStatus().condition(ConditionTypes.READY).orElseThrow().getMessage())
        .contains("(as EXAMPLE.com)");
    assertThat(cluster.child(ConfigMap.class, "mta-sts-lower")).isNull();
  }

  private MtaStsPolicy awaitIn(String namespace, String name,
      java.util.function.Predicate<MtaStsPolicy> condition) {
    return org.awaitility.Awaitility.await().atMost(OperatorHarness.TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.client.resources(MtaStsPolicy.class).inNamespace(namespace)
            .withName(name).get(), p -> p != null && condition.test(p));
  }

  @Test
  void whenTheOwnerIsDeletedTheNextOldestTakesOver() throws Exception {
    served("first", "example.com");
    nextSecond();
    cluster.create(Policies.basic("second", "example.com"));
    nextSecond();
    cluster.create(Policies.basic("third", "example.com"));
    cluster.awaitPolicy("second", p -> claimedBy(p, "mail/first"));
    cluster.awaitPolicy("third", p -> claimedBy(p, "mail/first"));

    // the owner keeps the domain while it retires; ending its retirement at once hands it over
    cluster.edit("first", p -> p.getMetadata().getAnnotations()
        .put(RetireAnnotation.KEY, RetireAnnotation.IMMEDIATE));
    cluster.client.resource(cluster.get("first")).delete();

    cluster.awaitChild(Deployment.class, "mta-sts-second", x -> true);
    cluster.completeRollout("mta-sts-second");
    cluster.awaitPolicy("second", DomainClaimsTest::isOwner);
    cluster.awaitPolicy("third", p -> claimedBy(p, "mail/second"));
    assertThat(cluster.child(ConfigMap.class, "mta-sts-third")).isNull();
  }

  @Test
  void aServedResourceMovedOntoAClaimedDomainKeepsItsChildrenUntouched() throws Exception {
    served("first", "example.com");
    nextSecond();
    served("second", "example.org");
    String configMapVersion = cluster.child(ConfigMap.class, "mta-sts-second").getMetadata()
        .getResourceVersion();

    cluster.edit("second", p -> p.getSpec().setDomain("example.com"));

    cluster.awaitPolicy("second", p -> claimedBy(p, "mail/first"));
    Thread.sleep(1000);
    assertThat(cluster.child(ConfigMap.class, "mta-sts-second").getMetadata()
        .getResourceVersion()).as("a refused resource changes no child")
        .isEqualTo(configMapVersion);

    // the owner moves away: the refused resource takes the domain without being touched
    cluster.edit("first", p -> p.getSpec().setDomain("example.net"));
    cluster.awaitChild(Ingress.class, "mta-sts-second",
        i -> i.getSpec().getRules().get(0).getHost().equals("mta-sts.example.com"));
    cluster.awaitPolicy("second", p -> !claimedBy(p, "mail/first"));
  }
}
