package io.mtasts.operator.plan;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicySpec;
import io.mtasts.operator.api.v1alpha1.SpecConstraints;
import java.util.List;

/**
 * {@code spec.tlsRpt.receive} needs a shared server: only the {@code serve} process accepts
 * reports, while a policy's own web server is a static file server that must stay read-only.
 */
final class TlsRptReceiveCheck {

  private TlsRptReceiveCheck() {}

  static void check(MtaStsPolicySpec spec, List<String> problems) {
    if (!PublishedRua.receives(spec)) {
      return;
    }
    if (spec.getServer() == null || spec.getServer().getRef() == null) {
      problems.add("spec.tlsRpt.receive: true needs spec.server.ref: reports are received by a"
          + " shared MtaStsPolicyServer, not by a policy's own web server; set spec.server.ref"
          + " or remove receive");
    }
    if (spec.effectiveRua().size() >= SpecConstraints.RUA_MAX_ITEMS
        && !spec.effectiveRua().contains(PublishedRua.receiverUri(spec.getDomain()))) {
      problems.add("spec.tlsRpt.rua: at most " + (SpecConstraints.RUA_MAX_ITEMS - 1)
          + " URIs with receive: true, which adds "
          + PublishedRua.receiverUri(spec.getDomain()));
    }
  }
}
