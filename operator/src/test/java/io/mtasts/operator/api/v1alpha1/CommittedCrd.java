package io.mtasts.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the CRD file committed under {@code crds/} and the one the build generated. */
final class CommittedCrd {

  static final String FILE_NAME = MtaStsPolicy.CRD_NAME + "-v1.yml";

  /** Where the crd-generator plugin writes, relative to the classpath root. */
  static final String GENERATED_RESOURCE = "/META-INF/fabric8/" + FILE_NAME;

  static final String GENERATED_PATH_HINT = "operator/target/classes" + GENERATED_RESOURCE;

  private CommittedCrd() {}

  static Path repoRoot() {
    String configured = System.getProperty("mtasts.repoRoot");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    // An IDE runs tests from the module directory without surefire's system properties.
    return Path.of("").toAbsolutePath().getParent();
  }

  static Path committedPath() {
    return repoRoot().resolve("crds").resolve(FILE_NAME);
  }

  static String committedText() {
    try {
      return Files.readString(committedPath());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + committedPath() + "; copy " + GENERATED_PATH_HINT + " to crds/", e);
    }
  }

  static String generatedText() {
    try (InputStream in = CommittedCrd.class.getResourceAsStream(GENERATED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            GENERATED_RESOURCE
                + " is not on the classpath; the crd-generator plugin runs in the"
                + " process-classes phase, so build with Maven");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CustomResourceDefinition load() {
    return new KubernetesSerialization()
        .unmarshal(committedText(), CustomResourceDefinition.class);
  }
}
