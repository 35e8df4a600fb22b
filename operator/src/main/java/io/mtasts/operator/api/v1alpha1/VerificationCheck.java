package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** The last outcome of one live check, as shown in {@code status.checks}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "result", "message", "checkedAt"})
public class VerificationCheck {

  @JsonPropertyDescription("Check name, such as StsTxtRecord or PolicyFetch.")
  private String name;

  @JsonPropertyDescription("Pass, Warn, Fail or Skipped.")
  private CheckResult result;

  @JsonPropertyDescription("What was found and, unless it passed, what to fix.")
  private String message;

  @JsonPropertyDescription("When the check ran, RFC 3339.")
  private String checkedAt;

  public VerificationCheck() {}

  public VerificationCheck(String name, CheckResult result, String message, String checkedAt) {
    this.name = name;
    this.result = result;
    this.message = message;
    this.checkedAt = checkedAt;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public CheckResult getResult() {
    return result;
  }

  public void setResult(CheckResult result) {
    this.result = result;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getCheckedAt() {
    return checkedAt;
  }

  public void setCheckedAt(String checkedAt) {
    this.checkedAt = checkedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerificationCheck other
        && Objects.equals(name, other.name)
        && result == other.result
        && Objects.equals(message, other.message)
        && Objects.equals(checkedAt, other.checkedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, result, message, checkedAt);
  }

  @Override
  public String toString() {
    return "VerificationCheck{name="
        + name
        + ", result="
        + result
        + ", message="
        + message
        + ", checkedAt="
        + checkedAt
        + "}";
  }
}
