package io.mtasts.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.plan.SharedServerName;
import io.mtasts.operator.reconciler.server.ServerChildNames;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The informer of the shared servers' EndpointSlices, in the servers' namespaces: a server pod
 * becoming ready or going away triggers a reconcile of every policy that references the server,
 * and the served-policy check of shared mode reads the server's endpoints from this cache.
 */
public final class SharedServerEndpointSlices {

  static final String NAME = "server-endpointslices";
  private static final String BY_SERVICE = "mtasts.bySharedServerService";

  private SharedServerEndpointSlices() {}

  static InformerEventSource<EndpointSlice, MtaStsPolicy> eventSource(
      EventSourceContext<MtaStsPolicy> context) {
    context.getPrimaryCache().addIndexer(BY_SERVICE, p -> SharedServerName.of(p)
        .map(s -> List.of(key(s.namespace(), serviceName(s)))).orElse(List.of()));
    InformerEventSourceConfiguration<EndpointSlice> config =
        InformerEventSourceConfiguration.from(EndpointSlice.class, MtaStsPolicy.class)
            .withName(NAME)
            .withNamespacesInheritedFromController()
            .withLabelSelector(ServerChildNames.SELECTOR)
            .withSecondaryToPrimaryMapper(slice -> primaries(context, slice))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** The name of the Service in front of the server's pods. */
  static String serviceName(SharedServerName server) {
    MtaStsPolicyServer named = new MtaStsPolicyServer();
    named.setMetadata(new ObjectMetaBuilder().withNamespace(server.namespace())
        .withName(server.name()).build());
    return ServerChildNames.of(named);
  }

  /** The slices of the Service {@code service} in {@code namespace}, from the cache. */
  static List<EndpointSlice> of(Context<MtaStsPolicy> context, String namespace,
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
