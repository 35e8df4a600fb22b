package io.mtasts.operator.reconciler.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mtasts.operator.policy.PolicyId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a server's children: creates a missing one, replaces one whose desired form changed,
 * and leaves alone an object at a child's name that the server does not own. A checksum of the
 * desired form on each child tells whether it changed, so an unchanged server writes nothing
 * (the API server's defaults would make a field-by-field comparison differ forever).
 */
final class ServerChildWriter {

  /** The checksum of the desired form the child was last written from. */
  static final String CHECKSUM_ANNOTATION = "mtasts.io/desired-checksum";

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final KubernetesClient client;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  ServerChildWriter(KubernetesClient client) {
    this.client = client;
  }

  /** The object standing at the child's name, or null. */
  HasMetadata existing(HasMetadata desired) {
    return client.resource(desired).get();
  }

  /**
   * Why {@code existing} must not be touched: it is not the server's (no owner reference to it
   * and, for objects that cannot have one, not labelled with its uid). Empty when it may be.
   */
  static Optional<String> conflict(HasMetadata existing, String serverUid, String serverName) {
    if (existing == null || isOwned(existing, serverUid)) {
      return Optional.empty();
    }
    String where = existing.getMetadata().getNamespace() == null ? ""
        : existing.getMetadata().getNamespace() + "/";
    return Optional.of(existing.getKind() + " " + where + existing.getMetadata().getName()
        + " already exists and is not owned by MtaStsPolicyServer " + serverName
        + "; it is left unchanged. Delete or rename it, or rename this MtaStsPolicyServer");
  }

  static boolean isOwned(HasMetadata object, String uid) {
    if (uid == null) {
      return false;
    }
    var refs = object.getMetadata().getOwnerReferences();
    if (refs != null && refs.stream().anyMatch(r -> uid.equals(r.getUid()))) {
      return true;
    }
    var labels = object.getMetadata().getLabels();
    return labels != null && uid.equals(labels.get(ServerChildNames.SERVER_UID_LABEL));
  }

  /** Creates or replaces {@code desired}; {@code existing} is owned or null. */
  void write(HasMetadata desired, HasMetadata existing) {
    String checksum = checksum(desired);
    desired.getMetadata().setAnnotations(new LinkedHashMap<>(
        Map.of(CHECKSUM_ANNOTATION, checksum)));
    if (existing == null) {
      client.resource(desired).create();
      return;
    }
    var annotations = existing.getMetadata().getAnnotations();
    if (annotations != null && checksum.equals(annotations.get(CHECKSUM_ANNOTATION))) {
      return;
    }
    client.resource(replacement(desired, existing)).update();
  }

  /**
   * The existing object with the desired content: its metadata keeps what others added (labels,
   * annotations) besides ours, and a Service keeps the addresses the API server allocated.
   */
  @SuppressWarnings("unchecked")
  private HasMetadata replacement(HasMetadata desired, HasMetadata existing) {
    Map<String, Object> want = serialization.convertValue(desired, Map.class);
    Map<String, Object> have = serialization.convertValue(existing, Map.class);
    for (Map.Entry<String, Object> e : want.entrySet()) {
      String key = e.getKey();
      if (key.equals("metadata") || key.equals("status")) {
        continue;
      }
      if (existing instanceof Service && key.equals("spec")) {
        Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) have.get("spec"));
        spec.putAll((Map<String, Object>) e.getValue());
        have.put(key, spec);
      } else {
        have.put(key, e.getValue());
      }
    }
    HasMetadata out = serialization.convertValue(have, desired.getClass());
    Map<String, String> labels = new LinkedHashMap<>(orEmpty(existing.getMetadata().getLabels()));
    labels.putAll(desired.getMetadata().getLabels());
    out.getMetadata().setLabels(labels);
    Map<String, String> annotations =
        new LinkedHashMap<>(orEmpty(existing.getMetadata().getAnnotations()));
    annotations.putAll(desired.getMetadata().getAnnotations());
    out.getMetadata().setAnnotations(annotations);
    if (desired.getMetadata().getOwnerReferences() != null
        && !desired.getMetadata().getOwnerReferences().isEmpty()) {
      out.getMetadata().setOwnerReferences(desired.getMetadata().getOwnerReferences());
    }
    return out;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  static String checksum(HasMetadata desired) {
    try {
      return PolicyId.of(CANONICAL.writeValueAsBytes(desired)).substring(0, 16);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + desired.getKind(), e);
    }
  }
}
