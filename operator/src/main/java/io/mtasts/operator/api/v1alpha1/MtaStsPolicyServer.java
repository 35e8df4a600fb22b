package io.mtasts.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.Annotations;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A shared policy server, {@code mtasts.io/v1alpha1}: one Deployment of the operator's own image
 * running {@code serve}, which answers for many domains by the request's Host name.
 */
@Group(MtaStsPolicy.GROUP)
@Version(MtaStsPolicy.VERSION)
@Plural(MtaStsPolicyServer.PLURAL)
@ShortNames(MtaStsPolicyServer.SHORT_NAME)
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready Replicas", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Policies", jsonPath = ".status.policiesServed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
// Declaring any column drops kubectl's implicit Age column, so it is declared too.
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// Kept like the policy CRD: removing it would delete every shared server, and every domain they
// serve would stop answering at once.
@Annotations({
  MtaStsPolicy.ARGOCD_SYNC_OPTIONS + "=Delete=false,Prune=false",
  MtaStsPolicy.FLUX_PRUNE + "=disabled",
  MtaStsPolicy.HELM_RESOURCE_POLICY + "=keep"
})
public class MtaStsPolicyServer
    extends CustomResource<MtaStsPolicyServerSpec, MtaStsPolicyServerStatus>
    implements Namespaced {

  public static final String PLURAL = "mtastspolicyservers";
  public static final String SHORT_NAME = "mtastsserver";
  public static final String CRD_NAME = PLURAL + "." + MtaStsPolicy.GROUP;

  public MtaStsPolicyServer() {}

  public MtaStsPolicyServer(String namespace, String name, MtaStsPolicyServerSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
