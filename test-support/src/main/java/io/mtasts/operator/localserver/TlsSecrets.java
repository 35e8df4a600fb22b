package io.mtasts.operator.localserver;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Kubernetes TLS Secrets, as {@code kubectl create secret tls} makes them. */
public final class TlsSecrets {

  private TlsSecrets() {}

  /** A {@code kubernetes.io/tls} Secret holding {@code issued}'s chain and key. */
  public static Secret of(String namespace, String name, IssuedCertificate issued) {
    return of(namespace, name, "kubernetes.io/tls", issued.chainPem(), issued.privateKeyPem());
  }

  /** A Secret of any type with the two keys of a TLS Secret. */
  public static Secret of(String namespace, String name, String type, String certificatePem,
      String keyPem) {
    return new SecretBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withType(type)
        .addToData("tls.crt", base64(certificatePem))
        .addToData("tls.key", base64(keyPem))
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
