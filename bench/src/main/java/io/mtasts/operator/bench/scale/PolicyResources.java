package io.mtasts.operator.bench.scale;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * The policies the benchmark applies: one mail domain each, testing mode, TLS-RPT, and an existing
 * TLS Secret (so no cert-manager is needed), the way a hosting provider's CRs look.
 */
final class PolicyResources {

  private PolicyResources() {}

  static String name(int i) {
    return String.format("domain-%05d", i);
  }

  static String domain(int i) {
    return String.format("d%05d.bench.test", i);
  }

  static MtaStsPolicy policy(int i, String namespace) {
    String yaml = """
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %1$s
          namespace: %2$s
        spec:
          domain: %3$s
          mode: testing
          mx: ["mx1.%3$s", "*.mx.bench.test"]
          maxAge: 604800
          tlsRpt:
            rua: ["mailto:tls-reports@%3$s"]
          tls:
            secretName: mta-sts-%1$s-tls
        """.formatted(name(i), namespace, domain(i));
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }
}
