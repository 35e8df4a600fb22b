package io.mtasts.operator.tlsrpt;

import static io.mtasts.operator.tlsrpt.ExampleReport.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mtasts.operator.policy.Finding;
import io.mtasts.operator.policy.ParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 8460 report parser: the RFC's own example, the quirks real reporters send (read with a
 * warning), and what is not a report (an error naming the field).
 */
class TlsRptReportParserTest {

  @Test
  void readsTheRfcExampleWithoutWarnings() {
    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(ExampleReport.bytes());

    assertThat(result.errors()).isEmpty();
    assertThat(result.warnings()).isEmpty();
    TlsRptReport report = result.get();
    assertThat(report.reportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    assertThat(report.organization()).isEqualTo("Company-X");
    assertThat(report.contactInfo()).isEqualTo("sts-reporting@company-x.example");
    assertThat(report.start()).isEqualTo(Instant.parse("2016-04-01T00:00:00Z"));
    assertThat(report.end()).isEqualTo(Instant.parse("2016-04-01T23:59:59Z"));
    assertThat(report.policies()).hasSize(1);
    PolicyResult policy = report.policies().get(0);
    assertThat(policy.type()).isEqualTo(PolicyType.STS);
    assertThat(policy.domain()).isEqualTo("company-y.example");
    assertThat(policy.policyStrings()).containsExactly("version: STSv1", "mode: testing",
        "mx: *.mail.company-y.example", "max_age: 86400");
    assertThat(policy.mxHosts()).containsExactly("*.mail.company-y.example");
    assertThat(policy.successfulSessions()).isEqualTo(5326);
    assertThat(policy.failedSessions()).isEqualTo(303);
    assertThat(policy.failures())
        .extracting(FailureDetail::resultType, FailureDetail::failedSessions,
            FailureDetail::receivingMx)
        .containsExactly(
            tuple("certificate-expired", 100L, "mx1.mail.company-y.example"),
            tuple("starttls-not-supported", 200L, "mx2.mail.company-y.example"),
            tuple("validation-failure", 3L, "mx-backup.mail.company-y.example"));
    FailureDetail validation = policy.failures().get(2);
    assertThat(validation.receivingIp()).isEqualTo("203.0.113.58");
    assertThat(validation.sendingMtaIp()).isEqualTo("198.51.100.62");
    assertThat(validation.failureReasonCode()).isEqualTo("X509_V_ERR_PROOF_OF_POSSESSION_MISSING");
    assertThat(policy.failures().get(1).additionalInformation()).startsWith("https://reports.");
  }

  @Test
  void failuresAreSummedPerResultTypeAndMxLargestFirst() {
    byte[] json = ExampleReport.with(tree -> {
      ObjectNode extra = policy(tree).withArray("failure-details").addObject();
      extra.put("result-type", "certificate-expired");
      extra.put("sending-mta-ip", "192.0.2.9");
      extra.put("receiving-mx-hostname", "MX1.mail.company-y.example.");
      extra.put("failed-session-count", 150);
      policy(tree).with("summary").put("total-failure-session-count", 453);
    });

    PolicyResult policy = TlsRptReportParser.parse(json).get().policies().get(0);

    assertThat(policy.failureCounts()).containsExactly(
        new PolicyResult.FailureCount("certificate-expired", "mx1.mail.company-y.example", 250),
        new PolicyResult.FailureCount("starttls-not-supported", "mx2.mail.company-y.example", 200),
        new PolicyResult.FailureCount("validation-failure", "mx-backup.mail.company-y.example",
            3));
  }

  // ---------------------------------------------------------------------------------------------
  // quirks: read, with a warning naming the field

  static Stream<Arguments> quirks() {
    return Stream.of(
        arguments("mx-host as a string (the RFC's printed example)",
            change(t -> policy(t).with("policy").put("mx-host", "*.mail.company-y.example")),
            "policies[0].policy.mx-host: a string, not the list RFC 8460 section 4.3 defines;"
                + " read as a list of one"),
        arguments("a datetime without a zone",
            change(t -> t.with("date-range").put("start-datetime", "2016-04-01T00:00:00")),
            "date-range.start-datetime: '2016-04-01T00:00:00' has no time zone; read as UTC"),
        arguments("no contact-info",
            change(t -> t.remove("contact-info")),
            "contact-info: missing; RFC 8460 asks every report for a contact"),
        arguments("no policy-string",
            change(t -> policy(t).with("policy").remove("policy-string")),
            "policies[0].policy.policy-string: missing; the report does not say which sts policy"
                + " the sender applied"),
        arguments("an empty failure-details entry",
            change(t -> policy(t).withArray("failure-details").insertObject(1)),
            "policies[0].failure-details[1]: empty entry; skipped"),
        arguments("no failure-details although sessions failed",
            change(t -> policy(t).remove("failure-details")),
            "policies[0].failure-details: missing although 303 sessions failed; the report does"
                + " not say why they failed"),
        arguments("a result type the RFC does not define",
            change(t -> ((ObjectNode) policy(t).withArray("failure-details").get(0))
                .put("result-type", "mx-mismatch")),
            "policies[0].failure-details[0].result-type: 'mx-mismatch' is not a result type of"
                + " RFC 8460 section 4.3; kept as it is"),
        arguments("failure counts above the total",
            change(t -> policy(t).with("summary").put("total-failure-session-count", 10)),
            "policies[0].failure-details: failed-session-count values add up to 303, more than"
                + " the 10 of total-failure-session-count"),
        arguments("no policies at all",
            change(t -> t.putArray("policies")),
            "policies: empty; the report says nothing about any domain"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quirks")
  void quirksAreReadWithAWarning(String quirk, Consumer<ObjectNode> change, String warning) {
    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(ExampleReport.with(change));

    assertThat(result.errors()).isEmpty();
    assertThat(result.isValid()).isTrue();
    assertThat(result.warnings()).extracting(Finding::toString).containsExactly(warning);
  }

  @Test
  void quirkyValuesAreReadAsTheReporterMeantThem() {
    byte[] json = ExampleReport.with(t -> {
      t.with("date-range").put("start-datetime", "2016-04-01t00:00:00z");
      t.with("date-range").put("end-datetime", "2016-04-01 23:59:59");
      policy(t).with("policy").put("mx-host", "*.mail.company-y.example");
      policy(t).withArray("failure-details").insertObject(0);
      t.remove("contact-info");
    });

    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(json);

    TlsRptReport report = result.get();
    assertThat(report.start()).isEqualTo(Instant.parse("2016-04-01T00:00:00Z"));
    assertThat(report.end()).isEqualTo(Instant.parse("2016-04-01T23:59:59Z"));
    assertThat(report.contactInfo()).isNull();
    assertThat(report.policies().get(0).mxHosts()).containsExactly("*.mail.company-y.example");
    assertThat(report.policies().get(0).failures()).hasSize(3);
    assertThat(result.warnings()).hasSize(4);
  }

  @Test
  void optionalFieldsMayBeLeftOutWithoutAWord() {
    byte[] json = ExampleReport.with(t -> {
      policy(t).with("policy").remove("mx-host");
      for (var entry : policy(t).withArray("failure-details")) {
        ((ObjectNode) entry).remove(List.of("sending-mta-ip", "receiving-ip",
            "receiving-mx-hostname", "additional-information", "failure-reason-code"));
      }
    });

    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(json);

    assertThat(result.warnings()).isEmpty();
    assertThat(result.get().policies().get(0).failures())
        .allSatisfy(f -> assertThat(f.receivingMx()).isNull());
    assertThat(result.get().policies().get(0).failureCounts())
        .extracting(PolicyResult.FailureCount::receivingMx).containsOnlyNulls();
  }

  @Test
  void noPolicyFoundNeedsNoPolicyStringAndFieldsItDoesNotKnowAreIgnored() {
    byte[] json = ExampleReport.with(t -> {
      policy(t).with("policy").put("policy-type", "no-policy-found");
      policy(t).with("policy").remove("policy-string");
      t.put("x-vendor-extension", "anything");
      policy(t).with("summary").put("x-extra", 1);
    });

    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(json);

    assertThat(result.warnings()).isEmpty();
    assertThat(result.get().policies().get(0).type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
  }

  // ---------------------------------------------------------------------------------------------
  // not a report: an error naming the field

  static Stream<Arguments> rejects() {
    return Stream.of(
        arguments(change(t -> policy(t).with("summary").remove("total-successful-session-count")),
            "policies[0].summary.total-successful-session-count: missing; expected an integer"
                + " >= 0"),
        arguments(change(t -> policy(t).with("summary").put("total-failure-session-count", -1)),
            "policies[0].summary.total-failure-session-count: '-1' is not an integer >= 0"),
        arguments(change(t -> policy(t).with("summary").put("total-failure-session-count", "303")),
            "policies[0].summary.total-failure-session-count: '\"303\"' is not an integer >= 0"),
        arguments(change(t -> policy(t).with("summary").put("total-failure-session-count", 3.5)),
            "policies[0].summary.total-failure-session-count: '3.5' is not an integer >= 0"),
        arguments(change(t -> policy(t).remove("summary")),
            "policies[0].summary: missing; expected an object"),
        arguments(change(t -> policy(t).remove("policy")),
            "policies[0].policy: missing; expected an object"),
        arguments(change(t -> policy(t).with("policy").put("policy-type", "STS")),
            "policies[0].policy.policy-type: 'STS' is not one of sts, tlsa, no-policy-found"),
        arguments(change(t -> policy(t).with("policy").remove("policy-domain")),
            "policies[0].policy.policy-domain: missing; expected a string"),
        arguments(change(t -> policy(t).with("policy").put("mx-host", 7)),
            "policies[0].policy.mx-host: is a JSON number; expected a list of strings"),
        arguments(change(t -> t.remove("report-id")),
            "report-id: missing; expected a string"),
        arguments(change(t -> t.put("organization-name", "")),
            "organization-name: empty; expected a non-empty string"),
        arguments(change(t -> t.remove("date-range")),
            "date-range: missing; expected an object"),
        arguments(change(t -> t.with("date-range").put("end-datetime", "yesterday")),
            "date-range.end-datetime: 'yesterday' is not an RFC 3339 date-time such as"
                + " 2016-04-01T00:00:00Z"),
        arguments(change(t -> t.with("date-range").put("end-datetime", "2016-03-31T00:00:00Z")),
            "date-range: end-datetime 2016-03-31T00:00:00Z is before start-datetime"
                + " 2016-04-01T00:00:00Z"),
        arguments(change(t -> t.remove("policies")),
            "policies: missing; expected a list of policy results"),
        arguments(change(t -> t.put("policies", "none")),
            "policies: is a JSON string; expected a list of policy results"),
        arguments(change(t -> ((ObjectNode) policy(t).withArray("failure-details").get(2))
                .remove("failed-session-count")),
            "policies[0].failure-details[2].failed-session-count: missing; expected an integer"
                + " >= 0"),
        arguments(change(t -> ((ObjectNode) policy(t).withArray("failure-details").get(0))
                .remove("result-type")),
            "policies[0].failure-details[0].result-type: missing; expected a string"),
        arguments(change(t -> policy(t).withArray("failure-details").add("expired")),
            "policies[0].failure-details[3]: is a JSON string; expected an object with"
                + " result-type and failed-session-count"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("rejects")
  void whatIsNotAReportIsRejectedNamingTheField(Consumer<ObjectNode> change, String error) {
    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(ExampleReport.with(change));

    assertThat(result.isValid()).isFalse();
    assertThat(result.errors()).extracting(Finding::toString).containsExactly(error);
  }

  @Test
  void everyProblemIsReportedNotOnlyTheFirst() {
    byte[] json = ExampleReport.with(t -> {
      t.remove("report-id");
      policy(t).with("summary").remove("total-successful-session-count");
      policy(t).with("policy").put("policy-type", "dane");
    });

    assertThat(TlsRptReportParser.parse(json).errors()).extracting(Finding::where)
        .containsExactly("report-id", "policies[0].policy.policy-type",
            "policies[0].summary.total-successful-session-count");
  }

  static Stream<Arguments> notJsonReports() {
    return Stream.of(
        arguments("", "report: is empty; expected a JSON object"),
        arguments("[]", "report: is a JSON list; expected an object with organization-name,"
            + " date-range, report-id and policies"),
        arguments("{\"report-id\": ", "JSON: not valid JSON at line 1"),
        arguments("{\"report-id\": \"a\", \"report-id\": \"b\"}",
            "JSON: not valid JSON at line 1, column"),
        arguments("<html>Not found</html>",
            "JSON: not valid JSON at line 1, column 1: Unexpected character ('<'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("notJsonReports")
  void somethingElseEntirelyIsRejected(String input, String errorStart) {
    ParseResult<TlsRptReport> result =
        TlsRptReportParser.parse(input.getBytes(StandardCharsets.UTF_8));

    assertThat(result.errors()).singleElement().asString().startsWith(errorStart);
  }

  @Test
  void duplicateFieldsAreNamed() {
    ParseResult<TlsRptReport> result = TlsRptReportParser.parse(
        "{\"report-id\": \"a\", \"report-id\": \"b\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(result.errors()).singleElement().asString().contains("report-id");
  }

  private static Consumer<ObjectNode> change(Consumer<ObjectNode> change) {
    return change;
  }
}
