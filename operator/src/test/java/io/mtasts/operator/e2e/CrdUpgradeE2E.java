package io.mtasts.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mtasts.operator.testing.RequiredComponent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's CRD upgrade command works whichever way the CRD was first installed: created
 * ({@code kubectl create}, as Helm installs chart CRDs) or applied client-side. Run with kubectl on
 * a copy of the committed CRD under another group, so that the cluster's real CRD is untouched;
 * the upgrade changes {@code .spec.versions}, where the conflict shows.
 */
class CrdUpgradeE2E {

  /** The command the README documents, with the file appended. */
  static final List<String> UPGRADE =
      List.of("apply", "--server-side", "--force-conflicts", "-f");
  private static final String NAME = "mtastspolicies.upgrade.mtasts.io";

  @TempDir Path tmp;
  private String kubectl;

  @BeforeEach
  void kubectl() {
    kubectl = System.getenv("MTASTS_E2E_KUBECTL");
    if (kubectl == null || kubectl.isBlank()) {
      kubectl = "kubectl";
    }
    String kubeconfig = System.getenv("KUBECONFIG");
    RequiredComponent.require(kubeconfig != null && Files.isReadable(Path.of(kubeconfig)),
        "a Kubernetes API server and kubectl (KUBECONFIG, MTASTS_E2E_KUBECTL; run e2e/run.sh)");
  }

  @AfterEach
  void delete() throws Exception {
    // waits until it is gone: the next case creates it again under the same name
    kubectl("delete", "crd", NAME, "--ignore-not-found", "--wait=true", "--timeout=60s");
  }

  @ParameterizedTest(name = "first installed with kubectl {0}")
  @ValueSource(strings = {"create", "apply"})
  void theReadmeUpgradeCommandSucceedsWhereAPlainServerSideApplyConflicts(String install)
      throws Exception {
    Path committed = Path.of(System.getProperty("mtasts.repoRoot", ".."), "crds",
        "mtastspolicies.mtasts.io-v1.yml");
    String crd = Files.readString(committed, StandardCharsets.UTF_8)
        .replace("name: \"mtastspolicies.mtasts.io\"", "name: \"" + NAME + "\"")
        .replace("group: \"mtasts.io\"", "group: \"upgrade.mtasts.io\"")
        .replace("- \"mtasts\"", "- \"mtastsupgrade\"");
    assertThat(crd).contains(NAME);
    Path before = Files.writeString(tmp.resolve("before.yml"), crd);
    // a new release renames a printer column: a change inside .spec.versions
    Path after = Files.writeString(tmp.resolve("after.yml"),
        crd.replace("name: \"Policy ID\"", "name: \"Served ID\""));

    Result first = kubectl(install, "-f", before.toString());
    assertThat(first.exit()).as(first.output()).isZero();

    Result plain = kubectl("apply", "--server-side", "-f", after.toString());
    assertThat(plain.exit()).as("without --force-conflicts: %s", plain.output()).isNotZero();
    assertThat(plain.output()).contains("conflict");

    List<String> upgrade = new ArrayList<>(UPGRADE);
    upgrade.add(after.toString());
    Result documented = kubectl(upgrade.toArray(String[]::new));
    assertThat(documented.exit()).as(documented.output()).isZero();
    Result columns = kubectl("get", "crd", NAME, "-o",
        "jsonpath={.spec.versions[0].additionalPrinterColumns[*].name}");
    assertThat(columns.output()).contains("Served ID").doesNotContain("Policy ID");
  }

  @org.junit.jupiter.api.Test
  void theReadmeAndTheChartReadmeShowThisCommand() throws IOException {
    Path root = Path.of(System.getProperty("mtasts.repoRoot", ".."));
    String command = "kubectl " + String.join(" ", UPGRADE);
    assertThat(Files.readString(root.resolve("README.md"))).contains(command + " crds/");
    assertThat(Files.readString(root.resolve("helm/mta-sts-operator/README.md")))
        .contains(command + " helm/mta-sts-operator/crds/");
  }

  private record Result(int exit, String output) {}

  private Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(kubectl);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
