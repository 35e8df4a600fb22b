package io.mtasts.operator.tlsrpt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Strict-but-tolerant reader of the RFC 8460 section 4 report JSON. What makes a document not a
 * report (a missing count, an unknown policy type, a date that is no date) is an error naming the
 * field, such as {@code policies[0].summary.total-successful-session-count: missing}; what real
 * reporters send that the RFC does not quite allow, but that still says clearly what they saw,
 * is read with a warning. Fields the RFC does not define are ignored, as it asks.
 */
public final class TlsRptReportParser {

  private TlsRptReportParser() {}

  /** Parses report JSON within {@link ReportLimits#DEFAULT}. */
  public static ParseResult<TlsRptReport> parse(byte[] json) {
    return parse(json, ReportLimits.DEFAULT);
  }

  public static ParseResult<TlsRptReport> parse(byte[] json, ReportLimits limits) {
    if (json.length > limits.maxJsonBytes()) {
      return ParseResult.invalid(new Finding("report", "is " + json.length
          + " bytes, more than the " + limits.maxJsonBytes() + " bytes allowed"));
    }
    JsonNode root;
    try {
      root = mapper(limits).readTree(json);
    } catch (StreamConstraintsException e) {
      // which setting the limit comes from means nothing to whoever sent the report
      String message = e.getOriginalMessage().replaceAll(", from `[^`]*`", "");
      return ParseResult.invalid(new Finding("JSON", "exceeds a limit: " + message));
    } catch (JsonProcessingException e) {
      return ParseResult.invalid(new Finding("JSON", describe(e)));
    } catch (IOException e) {
      return ParseResult.invalid(new Finding("JSON", e.getMessage()));
    }
    if (root == null || root.isMissingNode()) {
      return ParseResult.invalid(new Finding("report", "is empty; expected a JSON object"));
    }
    return new Reading().report(root);
  }

