package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The informer of the web server Services' EndpointSlices: a pod becoming ready, terminating or
 * going away triggers a reconcile of its policy, and the served-policy check reads the endpoints
 * from this cache rather than from the API server. The EndpointSlice controller copies a
 * Service's labels to its slices, so the informer sees only slices of the operator's Services.
 */
public final class ServedEndpointSlices {

  static final String NAME = "endpointslices";
  private static final String BY_SERVICE = "mtasts.byServiceName";

  private ServedEndpointSlices() {}

  static InformerEventSource<EndpointSlice, MtaStsPolicy> eventSource(
      EventSourceContext<MtaStsPolicy> context) {
    // a slice names its Service; the index finds the policy whose child has that name
    context.getPrimaryCache().addIndexer(BY_SERVICE,
        p -> List.of(key(p.getMetadata().getNamespace(), ChildNames.of(p))));
    InformerEventSourceConfiguration<EndpointSlice> config =
        InformerEventSourceConfiguration.from(EndpointSlice.class, MtaStsPolicy.class)
            .withName(NAME)
            .withNamespacesInheritedFromController()
            .withLabelSelector(ChildNames.SELECTOR)
            .withSecondaryToPrimaryMapper(slice -> primaries(context, slice))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /**
   * The slices of the Service {@code service}, read from the informer's cache by label. Not
   * through the index of secondary to primary resources: that index is filled when a slice
   * arrives, and a controller whose cache did not hold the policy then (the retirement
   * controller, which sees a policy only once it is labelled) would never find the slice.
   */
  public static List<EndpointSlice> of(Context<MtaStsPolicy> context, String namespace,
      String service) {
    @SuppressWarnings("unchecked")
    var informer = (InformerEventSource<EndpointSlice, MtaStsPolicy>) context
        .eventSourceRetriever().getEventSourceFor(EndpointSlice.class, NAME);
    return informer.list(namespace, slice -> slice.getMetadata().getLabels() != null
        && service.equals(slice.getMetadata().getLabels()
            .get(ServingEndpoints.SERVICE_NAME_LABEL))).toList();
  }

  private static Set<ResourceID> primaries(
      EventSourceContext<MtaStsPolicy> context, EndpointSlice slice) {
    var labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(ServingEndpoints.SERVICE_NAME_LABEL);
    if (service == null) {
      return Set.of();
    }
    return context.getPrimaryCache()
        .byIndex(BY_SERVICE, key(slice.getMetadata().getNamespace(), service)).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
