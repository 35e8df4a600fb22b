package io.mtasts.operator.reconciler;

import io.mtasts.operator.verify.Expectations;
import io.mtasts.operator.verify.VerificationReport;

/** Verifies one domain live; {@link io.mtasts.operator.verify.Verifier#verify} in production. */
@FunctionalInterface
public interface DomainVerifier {

  VerificationReport verify(String domain, Expectations expected);
}
