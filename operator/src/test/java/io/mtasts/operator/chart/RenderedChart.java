package io.mtasts.operator.chart;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The objects of one {@code helm template} run, each parsed into its typed Fabric8 model class. */
record RenderedChart(List<HasMetadata> objects) {

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final KubernetesSerialization MODELS = new KubernetesSerialization();

  static {
    // the chart may install a shared policy server, a kind of this project's own
    MODELS.registerKubernetesResource(io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer.class);
  }

  RenderedChart {
    objects = List.copyOf(objects);
  }

  static RenderedChart parse(String manifests) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(manifests)) {
      if (isBlankOrComment(document)) {
        continue;
      }
      GenericKubernetesResource generic = Serialization.unmarshal(document, GenericKubernetesResource.class);
      Class<? extends KubernetesResource> modelClass =
          MODELS.getRegisteredKubernetesResource(generic.getApiVersion(), generic.getKind());
      if (modelClass == null || !HasMetadata.class.isAssignableFrom(modelClass)) {
        throw new AssertionError("no Fabric8 model class for " + generic.getApiVersion() + " "
            + generic.getKind() + ":\n" + document);
      }
      objects.add((HasMetadata) Serialization.unmarshal(document, modelClass));
    }
    return new RenderedChart(objects);
  }

  private static boolean isBlankOrComment(String document) {
    return document.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("#"));
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The only object of this kind; fails when there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> kind) {
    List<T> found = all(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected exactly one " + kind.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  <T extends HasMetadata> Optional<T> find(Class<T> kind, String namespace, String name) {
    return all(kind).stream()
        .filter(object -> name.equals(object.getMetadata().getName()))
        .filter(object -> namespace == null || namespace.equals(object.getMetadata().getNamespace()))
        .findFirst();
  }

  /** "Kind namespace/name" of every object, for readable assertions and failure messages. */
  List<String> describe() {
    return objects.stream().map(RenderedChart::describe).toList();
  }

  static String describe(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
  }
}
