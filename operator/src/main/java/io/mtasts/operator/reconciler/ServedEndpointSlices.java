package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.plan.ChildNames;
import io.mtasts.operator.plan.SharedServerName;
import io.mtasts.operator.reconciler.server.ServerChildNames;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The informers of the EndpointSlices behind the policy hosts: those of each policy's own web
 * server Service, and those of the shared servers' Services (in the servers' namespaces). A pod
 * becoming ready, terminating or going away triggers a reconcile of every policy it serves, and
 * the served-policy check reads the endpoints from these caches rather than from the API server.
 * The EndpointSlice controller copies a Service's labels to its slices, so each informer sees
 * only slices of the operator's Services.
 */
public final class ServedEndpointSlices {

  /** The slices of the policies' own web servers. */
  static final String OWN = "endpointslices";
  /** The slices of the shared servers. */
  static final String SHARED = "server-endpointslices";

  private ServedEndpointSlices() {}

  static InformerEventSource<EndpointSlice, MtaStsPolicy> ownServers(
      EventSourceContext<MtaStsPolicy> context) {
    return eventSource(context, OWN, ChildNames.SELECTOR,
        p -> List.of(key(p.getMetadata().getNamespace(), ChildNames.of(p))));
  }

  static InformerEventSource<EndpointSlice, MtaStsPolicy> sharedServers(
      EventSourceContext<MtaStsPolicy> context) {
    return eventSource(context, SHARED, ServerChildNames.SELECTOR, p -> SharedServerName.of(p)
        .map(s -> List.of(key(s.namespace(), ServerChildNames.of(s.name()))))
        .orElse(List.of()));
  }

  /**
   * An informer of the slices that {@code selector} selects; a slice names its Service, and an
   * index of the policies by the Services they are served through ({@code services}, as
   * namespace/name) finds the policies to reconcile.
   */
  private static InformerEventSource<EndpointSlice, MtaStsPolicy> eventSource(
      EventSourceContext<MtaStsPolicy> context, String name, String selector,
      Function<MtaStsPolicy, List<String>> services) {
    String index = "mtasts.byService." + name;
    context.getPrimaryCache().addIndexer(index, services);
    InformerEventSourceConfiguration<EndpointSlice> config =
        InformerEventSourceConfiguration.from(EndpointSlice.class, MtaStsPolicy.class)
            .withName(name)
            .withNamespacesInheritedFromController()
            .withLabelSelector(selector)
            .withSecondaryToPrimaryMapper(slice -> primaries(context, index, slice))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /**
   * The slices of a policy's own web server Service {@code service}, read from the informer's
   * cache by label. Not through the index of secondary to primary resources: that index is
   * filled when a slice arrives, and a controller whose cache did not hold the policy then (the
   * retirement controller, which sees a policy only once it is labelled) would never find the
   * slice.
   */
  public static List<EndpointSlice> of(Context<MtaStsPolicy> context, String namespace,
      String service) {
    return list(context, OWN, namespace, service);
  }

  /** The slices of the shared server whose Service is {@code service}, from the cache. */
  static List<EndpointSlice> ofShared(Context<MtaStsPolicy> context, String namespace,
      String service) {
    return list(context, SHARED, namespace, service);
  }

  private static List<EndpointSlice> list(Context<MtaStsPolicy> context, String informerName,
      String namespace, String service) {
    @SuppressWarnings("unchecked")
    var informer = (InformerEventSource<EndpointSlice, MtaStsPolicy>) context
        .eventSourceRetriever().getEventSourceFor(EndpointSlice.class, informerName);
    return informer.list(namespace, slice -> slice.getMetadata().getLabels() != null
        && service.equals(slice.getMetadata().getLabels()
            .get(ServingEndpoints.SERVICE_NAME_LABEL))).toList();
  }

  private static Set<ResourceID> primaries(
      EventSourceContext<MtaStsPolicy> context, String index, EndpointSlice slice) {
    var labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(ServingEndpoints.SERVICE_NAME_LABEL);
    if (service == null) {
      return Set.of();
    }
    return context.getPrimaryCache()
        .byIndex(index, key(slice.getMetadata().getNamespace(), service)).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
