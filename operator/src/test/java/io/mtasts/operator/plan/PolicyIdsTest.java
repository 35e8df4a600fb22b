package io.mtasts.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicyStatus;
import io.mtasts.operator.api.v1alpha1.PolicyRollout;
import io.mtasts.operator.policy.PolicyId;
import io.mtasts.operator.policy.StsRecord;
import io.mtasts.operator.policy.StsRecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which id the desired policy bytes get, from status, the live ConfigMap and the clock. */
class PolicyIdsTest {

  static final String A =
      "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  static final String B =
      "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
  static final String C =
      "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";
  static final Instant T = Instant.parse("2026-03-01T12:00:00.250Z");

  static byte[] bytes(String policy) {
    return policy.getBytes(StandardCharsets.US_ASCII);
  }

  /** A resource's status, changed as the reconciler changes it. */
  static final class Resource {
    final MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    String live;

    PolicyIds.Decision reconcile(String desired, Instant now) {
      PolicyIds.Decision d = PolicyIds.of(status, Optional.ofNullable(live), now)
          .decide(bytes(desired));
      d.allocation().ifPresent(status::setRollout);
      return d;
    }

    /** The workflow wrote the ConfigMap. */
    void written(String desired) {
      live = desired;
    }

    /** The served gate passed: the plan's id goes into status. */
    void advertised(String id, String policy) {
      status.setPolicyId(id);
      status.setPolicy(policy);
    }
  }

  private static Resource servedA(Instant at) {
    Resource r = new Resource();
    String id = r.reconcile(A, at).id();
    r.written(A);
    r.advertised(id, A);
    return r;
  }

  @Test
  void aNewResourceGetsTheAllocationTimeInUtcAndSixCharactersOfTheDigest() {
    PolicyIds.Decision d = PolicyIds.forNewResource(T).decide(bytes(A));

    assertThat(d.id()).isEqualTo("20260301120000" + PolicyId.of(bytes(A)).substring(0, 6));
    assertThat(d.allocation()).contains(new PolicyRollout(d.id(),
        PolicyIds.sha256Hex(bytes(A)), "2026-03-01T12:00:00Z"));
    assertThat(PolicyIds.timeOf(d.id())).contains(Instant.parse("2026-03-01T12:00:00Z"));
  }

  @Test
  void idsAreOneToThirtyTwoLettersAndDigitsThatTheStrictRecordParserAccepts() {
    String id = PolicyIds.forNewResource(T).decide(bytes(B)).id();

    assertThat(id).matches("[A-Za-z0-9]{1,32}").hasSize(20);
    assertThat(StsRecordParser.parse(new StsRecord(id).render()).get().id()).isEqualTo(id);
  }

  @Test
  void theAdvertisedBytesKeepTheirIdAndAllocateNothing() {
    Resource r = servedA(T);
    String advertised = r.status.getPolicyId();

    PolicyIds.Decision again = r.reconcile(A, T.plusSeconds(3600));

    assertThat(again.id()).isEqualTo(advertised);
    assertThat(again.isNew()).isFalse();
  }

  @Test
  void changedBytesGetANewLaterIdWhileTheOldOneStaysAdvertised() {
    Resource r = servedA(T);
    String idA = r.status.getPolicyId();

    PolicyIds.Decision b = r.reconcile(B, T.plusSeconds(60));

    assertThat(b.isNew()).isTrue();
    assertThat(b.id()).isNotEqualTo(idA).isGreaterThan(idA).startsWith("20260301120100");
    assertThat(r.status.getRollout().getPolicyId()).isEqualTo(b.id());
    assertThat(r.status.getPolicyId()).isEqualTo(idA);
  }

  @Test
  void aPendingIdIsDecidedAgainAfterARestartOrByAnotherLeader() {
    Resource r = servedA(T);
    String idB = r.reconcile(B, T.plusSeconds(60)).id();
    // the operator stops before writing the ConfigMap, or after it: either way status decides
    for (String live : new String[] {A, B}) {
      r.live = live;
      PolicyIds.Decision later = PolicyIds.of(r.status, Optional.of(live),
          T.plusSeconds(7200)).decide(bytes(B));
      assertThat(later.id()).as("with %s in the ConfigMap", live).isEqualTo(idB);
      assertThat(later.isNew()).isFalse();
    }
  }

