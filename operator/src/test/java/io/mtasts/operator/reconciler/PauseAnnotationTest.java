package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.reconciler.PauseAnnotation.State;
import io.mtasts.operator.testing.Policies;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pause annotation's values as users write them, and the reconciles they start. */
class PauseAnnotationTest {

  private static MtaStsPolicy annotated(String value) {
    MtaStsPolicy p = Policies.basic("example", "example.com");
    if (value != null) {
      p.getMetadata().setAnnotations(Map.of(PauseAnnotation.KEY, value));
    }
    return p;
  }

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @CsvSource({
      "true, PAUSED", "True, PAUSED", "TRUE, PAUSED", "yes, PAUSED", "Yes, PAUSED",
      "on, PAUSED", "1, PAUSED", "' true ', PAUSED",
      "false, NOT_PAUSED", "False, NOT_PAUSED", "no, NOT_PAUSED", "off, NOT_PAUSED",
      "0, NOT_PAUSED",
      "please, INVALID", "'', INVALID", "paused, INVALID"})
  void theUsualBooleanSpellingsAreUnderstood(String value, State state) {
    PauseAnnotation pause = PauseAnnotation.of(annotated(value));
    assertThat(pause.state()).isEqualTo(state);
    assertThat(pause.value()).contains(value);
    assertThat(pause.haltsReconcile()).isEqualTo(state != State.NOT_PAUSED);
  }

  @ParameterizedTest(name = "{0} -> {1} starts a reconcile: {2}")
  @CsvSource(nullValues = "-", value = {
      "-, True, true", "true, True, true", "True, -, true", "True, True, false",
      "yes, no, true"})
  void everyChangeOfTheValueStartsAReconcile(String before, String after, boolean starts) {
    MtaStsPolicy old = annotated(before);
    MtaStsPolicy now = annotated(after);
    old.getMetadata().setGeneration(3L);
    now.getMetadata().setGeneration(3L);
    assertThat(new SpecOrPauseChanged().accept(now, old)).isEqualTo(starts);
  }
}
