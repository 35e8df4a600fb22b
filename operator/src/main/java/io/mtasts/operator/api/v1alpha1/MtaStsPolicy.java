package io.mtasts.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.Annotations;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** The custom resource: one mail domain's MTA-STS deployment, {@code mtasts.io/v1alpha1}. */
@Group(MtaStsPolicy.GROUP)
@Version(MtaStsPolicy.VERSION)
@Plural(MtaStsPolicy.PLURAL)
@ShortNames(MtaStsPolicy.SHORT_NAME)
@AdditionalPrinterColumn(name = "Domain", jsonPath = ".spec.domain")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode")
@AdditionalPrinterColumn(name = "Policy ID", jsonPath = ".status.policyId")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Safe To Delete After",
    jsonPath = ".status.retirement.safeToDeleteAfter",
    priority = 1)
// Declaring any column drops kubectl's implicit Age column, so it is declared too.
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// Removing the CRD deletes every policy at once, not the domains someone chose to retire: GitOps
// tools and Helm must never remove it on their own, only a person deleting it on purpose.
@Annotations({
  MtaStsPolicy.ARGOCD_SYNC_OPTIONS + "=Delete=false,Prune=false",
  MtaStsPolicy.FLUX_PRUNE + "=disabled",
  MtaStsPolicy.HELM_RESOURCE_POLICY + "=keep"
})
public class MtaStsPolicy extends CustomResource<MtaStsPolicySpec, MtaStsPolicyStatus>
    implements Namespaced {

  public static final String GROUP = "mtasts.io";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "mtastspolicies";
  public static final String SHORT_NAME = "mtasts";
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  /** Annotations on the CRD that keep it when a GitOps tool or Helm removes the operator. */
  public static final String ARGOCD_SYNC_OPTIONS = "argocd.argoproj.io/sync-options";

  public static final String FLUX_PRUNE = "kustomize.toolkit.fluxcd.io/prune";

  public static final String HELM_RESOURCE_POLICY = "helm.sh/resource-policy";

  public MtaStsPolicy() {}

  public MtaStsPolicy(String namespace, String name, MtaStsPolicySpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
