package io.mtasts.operator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.YamlDumpSettingsBuilder;

/**
 * Writes Kubernetes objects as YAML documents the way kubectl prints them: map keys (labels,
 * annotations, data) sorted, so the same input always gives the same text, and strings quoted
 * only where YAML needs it.
 */
final class ManifestWriter {

  private static final KubernetesSerialization SERIALIZATION = serialization();

  private ManifestWriter() {}

  private static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper();
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false,
        new YamlDumpSettingsBuilder().setMinimizeQuotes(true).build());
    mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    return serialization;
  }

  /** One document, starting with its {@code ---} line. */
  static String yaml(HasMetadata object) {
    return SERIALIZATION.asYaml(object);
  }
}
