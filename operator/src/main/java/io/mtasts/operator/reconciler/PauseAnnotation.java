package io.mtasts.operator.reconciler;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the pause annotation of a policy says. Users write booleans the way YAML and other tools
 * taught them ({@code "True"}, {@code "yes"}, {@code "on"}, {@code "1"}), so all of those pause;
 * a value that is no boolean at all also stops the reconcile, because the user who set it most
 * likely meant to pause, and changing children against that intent is the worse mistake.
 *
 * @param value the annotation's value as written, empty when it is absent
 * @param state what the value means
 */
public record PauseAnnotation(Optional<String> value, State state) {

  public static final String KEY = "mtasts.io/paused";

  /** The spellings accepted, as the status and the README list them. */
  public static final String ALLOWED =
      "true, yes, on or 1 to pause; false, no, off or 0 to reconcile (any case)";

  private static final Set<String> TRUE = Set.of("true", "yes", "on", "1");
  private static final Set<String> FALSE = Set.of("false", "no", "off", "0");

  /** What the annotation means for the reconcile. */
  public enum State {
    /** No annotation: reconcile. */
    ABSENT,
    /** A false value: reconcile. */
    NOT_PAUSED,
    /** A true value: change nothing. */
    PAUSED,
    /** A value that is no boolean: change nothing and say what is allowed. */
    INVALID
  }

  public static PauseAnnotation of(MtaStsPolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    String raw = annotations == null ? null : annotations.get(KEY);
    if (raw == null) {
      return new PauseAnnotation(Optional.empty(), State.ABSENT);
    }
    String word = raw.trim().toLowerCase(Locale.ROOT);
    State state = TRUE.contains(word) ? State.PAUSED
        : FALSE.contains(word) ? State.NOT_PAUSED : State.INVALID;
    return new PauseAnnotation(Optional.of(raw), state);
  }

  /** Whether the reconcile stops here, changing nothing. */
  public boolean haltsReconcile() {
    return state == State.PAUSED || state == State.INVALID;
  }
}
