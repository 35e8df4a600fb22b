package io.mtasts.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** MTASTS_LOG_FORMAT: plain text lines, or one JSON object per line for log collectors. */
class LogSetupTest {

  private final PrintStream originalErr = System.err;

  @AfterEach
  void restore() {
    System.setErr(originalErr);
    LogSetup.apply("text", "WARN");
  }

  private String logOneLine(String format) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LogSetup.apply(format, "INFO");
    LoggerFactory.getLogger("io.mtasts.test").info("policy {} is served", "abc");
    LoggerFactory.getLogger("io.mtasts.test").debug("not at INFO");
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    String out = logOneLine("json");
    String line = out.lines().filter(l -> l.contains("is served")).findFirst().orElseThrow();
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("loggerName").asText()).isEqualTo("io.mtasts.test");
    assertThat(json.get("formattedMessage").asText()).isEqualTo("policy abc is served");
    assertThat(out).doesNotContain("not at INFO");
  }

  @Test
  void textFormatWritesReadableLines() {
    String out = logOneLine("text");
    assertThat(out).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO +test - policy abc is served");
  }
}