  @Test
  void revertingAPartlyRolledOutChangeAdvertisesAnIdNeverUsedBefore() {
    Resource r = servedA(T);
    String idA = r.status.getPolicyId();
    String idB = r.reconcile(B, T.plusSeconds(60)).id();
    r.written(B);
    // B reached some pods, the rollout never finished, and the spec goes back to A

    PolicyIds.Decision revert = r.reconcile(A, T.plusSeconds(120));

    assertThat(revert.isNew()).isTrue();
    assertThat(revert.id()).isNotIn(idA, idB).isGreaterThan(idB);
    // after a restart, and once A is written, the revert keeps its id
    r.written(A);
    assertThat(r.reconcile(A, T.plusSeconds(999)).id()).isEqualTo(revert.id());
    r.advertised(revert.id(), A);
    assertThat(r.reconcile(A, T.plusSeconds(1999)).isNew()).isFalse();
  }

  @Test
  void revertingBeforeTheNewBytesWereWrittenAlsoGetsAFreshId() {
    // status holds B's allocation, so B may have reached the ConfigMap: status says so alone
    Resource r = servedA(T);
    String idA = r.status.getPolicyId();
    r.reconcile(B, T.plusSeconds(60));

    PolicyIds.Decision revert = r.reconcile(A, T.plusSeconds(61));

    assertThat(revert.isNew()).isTrue();
    assertThat(revert.id()).isNotEqualTo(idA);
  }

  @Test
  void otherBytesInTheConfigMapThanTheAdvertisedOnesForceAFreshId() {
    Resource r = servedA(T);
    String idA = r.status.getPolicyId();
    r.live = C;

    PolicyIds.Decision d = r.reconcile(A, T.plusSeconds(60));

    assertThat(d.isNew()).isTrue();
    assertThat(d.id()).isNotEqualTo(idA);
  }

  @Test
  void anIdAdvertisedBeforeAllocationsWereKeptStaysWhileNothingElseWasServed() {
    MtaStsPolicyStatus status = new MtaStsPolicyStatus();
    String digestId = PolicyId.of(bytes(A));
    status.setPolicyId(digestId);
    status.setPolicy(A);

    PolicyIds.Decision same = PolicyIds.of(status, Optional.of(A), T).decide(bytes(A));
    // a crash between writing B to the ConfigMap and writing status, then A again
    PolicyIds.Decision afterCrash = PolicyIds.of(status, Optional.of(B), T).decide(bytes(A));

    assertThat(same.id()).isEqualTo(digestId);
    assertThat(same.isNew()).isFalse();
    assertThat(afterCrash.isNew()).isTrue();
    assertThat(afterCrash.id()).isNotEqualTo(digestId);
  }

  @Test
  void twoChangesWithinOneSecondGetDistinctIncreasingIds() {
    Resource r = servedA(T);
    String idB = r.reconcile(B, T.plusMillis(100)).id();
    String idC = r.reconcile(C, T.plusMillis(200)).id();
    String idA = r.reconcile(A, T.plusMillis(300)).id();

    assertThat(List.of(r.status.getPolicyId(), idB, idC, idA)).doesNotHaveDuplicates()
        .isSorted();
    assertThat(PolicyIds.timeOf(idA)).contains(Instant.parse("2026-03-01T12:00:03Z"));
  }

  @Test
  void aClockBehindThePreviousAllocationStillAllocatesAfterIt() {
    Resource r = servedA(T.plusSeconds(600));
    String idA = r.status.getPolicyId();

    // a new leader whose clock is ten minutes behind
    String idB = r.reconcile(B, T).id();

    assertThat(idB).isGreaterThan(idA);
    assertThat(PolicyIds.timeOf(idB)).contains(Instant.parse("2026-03-01T12:10:01Z"));
  }

  @Test
  void aLongHistoryOfChangesAndRevertsNeverRepeatsAnId() {
    Resource r = new Resource();
    List<String> allocated = new ArrayList<>();
    String[] specs = {A, B, A, A, B, C, A, B, B, A};
    Instant now = T;
    for (int i = 0; i < specs.length; i++) {
      PolicyIds.Decision d = r.reconcile(specs[i], now);
      if (d.isNew()) {
        allocated.add(d.id());
      }
      r.written(specs[i]);
      // every other change is served and advertised; the others are overtaken
      if (i % 2 == 0) {
        r.advertised(d.id(), specs[i]);
      }
      now = now.plusMillis(300);
    }
    assertThat(allocated).doesNotHaveDuplicates().isSorted().hasSizeGreaterThanOrEqualTo(8);
  }

  @Test
  void otherIdFormatsCarryNoTime() {
    assertThat(PolicyIds.timeOf(PolicyId.of(bytes(A)))).isEmpty();
    assertThat(PolicyIds.timeOf("20240101")).isEmpty();
    assertThat(PolicyIds.timeOf(null)).isEmpty();
  }
}
