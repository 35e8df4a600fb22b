package io.mtasts.operator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deleting the Argo CD or Flux object of the shipped GitOps examples never deletes the CRD or a
 * policy: a deleted policy is retired, a deleted CRD takes every policy with it at once.
 */
class GitOpsDeletionSafetyTest {

  private static final String ARGO_RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";

  @Test
  void noArgoCdApplicationCarriesTheResourcesFinalizer() throws IOException {
    List<JsonNode> applications = documentsOfKind("Application");
    assertThat(applications).as("Argo CD Applications under examples/gitops").hasSize(2);
    for (JsonNode app : applications) {
      List<String> finalizers = new ArrayList<>();
      app.at("/metadata/finalizers").forEach(f -> finalizers.add(f.asText()));
      assertThat(finalizers).as("finalizers of Application %s", name(app))
          .noneMatch(f -> f.startsWith(ARGO_RESOURCES_FINALIZER));
    }
  }

  @Test
  void argoCdNeverPrunesEveryPolicyAtOnce() throws IOException {
    for (JsonNode app : documentsOfKind("Application")) {
      JsonNode automated = app.at("/spec/syncPolicy/automated");
      if (automated.path("prune").asBoolean(false)) {
        assertThat(automated.path("allowEmpty").asBoolean(false))
            .as("allowEmpty of Application %s, which prunes", name(app)).isFalse();
      }
    }
  }

  @Test
  void deletingAFluxKustomizationLeavesItsPolicies() throws IOException {
    List<JsonNode> kustomizations = documentsOfKind("Kustomization");
    assertThat(kustomizations).as("Flux Kustomizations under examples/gitops").isNotEmpty();
    for (JsonNode kustomization : kustomizations) {
      String policy = kustomization.at("/spec/deletionPolicy").asText("MirrorPrune");
      // MirrorPrune (the default) deletes everything applied when prune is on; Delete and
      // WaitForTermination always do
      boolean orphans = policy.equals("Orphan")
          || (policy.equals("MirrorPrune") && !kustomization.at("/spec/prune").asBoolean());
      assertThat(orphans).as("Kustomization %s: prune %s, deletionPolicy %s", name(kustomization),
          kustomization.at("/spec/prune"), policy).isTrue();
    }
  }

  @Test
  void fluxInstallsAndUpgradesTheCrdWithoutEverDeletingIt() throws IOException {
    List<JsonNode> releases = documentsOfKind("HelmRelease");
    assertThat(releases).hasSize(1);
    JsonNode release = releases.get(0);
    // Create and CreateReplace never delete a CRD; CreateReplace also keeps it current
    assertThat(release.at("/spec/install/crds").asText()).isEqualTo("CreateReplace");
    assertThat(release.at("/spec/upgrade/crds").asText()).isEqualTo("CreateReplace");
  }

  private static String name(JsonNode object) {
    return object.at("/metadata/name").asText();
  }

  /** The documents of every YAML file under examples/gitops with this kind. */
  private static List<JsonNode> documentsOfKind(String kind) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    for (Path file : ExampleFiles.yaml()) {
      if (!file.startsWith("gitops")) {
        continue;
      }
      try (MappingIterator<JsonNode> values = new YAMLMapper().readerFor(JsonNode.class)
          .readValues(ExampleFiles.directory().resolve(file).toFile())) {
        while (values.hasNextValue()) {
          JsonNode node = values.nextValue();
          if (node != null && kind.equals(node.path("kind").asText())) {
            found.add(node);
          }
        }
      }
    }
    return found;
  }
}
