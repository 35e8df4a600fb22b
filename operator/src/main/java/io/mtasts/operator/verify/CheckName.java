package io.mtasts.operator.verify;

/**
 * The live checks, in the order they run and are reported. The names are a contract: they appear
 * in {@code check --json}, in the custom resource's status and in metrics.
 */
public enum CheckName {
  STS_TXT_RECORD("StsTxtRecord"),
  POLICY_FETCH("PolicyFetch"),
  POLICY_SYNTAX("PolicySyntax"),
  POLICY_CONTENT("PolicyContent"),
  POLICY_MODE("PolicyMode"),
  CERTIFICATE("Certificate"),
  MX_COVERAGE("MxCoverage"),
  TLS_RPT_RECORD("TlsRptRecord"),
  MX_STARTTLS("MxStartTls");

  private final String label;

  CheckName(String label) {
    this.label = label;
  }

  /** The name as published, such as {@code StsTxtRecord}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
