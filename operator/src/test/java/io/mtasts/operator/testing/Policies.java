package io.mtasts.operator.testing;

import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** Custom resources for tests, written as users write them: YAML. */
public final class Policies {

  private Policies() {}

  public static MtaStsPolicy fromYaml(String yaml) {
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), MtaStsPolicy.class);
  }

  /** example.com in testing mode with an existing TLS Secret, so nothing else blocks Ready. */
  public static MtaStsPolicy basic(String name, String domain) {
    return fromYaml("""
        apiVersion: mtasts.io/v1alpha1
        kind: MtaStsPolicy
        metadata:
          name: %s
        spec:
          domain: %s
          mode: testing
          mx: ["mail.%s"]
          maxAge: 604800
          tls:
            secretName: %s-tls
        """.formatted(name, domain, domain, name));
  }
}
