package io.mtasts.operator.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the repository's examples and committed CRD are, for tests run by Maven or an IDE. */
final class ExampleFiles {

  private ExampleFiles() {}

  static Path repoRoot() {
    String configured = System.getProperty("mtasts.repoRoot");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    // an IDE runs tests from the module directory without surefire's system properties
    return Path.of("").toAbsolutePath().getParent();
  }

  static Path directory() {
    return repoRoot().resolve("examples");
  }

  static Path committedCrd() {
    return repoRoot().resolve("crds").resolve("mtastspolicies.mtasts.io-v1.yml");
  }

  /** Every regular file under examples/, as paths relative to it, sorted. */
  static List<Path> all() throws IOException {
    try (Stream<Path> files = Files.walk(directory())) {
      return files.filter(Files::isRegularFile).map(directory()::relativize).sorted().toList();
    }
  }

  /** The YAML examples, the files users copy. */
  static List<Path> yaml() throws IOException {
    return all().stream().filter(p -> p.getFileName().toString().endsWith(".yaml")).toList();
  }
}
