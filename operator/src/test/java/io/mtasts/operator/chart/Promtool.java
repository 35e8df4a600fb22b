package io.mtasts.operator.chart;

import io.mtasts.operator.testing.RequiredComponent;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Prometheus' promtool (Debian package prometheus), run in a directory. */
final class Promtool {

  record Outcome(int exitCode, String output) {}

  private Promtool() {}

  private static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "promtool"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Skips the test (fails it when MTASTS_REQUIRE_ALL=1) when promtool is not on the PATH. */
  static Path require() {
    Optional<Path> found = find();
    RequiredComponent.require(found.isPresent(),
        "promtool (apt-get install prometheus) on the PATH");
    return found.orElseThrow();
  }

  static Outcome run(Path directory, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(directory.toFile())
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool did not finish within 60 s");
    }
    return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
