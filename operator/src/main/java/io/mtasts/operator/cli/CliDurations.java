package io.mtasts.operator.cli;

import io.mtasts.operator.api.v1alpha1.KubeDuration;
import java.time.Duration;

/** Duration options, written the Kubernetes way; a bad one is a usage error naming the option. */
final class CliDurations {

  private CliDurations() {}

  static Duration parse(String option, String text) {
    try {
      return KubeDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }
}
