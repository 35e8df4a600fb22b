package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long a refused policy waits before its children are written again. */
class RefusalBackoffTest {

  private Instant now = Instant.parse("2026-01-01T10:00:00Z");
  private final RefusalBackoff backoff = new RefusalBackoff(new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  });
  private final ResourceID id = new ResourceID("example", "mail");

  /** Retries each at its scheduled time; returns the waits. */
  private List<Long> retries(int n, long generation) {
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Duration wait = backoff.refused(id, generation);
      waits.add(wait.toSeconds());
      now = now.plus(wait);
    }
    return waits;
  }

  @Test
  void doublesFromFiveSecondsToFiveMinutes() {
    assertThat(retries(9, 1)).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
  }

  @Test
  void refusalsBetweenRetriesNeitherHurryNorDoubleIt() {
    assertThat(backoff.refused(id, 1)).isEqualTo(Duration.ofSeconds(5));
    now = now.plusSeconds(5);
    assertThat(backoff.refused(id, 1)).isEqualTo(Duration.ofSeconds(10));
    // the next retry is due in 10s; child events bring two reconciles before that
    now = now.plusSeconds(1);
    assertThat(backoff.refused(id, 1)).isEqualTo(Duration.ofSeconds(9));
    now = now.plusSeconds(4);
    assertThat(backoff.refused(id, 1)).isEqualTo(Duration.ofSeconds(5));
    now = now.plusSeconds(5);
    assertThat(backoff.refused(id, 1)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aNewSpecOrAnAcceptedWriteStartsOver() {
    retries(4, 1);
    assertThat(backoff.refused(id, 2)).isEqualTo(Duration.ofSeconds(5));
    retries(3, 2);
    backoff.accepted(id);
    assertThat(backoff.refused(id, 2)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void eachPolicyHasItsOwn() {
    retries(5, 1);
    assertThat(backoff.refused(new ResourceID("other", "mail"), 1))
        .isEqualTo(Duration.ofSeconds(5));
  }
}
