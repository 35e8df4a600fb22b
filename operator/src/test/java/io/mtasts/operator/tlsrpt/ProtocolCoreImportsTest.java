package io.mtasts.operator.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol core reads and checks what mail senders publish and send; it must run with no
 * cluster library in the way (the CLI, a receiver, the tests), so its sources import nothing of
 * Kubernetes, the operator SDK, or the parts of this project that do.
 */
class ProtocolCoreImportsTest {

  private static final List<String> FORBIDDEN = List.of(
      "io.fabric8.",
      "io.javaoperatorsdk.",
      "io.mtasts.operator.api.",
      "io.mtasts.operator.plan.",
      "io.mtasts.operator.reconciler.",
      "io.mtasts.operator.runtime.",
      "io.mtasts.operator.cli.");

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  @ParameterizedTest
  @ValueSource(strings = {"tlsrpt", "policy", "verify"})
  void importsNothingOfKubernetesNorOfTheOperator(String pkg) throws IOException {
    Path dir = Path.of(System.getProperty("mtasts.repoRoot", ".."),
        "operator/src/main/java/io/mtasts/operator", pkg);
    List<Path> sources;
    try (Stream<Path> files = Files.walk(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).as("sources of %s", dir).isNotEmpty();

    List<String> offending = new ArrayList<>();
    for (Path source : sources) {
      Matcher m = IMPORT.matcher(Files.readString(source));
      while (m.find()) {
        String imported = m.group(1);
        if (FORBIDDEN.stream().anyMatch(imported::startsWith)) {
          offending.add(dir.relativize(source) + " imports " + imported);
        }
      }
    }
    assertThat(offending).as("imports of package %s", pkg).isEmpty();
  }
}
