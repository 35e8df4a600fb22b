package io.mtasts.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Keeps the committed CRD identical to the one generated from the model classes, because users,
 * the Helm chart and GitOps tools install the committed file, never the build output.
 */
class CrdDriftTest {

  @Test
  void committedCrdEqualsGeneratedCrd() {
    String generated = CommittedCrd.generatedText();
    String committed = CommittedCrd.committedText();

    if (!committed.equals(generated)) {
      fail(
          "crds/%s differs from the generated CRD; copy %s to crds/ (first difference: %s)",
          CommittedCrd.FILE_NAME,
          CommittedCrd.GENERATED_PATH_HINT,
          firstDifference(committed, generated));
    }
  }

  private static String firstDifference(String committed, String generated) {
    String[] a = committed.split("\n", -1);
    String[] b = generated.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String left = i < a.length ? a[i] : "<end of file>";
      String right = i < b.length ? b[i] : "<end of file>";
      if (!left.equals(right)) {
        return "line " + (i + 1) + ": committed '" + left + "', generated '" + right + "'";
      }
    }
    return "line endings only";
  }
}
