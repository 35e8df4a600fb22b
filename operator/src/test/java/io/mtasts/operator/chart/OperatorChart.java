package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The operator's Helm chart from the working tree, rendered in process by helm-java. */
final class OperatorChart {

  static final String RELEASE = "ops";
  static final String NAMESPACE = "mtasts-system";

  private OperatorChart() {}

  static Path repositoryRoot() {
    String configured = System.getProperty("mtasts.repoRoot");
    return Path.of(configured != null ? configured : "..").toAbsolutePath().normalize();
  }

  static Path directory() {
    return repositoryRoot().resolve("helm").resolve("mta-sts-operator");
  }

  static Helm helm() {
    return new Helm(directory());
  }

  /** A values file that sets every value of the chart to something other than its default. */
  static Path everyKnobValues() {
    URL url = OperatorChart.class.getResource("every-knob-values.yaml");
    try {
      return Path.of(Objects.requireNonNull(url, "every-knob-values.yaml").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** helm template with the chart's defaults plus {@code --set} expressions ("key=value"). */
  static RenderedChart render(String... sets) {
    return RenderedChart.parse(template(null, sets).call());
  }

  static RenderedChart render(Path valuesFile, String... sets) {
    return RenderedChart.parse(template(valuesFile, sets).call());
  }

  /** Renders values helm must refuse and returns helm's error message. */
  static String renderingError(String... sets) {
    AtomicReference<String> message = new AtomicReference<>();
    assertThatThrownBy(() -> template(null, sets).call())
        .satisfies(error -> message.set(error.getMessage()));
    return message.get();
  }

  private static TemplateCommand template(Path valuesFile, String... sets) {
    TemplateCommand command = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (String set : sets) {
      int equals = set.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("expected key=value, got " + set);
      }
      String value = set.substring(equals + 1);
      if (value.startsWith("{")) {
        // helm-java hands "{a,b}" to the chart as a string, not as a list
        throw new IllegalArgumentException("write lists element by element, key[0]=a: " + set);
      }
      command = command.set(set.substring(0, equals), value);
    }
    return command;
  }
}
