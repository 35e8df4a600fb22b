package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mtasts.operator.localserver.LocalApiServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A leader that resumes after a pause longer than its Lease writes nothing more: its writes are
 * refused from the moment the Lease it last renewed may have passed to another instance.
 */
class LeaseFenceTest {

  private static final String LEASE = "mta-sts-operator";
  private static final Duration WINDOW = Duration.ofSeconds(10);

  /** A clock the test moves; a SIGSTOPped process sees the same jump when it resumes. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T03:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  private final LocalApiServer api = new LocalApiServer();
  private final KubernetesClient observer = api.newClient();
  private final MovableClock clock = new MovableClock();
  private final LeaseFence fence = new LeaseFence(LEASE, WINDOW, clock);
  /** Built as the operator builds its own client, Lease bodies serialized the same way. */
  private final KubernetesClient fenced = new KubernetesClientBuilder()
      .withConfig(observer.getConfiguration())
      .withKubernetesSerialization(OperatorRuntime.readingSerialization())
      .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(LeaseFence.NAME, fence))
      .build();

  @AfterEach
  void stop() {
    fenced.close();
    observer.close();
    api.close();
  }

  private Lease lease(String holder) {
    return new LeaseBuilder().withNewMetadata().withName(LEASE).withNamespace("ops")
        .endMetadata().withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(15)
        .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .withAcquireTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .endSpec().build();
  }

  private ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("ops")
        .endMetadata().addToData("k", "v").build();
  }

  private void write(String name) {
    fenced.resource(configMap(name)).create();
  }

  private boolean stored(String name) {
    return observer.configMaps().inNamespace("ops").withName(name).get() != null;
  }

  @Test
  void beforeTheLeaseIsTakenWritesAreRefusedAndReadsPass() {
    assertThatThrownBy(() -> write("early"))
        .hasStackTraceContaining("is not known to be held by this instance");
    assertThat(stored("early")).isFalse();
    assertThat(fenced.configMaps().inNamespace("ops").list().getItems()).isEmpty();
  }

  @Test
  void accessReviewsAreQuestionsAndPassWithoutTheLease() {
    // the framework asks which permissions it has when its controllers start, before leading
    var review = fenced.authorization().v1().selfSubjectRulesReview().create(
        new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
            // a name only because the mock API server stores what it is sent
            .withNewMetadata().withName("rules").endMetadata()
            .withNewSpec().withNamespace("ops").endSpec().build());
    assertThat(review).isNotNull();
  }

  @Test
  void writesPassWhileTheLeaseIsRenewedAndStopOnceItMayHaveExpired() {
    fenced.resource(lease("a")).create();
    write("while-leading");
    assertThat(stored("while-leading")).isTrue();

    // paused for longer than the window: the renewal recorded is too old to vouch for the write
    clock.advance(WINDOW.plusMillis(1));
    assertThat(fence.open()).isFalse();
    assertThatThrownBy(() -> write("after-pause"))
        .hasStackTraceContaining("refused POST /api/v1/namespaces/ops/configmaps");
    assertThat(stored("after-pause")).isFalse();

    // the elector renews (or wins the Lease again): the fence counts from the new renewTime
    Lease current = fenced.leases().inNamespace("ops").withName(LEASE).get();
    current.getSpec().setRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
    fenced.resource(current).update();
    write("renewed");
    assertThat(stored("renewed")).isTrue();
  }

  @Test
  void aRenewalRecordedLongAgoOpensNothing() {
    // the elector took its timestamp, then the process was paused before the write went out
    Lease stale = lease("a");
    clock.advance(WINDOW.plusSeconds(4));
    fenced.resource(stale).create();
    assertThat(fence.open()).isFalse();
    assertThatThrownBy(() -> write("late"));
    assertThat(stored("late")).isFalse();
  }

  @Test
  void releasingTheLeaseClosesTheFence() {
    fenced.resource(lease("a")).create();
    Lease current = fenced.leases().inNamespace("ops").withName(LEASE).get();
    current.getSpec().setHolderIdentity(null);
    fenced.resource(current).update();
    assertThatThrownBy(() -> write("after-release"));
    assertThat(stored("after-release")).isFalse();
  }

  @Test
  void anotherLeaseIsAWriteLikeAnyOtherAndOpensNothing() {
    Lease other = lease("a");
    other.getMetadata().setName("someone-elses-lease");
    assertThatThrownBy(() -> fenced.resource(other).create());
    observer.resource(other).create();
    assertThatThrownBy(() -> write("unrelated"));
    assertThat(stored("unrelated")).isFalse();
  }
}
