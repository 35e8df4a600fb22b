package io.mtasts.operator.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML file of Kubernetes manifests, or standard input, into its documents. Anything that
 * keeps the file from being read is a {@link UsageException} whose one-line message names the file
 * and, for syntax errors, the line.
 */
final class ManifestReader {

  /** Name under which standard input appears in messages. */
  static final String STDIN = "<stdin>";

  /** Far above any real manifest file; keeps a wrong argument from filling the heap. */
  static final int MAX_BYTES = 8 * 1024 * 1024;

  /** kubectl rejects duplicate keys, so a file that relies on "the last one wins" is an error. */
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  /**
   * One non-empty YAML document.
   *
   * @param source the file name as given, or {@value #STDIN}
   * @param line the line the document's content starts on, 1-based
   */
  record Document(String source, int line, JsonNode node) {
    /** {@code file:line}, the way editors and compilers point at a place. */
    String where() {
      return source + ":" + line;
    }

    /** The {@code kind} field, or null when the document has none. */
    String kind() {
      return text("kind");
    }

    String apiVersion() {
      return text("apiVersion");
    }

    /** {@code metadata.name}, or null. */
    String name() {
      JsonNode metadata = node.get("metadata");
      JsonNode name = metadata == null ? null : metadata.get("name");
      return name != null && name.isTextual() ? name.asText() : null;
    }

    private String text(String field) {
      JsonNode value = node.get(field);
      return value != null && value.isTextual() ? value.asText() : null;
    }
  }

  private ManifestReader() {}

  /** The documents of {@code file}; {@code -} reads {@code stdin}. Empty documents are skipped. */
  static List<Document> read(String file, InputStream stdin) {
    String source = file.equals("-") ? STDIN : file;
    return parse(source, file.equals("-") ? readStdin(stdin) : readFile(file));
  }

  private static byte[] readStdin(InputStream stdin) {
    try {
      return capped(STDIN, stdin.readNBytes(MAX_BYTES + 1));
    } catch (IOException e) {
      throw new UsageException("cannot read " + STDIN + ": " + e.getMessage());
    }
  }

  private static byte[] readFile(String file) {
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      throw new UsageException("cannot read '" + file + "': it is a directory; pass the YAML"
          + " files in it with one -f each");
    }
    try (InputStream in = Files.newInputStream(path)) {
      return capped(file, in.readNBytes(MAX_BYTES + 1));
    } catch (NoSuchFileException e) {
      throw new UsageException("cannot read '" + file + "': no such file");
    } catch (IOException e) {
      throw new UsageException("cannot read '" + file + "': " + e.getMessage());
    }
  }

  private static byte[] capped(String source, byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new UsageException("cannot read '" + source + "': larger than "
          + (MAX_BYTES / (1024 * 1024)) + " MiB, which is no manifest file");
    }
    return bytes;
  }

  static List<Document> parse(String source, byte[] bytes) {
    requireUtf8(source, bytes);
    List<Document> documents = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(bytes);
        MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(parser)) {
      while (values.hasNextValue()) {
        int line = parser.currentTokenLocation().getLineNr();
        JsonNode node = values.nextValue();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(new Document(source, line, node));
        }
      }
    } catch (JsonProcessingException e) {
      throw new UsageException(syntaxError(source, e));
    } catch (IOException e) {
      throw new UsageException("cannot read '" + source + "': " + e.getMessage());
    }
    return documents;
  }

  /** Manifests are UTF-8 text; anything else gets a plain statement, not a decoder's exception. */
  private static void requireUtf8(String source, byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CoderResult result = StandardCharsets.UTF_8.newDecoder()
        .decode(in, CharBuffer.allocate(bytes.length), true);
    if (!result.isError()) {
      return;
    }
    int at = in.position();
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    throw new UsageException(source + ":" + line + ": not UTF-8 text (byte " + at
        + " is not part of a UTF-8 character); manifests are YAML in UTF-8");
  }

  /** One line: the parser's messages carry a multi-line excerpt that only repeats the place. */
  private static String syntaxError(String source, JsonProcessingException e) {
    String message = e.getOriginalMessage();
    String firstLine = message == null ? "unreadable YAML" : message.lines().findFirst()
        .orElse("unreadable YAML").strip();
    JsonLocation location = e.getLocation();
    String where = location != null && location.getLineNr() > 0
        ? source + ":" + location.getLineNr() : source;
    return where + ": YAML syntax error: " + firstLine;
  }
}