  private static ObjectMapper mapper(ReportLimits limits) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxDocumentLength(limits.maxJsonBytes())
            .maxNestingDepth(limits.maxNestingDepth())
            .maxStringLength(limits.maxStringLength())
            .maxNameLength(limits.maxStringLength())
            .maxNumberLength(20)
            .build())
        // two values for one field leave it unclear which one the reporter meant
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    return new ObjectMapper(factory);
  }

  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    // Jackson quotes the whole offending token; one line is enough to find it
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      return "not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
          + ": " + message;
    }
    return "not valid JSON: " + message;
  }

  /** One pass over one document, gathering every error and warning with its path. */
  private static final class Reading {
    private final List<Finding> errors = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();

    ParseResult<TlsRptReport> report(JsonNode root) {
      if (!root.isObject()) {
        return ParseResult.invalid(new Finding("report",
            "is a JSON " + kind(root) + "; expected an object with organization-name,"
                + " date-range, report-id and policies"));
      }
      String organization = requiredString(root, "organization-name", "organization-name");
      String reportId = requiredString(root, "report-id", "report-id");
      String contact = optionalString(root, "contact-info", "contact-info");
      if (contact == null && !root.has("contact-info")) {
        warn("contact-info", "missing; RFC 8460 asks every report for a contact");
      }
      Instant start = null;
      Instant end = null;
      JsonNode range = object(root, "date-range", "date-range", true);
      if (range != null) {
        start = dateTime(range, "start-datetime", "date-range.start-datetime");
        end = dateTime(range, "end-datetime", "date-range.end-datetime");
        if (start != null && end != null && end.isBefore(start)) {
          error("date-range", "end-datetime " + end + " is before start-datetime " + start);
        }
      }
      List<PolicyResult> policies = new ArrayList<>();
      JsonNode list = root.get("policies");
      if (list == null || list.isNull()) {
        error("policies", "missing; expected a list of policy results");
      } else if (!list.isArray()) {
        error("policies", "is a JSON " + kind(list) + "; expected a list of policy results");
      } else {
        if (list.isEmpty()) {
          warn("policies", "empty; the report says nothing about any domain");
        }
        for (int i = 0; i < list.size(); i++) {
          PolicyResult policy = policy(list.get(i), "policies[" + i + "]");
          if (policy != null) {
            policies.add(policy);
          }
        }
      }
      if (!errors.isEmpty()) {
        return ParseResult.invalid(errors, warnings);
      }
      return ParseResult.valid(
          new TlsRptReport(reportId, organization, contact, start, end, policies), warnings);
    }

    private PolicyResult policy(JsonNode node, String path) {
      if (!node.isObject()) {
        error(path, "is a JSON " + kind(node) + "; expected an object with policy and summary");
        return null;
      }
      int errorsBefore = errors.size();
      PolicyType type = null;
      String domain = null;
      List<String> policyStrings = List.of();
      List<String> mxHosts = List.of();
      JsonNode policy = object(node, "policy", path + ".policy", true);
      if (policy != null) {
        String typeName = requiredString(policy, "policy-type", path + ".policy.policy-type");
        if (typeName != null) {
          type = PolicyType.fromWireName(typeName).orElse(null);
          if (type == null) {
            error(path + ".policy.policy-type", "'" + typeName + "' is not one of "
                + PolicyType.allowed());
          }
        }
        domain = requiredString(policy, "policy-domain", path + ".policy.policy-domain");
        if (domain != null) {
          domain = normalizeDomain(domain, path + ".policy.policy-domain");
        }
        policyStrings = stringList(policy, "policy-string", path + ".policy.policy-string");
        if (type != null && type != PolicyType.NO_POLICY_FOUND && !policy.has("policy-string")) {
          warn(path + ".policy.policy-string", "missing; the report does not say which "
              + type.wireName() + " policy the sender applied");
        }
        mxHosts = mxHosts(policy, path + ".policy.mx-host");
      }
      long successful = -1;
      long failed = -1;
      JsonNode summary = object(node, "summary", path + ".summary", true);
      if (summary != null) {
        successful = count(summary, "total-successful-session-count",
            path + ".summary.total-successful-session-count");
        failed = count(summary, "total-failure-session-count",
            path + ".summary.total-failure-session-count");
      }
      List<FailureDetail> failures = failures(node, path, failed);
      if (errors.size() > errorsBefore) {
        return null;
      }
      return new PolicyResult(type, domain, policyStrings, mxHosts, successful, failed, failures);
    }

    private List<FailureDetail> failures(JsonNode policyNode, String path, long failed) {
      JsonNode list = policyNode.get("failure-details");
      String listPath = path + ".failure-details";
      List<FailureDetail> failures = new ArrayList<>();
      if (list == null || list.isNull()) {
        if (failed > 0) {
          warn(listPath, "missing although " + failed
              + " sessions failed; the report does not say why they failed");
        }
        return failures;
      }
      if (!list.isArray()) {
        error(listPath, "is a JSON " + kind(list) + "; expected a list of failure entries");
        return failures;
      }
      long sum = 0;
      for (int i = 0; i < list.size(); i++) {
        String at = listPath + "[" + i + "]";
        JsonNode entry = list.get(i);
        if (entry.isObject() && entry.isEmpty()) {
          warn(at, "empty entry; skipped");
          continue;
        }
        if (!entry.isObject()) {
          error(at, "is a JSON " + kind(entry) + "; expected an object with result-type and"
              + " failed-session-count");
          continue;
        }
        FailureDetail detail = failure(entry, at);
        if (detail != null) {
          failures.add(detail);
          sum += detail.failedSessions();
        }
      }
      if (failed >= 0 && sum > failed) {
        warn(listPath, "failed-session-count values add up to " + sum + ", more than the "
            + failed + " of total-failure-session-count");
      }
      return failures;
    }

    private FailureDetail failure(JsonNode entry, String at) {
      int errorsBefore = errors.size();
      String resultType = requiredString(entry, "result-type", at + ".result-type");
      if (resultType != null && !FailureDetail.STANDARD_RESULT_TYPES.contains(resultType)) {
        warn(at + ".result-type", "'" + resultType + "' is not a result type of RFC 8460"
            + " section 4.3; kept as it is");
      }
      long count = count(entry, "failed-session-count", at + ".failed-session-count");
      String receivingMx = optionalString(entry, "receiving-mx-hostname",
          at + ".receiving-mx-hostname");
      if (receivingMx != null) {
        receivingMx = normalizeDomain(receivingMx, at + ".receiving-mx-hostname");
      }
      String receivingIp = optionalString(entry, "receiving-ip", at + ".receiving-ip");
      String sendingIp = optionalString(entry, "sending-mta-ip", at + ".sending-mta-ip");
      String helo = optionalString(entry, "receiving-mx-helo", at + ".receiving-mx-helo");
      String reasonCode = optionalString(entry, "failure-reason-code",
          at + ".failure-reason-code");
      String info = optionalString(entry, "additional-information",
          at + ".additional-information");
      if (errors.size() > errorsBefore) {
        return null;
      }
      return new FailureDetail(resultType, count, receivingMx, receivingIp, sendingIp, helo,
          reasonCode, info);
    }

    /** RFC 8460 errata: the example gives mx-host as a string where section 4.3 says a list. */
    private List<String> mxHosts(JsonNode policy, String path) {
      JsonNode value = policy.get("mx-host");
      if (value == null || value.isNull()) {
        return List.of();
      }
      if (value.isTextual()) {
        warn(path, "a string, not the list RFC 8460 section 4.3 defines; read as a list of one");
        return List.of(value.asText());
      }
      return stringList(policy, "mx-host", path);
    }

    private List<String> stringList(JsonNode parent, String field, String path) {
      JsonNode value = parent.get(field);
      if (value == null || value.isNull()) {
        return List.of();
      }
      if (!value.isArray()) {
        error(path, "is a JSON " + kind(value) + "; expected a list of strings");
        return List.of();
      }
      List<String> strings = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        if (!item.isTextual()) {
          error(path + "[" + i + "]", "is a JSON " + kind(item) + "; expected a string");
        } else {
          strings.add(item.asText());
        }
      }
      return strings;
    }

    private JsonNode object(JsonNode parent, String field, String path, boolean required) {
      JsonNode value = parent.get(field);
      if (value == null || value.isNull()) {
        if (required) {
          error(path, "missing; expected an object");
        }
        return null;
      }
      if (!value.isObject()) {
        error(path, "is a JSON " + kind(value) + "; expected an object");
        return null;
      }
      return value;
    }

    private String requiredString(JsonNode parent, String field, String path) {
      JsonNode value = parent.get(field);
      if (value == null || value.isNull()) {
        error(path, "missing; expected a string");
        return null;
      }
      if (!value.isTextual()) {
        error(path, "is a JSON " + kind(value) + "; expected a string");
        return null;
      }
      if (value.asText().isBlank()) {
        error(path, "empty; expected a non-empty string");
        return null;
      }
      return value.asText();
    }

    private String optionalString(JsonNode parent, String field, String path) {
      JsonNode value = parent.get(field);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isTextual()) {
        error(path, "is a JSON " + kind(value) + "; expected a string");
        return null;
      }
      return value.asText().isBlank() ? null : value.asText();
    }

    /** A session count: a JSON integer from 0 up; -1 after recording the error. */
    private long count(JsonNode parent, String field, String path) {
      JsonNode value = parent.get(field);
      if (value == null || value.isNull()) {
        error(path, "missing; expected an integer >= 0");
        return -1;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
        error(path, "'" + value + "' is not an integer >= 0");
        return -1;
      }
      return value.asLong();
    }

    private Instant dateTime(JsonNode parent, String field, String path) {
      String text = requiredString(parent, field, path);
      if (text == null) {
        return null;
      }
      // RFC 3339 allows lower-case t and z and a space between date and time
      String normalized = text.trim().toUpperCase(Locale.ROOT);
      if (normalized.length() > 10 && normalized.charAt(10) == ' ') {
        normalized = normalized.substring(0, 10) + 'T' + normalized.substring(11);
      }
      try {
        return OffsetDateTime.parse(normalized, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .toInstant();
      } catch (DateTimeParseException withoutZone) {
        try {
          Instant utc = LocalDateTime.parse(normalized, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
              .toInstant(ZoneOffset.UTC);
          warn(path, "'" + text + "' has no time zone; read as UTC");
          return utc;
        } catch (DateTimeParseException e) {
          error(path, "'" + text + "' is not an RFC 3339 date-time such as"
              + " 2016-04-01T00:00:00Z");
          return null;
        }
      }
    }

    /** Host names compare case-insensitively and without the root dot. */
    private String normalizeDomain(String name, String path) {
      String lower = name.trim().toLowerCase(Locale.ROOT);
      if (lower.endsWith(".")) {
        lower = lower.substring(0, lower.length() - 1);
      }
      if (lower.isEmpty() || lower.chars().anyMatch(c -> c <= ' ')) {
        error(path, "'" + name + "' is not a host name");
      }
      return lower;
    }

    private static String kind(JsonNode node) {
      return switch (node.getNodeType()) {
        case ARRAY -> "list";
        case OBJECT -> "object";
        case STRING -> "string";
        case NUMBER -> "number";
        case BOOLEAN -> "boolean";
        case NULL -> "null";
        default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
      };
    }

    private void error(String path, String message) {
      errors.add(new Finding(path, message));
    }

    private void warn(String path, String message) {
      warnings.add(new Finding(path, message));
    }
  }
}
