package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Policy;
import io.mtasts.operator.policy.StsRecord;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What the verified domain should look like, as far as the caller knows it. The command line
 * usually knows nothing or only the id; the operator knows everything it publishes. Each
 * expectation that is absent leaves its comparison out: {@code PolicyContent} is skipped without
 * expected bytes, and the id and TLS-RPT record are then only checked for syntax.
 *
 * <p>When a desired policy is given, the mode and mx checks judge it rather than the policy that
 * was fetched, because that is the one the caller can change.
 */
public final class Expectations {

  private static final Expectations NONE = new Builder().build();

  private final String id;
  private final byte[] policyBytes;
  private final Policy policy;
  private final String tlsRptRecord;
  private final Boolean probeMx;

  private Expectations(Builder builder) {
    this.id = builder.id;
    this.policyBytes = builder.policyBytes;
    this.policy = builder.policy;
    this.tlsRptRecord = builder.tlsRptRecord;
    this.probeMx = builder.probeMx;
  }

  /** No expectations: only what the domain publishes is checked. */
  public static Expectations none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The id the {@code _mta-sts} record should carry. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The exact bytes the policy host should serve. */
  public Optional<byte[]> policyBytes() {
    return Optional.ofNullable(policyBytes).map(byte[]::clone);
  }

  /** The desired policy, whose mode and mx patterns the mode, mx and TLS-RPT checks judge. */
  public Optional<Policy> policy() {
    return Optional.ofNullable(policy);
  }

  /** The text the {@code _smtp._tls} record should have, such as {@code v=TLSRPTv1; rua=...}. */
  public Optional<String> tlsRptRecord() {
    return Optional.ofNullable(tlsRptRecord);
  }

  /**
   * Whether this verification probes the MX hosts' STARTTLS, as the owner of the domain asked
   * ({@code spec.verification.probeMx}); empty leaves it to {@link VerifierSettings#probeMx()}.
   * Not an expectation of the domain, but part of what was asked, so a result obtained with the
   * probe off is never taken for one obtained with it on.
   */
  public Optional<Boolean> probeMx() {
    return Optional.ofNullable(probeMx);
  }

  @Override
  public String toString() {
    return "Expectations{id=" + id + ", policyBytes="
        + (policyBytes == null ? "none" : policyBytes.length + " bytes") + ", policy="
        + (policy == null ? "none" : policy.mode() + " " + policy.mx()) + ", tlsRptRecord="
        + tlsRptRecord + (probeMx == null ? "" : ", probeMx=" + probeMx) + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Expectations other
        && Objects.equals(id, other.id)
        && Arrays.equals(policyBytes, other.policyBytes)
        && Objects.equals(policy, other.policy)
        && Objects.equals(tlsRptRecord, other.tlsRptRecord)
        && Objects.equals(probeMx, other.probeMx);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(policyBytes), policy, tlsRptRecord, probeMx);
  }

  /** Collects expectations; every setter accepts null for "not expected". */
  public static final class Builder {
    private String id;
    private byte[] policyBytes;
    private Policy policy;
    private String tlsRptRecord;
    private Boolean probeMx;

    private Builder() {}

    /**
     * The expected policy id.
     *
     * @throws IllegalArgumentException when it is not 1 to 32 letters or digits
     */
    public Builder id(String expectedId) {
      if (expectedId != null) {
        // the record type owns the id rule; constructing one checks it
        new StsRecord(expectedId);
      }
      this.id = expectedId;
      return this;
    }

    public Builder policyBytes(byte[] bytes) {
      this.policyBytes = bytes == null ? null : bytes.clone();
      return this;
    }

    public Builder policy(Policy desired) {
      this.policy = desired;
      return this;
    }

    public Builder tlsRptRecord(String text) {
      this.tlsRptRecord = text;
      return this;
    }

    /** Probe the MX hosts or not on this verification; null: the verifier's setting. */
    public Builder probeMx(Boolean probe) {
      this.probeMx = probe;
      return this;
    }

    public Expectations build() {
      return new Expectations(this);
    }
  }
}
