package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code rua} URIs the TLS-RPT record publishes: the ones the spec lists, and with
 * {@code spec.tlsRpt.receive} the shared server's receiver on the policy host, which the domain
 * already points at the server for the policy file.
 */
public final class PublishedRua {

  /** The path the shared server receives reports on (RFC 8460 section 5.2 leaves it open). */
  public static final String RECEIVER_PATH = "/tlsrpt";

  private PublishedRua() {}

  /** The receiver's URI for a domain. */
  public static String receiverUri(String domain) {
    return "https://mta-sts." + domain + RECEIVER_PATH;
  }

  /** Whether the spec asks for reports at the shared server. */
  public static boolean receives(MtaStsPolicySpec spec) {
    return spec != null && spec.getTlsRpt() != null && spec.getTlsRpt().effectiveReceive();
  }

  /** The URIs to publish, the spec's first; empty when no TLS-RPT record is wanted. */
  public static List<String> of(MtaStsPolicySpec spec) {
    List<String> rua = new ArrayList<>(spec.effectiveRua());
    if (receives(spec) && spec.getDomain() != null) {
      String receiver = receiverUri(spec.getDomain());
      if (!rua.contains(receiver)) {
        rua.add(receiver);
      }
    }
    return List.copyOf(rua);
  }
}
