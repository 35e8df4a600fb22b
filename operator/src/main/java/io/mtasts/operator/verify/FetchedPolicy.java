package io.mtasts.operator.verify;

import java.util.Optional;

/**
 * The outcome of the policy download: the {@code PolicyFetch} verdict, the body when one was read
 * completely, and the certificate the policy host presented.
 */
record FetchedPolicy(
    CheckOutcome outcome, Optional<byte[]> body, Optional<CertificateFacts> certificate) {

  /** Why there is no body to judge, for the checks that need one. */
  String whyNoBody() {
    return "no policy was fetched (see PolicyFetch)";
  }
}
