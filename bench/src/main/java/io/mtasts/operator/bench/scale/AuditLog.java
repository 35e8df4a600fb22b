package io.mtasts.operator.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The API server's audit log (JSON lines, one event per request that the audit policy of
 * bench/run.sh keeps: writes, at the Metadata level): how many writes one user made between two
 * marks, counted by the API server rather than by the client that made them.
 */
final class AuditLog {

  private static final Set<String> WRITES =
      Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  AuditLog(Path file) {
    this.file = file;
  }

  /** The writes of one user: their number, how many the API server refused, and by kind. */
  record Writes(long total, long refused, Map<String, Long> byKind) {}

  /** Where the log ends now; the start of the next count. */
  long mark() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The writes {@code user} made from {@code from} to the end of the log; the user is the one
   * impersonated when the request impersonated one.
   */
  Writes writesSince(long from, String user) {
    long total = 0;
    long refused = 0;
    Map<String, Long> byKind = new TreeMap<>();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      in.seek(from);
      byte[] rest = new byte[(int) (in.length() - from)];
      in.readFully(rest);
      for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (!"ResponseComplete".equals(event.path("stage").asText())
            || !WRITES.contains(event.path("verb").asText())) {
          continue;
        }
        JsonNode who = event.has("impersonatedUser") ? event.get("impersonatedUser")
            : event.path("user");
        if (!user.equals(who.path("username").asText())) {
          continue;
        }
        // a SelfSubjectRulesReview or AccessReview is a question, created but never stored
        if (event.path("objectRef").path("resource").asText().endsWith("reviews")) {
          continue;
        }
        total++;
        if (event.path("responseStatus").path("code").asInt(200) >= 400) {
          refused++;
        }
        JsonNode ref = event.path("objectRef");
        String kind = event.path("verb").asText() + " " + ref.path("resource").asText()
            + (ref.hasNonNull("subresource") ? "/" + ref.get("subresource").asText() : "");
        byKind.merge(kind, 1L, Long::sum);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit log " + file, e);
    }
    return new Writes(total, refused, byKind);
  }
}
