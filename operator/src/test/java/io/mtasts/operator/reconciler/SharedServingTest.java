package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How soon a handover that is not served yet is probed again. */
class SharedServingTest {

  @Test
  void theRecheckStartsAtASecondAndGrowsToAFewSeconds() {
    assertThat(SharedServing.recheck(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(SharedServing.recheck(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(SharedServing.recheck(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(SharedServing.recheck(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(SharedServing.recheck(1000)).isEqualTo(Duration.ofSeconds(5));
  }
}
