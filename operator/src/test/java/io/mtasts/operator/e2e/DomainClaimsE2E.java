package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.ConditionTypes;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.reconciler.RetireAnnotation;
import io.mtasts.operator.runtime.OperatorRuntime;
import io.mtasts.operator.testing.Policies;
import io.mtasts.operator.testing.ProbeDouble;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One owner per domain on a real API server, across namespaces: the older resource owns the
 * domain, the other is refused without children, and takes over when the owner is deleted.
 */
class DomainClaimsE2E {

  private RealCluster first;
  private RealCluster second;
  private final LoopbackPods pods = new LoopbackPods();
  private OperatorRuntime operator;
  /** A domain no other test uses, so that resources of earlier tests cannot own it. */
  private final String domain = "claims-" + UUID.randomUUID().toString().substring(0, 6)
      + ".example";

  @BeforeEach
  void start() throws Exception {
    first = RealCluster.connect("claims-a");
    second = RealCluster.connect("claims-b");
    operator = E2EOperator.start(first, "e2e-claims", LoopbackPods.PROBE_LOOPBACK);
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    pods.close();
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  private static boolean refusedInFavourOf(MtaStsPolicy p, String owner) {
    return p.getStatus() != null && p.getStatus().condition(ConditionTypes.READY)
        .map(c -> c.getReason().equals("DomainClaimed") && c.getStatus().equals("False")
            && c.getMessage().contains("MtaStsPolicy " + owner + ","))
        .orElse(false);
  }

  private void serve(RealCluster cluster, String child) {
    pods.serveCurrentConfigMap(cluster, child);
  }

  @Test
  void theOlderResourceOwnsTheDomainAndTheOtherTakesOverWhenItIsDeleted() throws Exception {
    first.create(Policies.basic("owner", domain));
    first.awaitChild(Deployment.class, "mta-sts-owner", x -> true);
    serve(first, "mta-sts-owner");
    first.awaitPolicy("owner", p -> p.getStatus().getPolicyId() != null);
    // creation times have whole seconds
    Thread.sleep(1100);

    second.create(Policies.basic("claimant", domain));

    MtaStsPolicy refused = second.awaitPolicy("claimant",
        p -> refusedInFavourOf(p, first.namespace + "/owner"));
    assertThat(refused.getStatus().getPolicyId()).isNull();
    Thread.sleep(2000);
    assertThat(second.child(ConfigMap.class, "mta-sts-claimant")).isNull();
    assertThat(second.child(Deployment.class, "mta-sts-claimant")).isNull();

    // the owner keeps the domain while it retires; ending its retirement at once hands it over
    first.update("owner", retiring -> retiring.getMetadata().getAnnotations()
        .put(RetireAnnotation.KEY, RetireAnnotation.IMMEDIATE));
    first.admin.resource(first.get("owner")).delete();

    second.awaitChild(Deployment.class, "mta-sts-claimant", x -> true);
    serve(second, "mta-sts-claimant");
    MtaStsPolicy owner = second.awaitPolicy("claimant",
        p -> p.getStatus().getPolicyId() != null);
    assertThat(owner.getStatus().condition(ConditionTypes.READY).orElseThrow().getReason())
        .isNotEqualTo("DomainClaimed");
  }
}
