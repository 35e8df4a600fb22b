package io.mtasts.operator.tlsrpt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The report of RFC 8460 section 4.9, as a test resource, and variations of it: each test changes
 * one thing and says what the parser makes of it.
 */
public final class ExampleReport {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ExampleReport() {}

  public static byte[] bytes() {
    return resource("rfc8460-example.json");
  }

  public static byte[] resource(String name) {
    try (InputStream in = ExampleReport.class.getResourceAsStream("/tlsrpt/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource /tlsrpt/" + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode tree() {
    try {
      return (ObjectNode) MAPPER.readTree(bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example with one change applied, as JSON bytes. */
  public static byte[] with(Consumer<ObjectNode> change) {
    ObjectNode tree = tree();
    change.accept(tree);
    return json(tree);
  }

  public static byte[] json(ObjectNode tree) {
    try {
      return MAPPER.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first policy result of a tree, for changes inside it. */
  public static ObjectNode policy(ObjectNode tree) {
    return (ObjectNode) tree.withArray("policies").get(0);
  }
}
