package io.mtasts.operator.reconciler.server;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicyServer;
import io.mtasts.operator.serve.ServePermissions;
import java.util.List;

/**
 * The server's access to the ConfigMaps of its own namespace, where it hands received TLS reports
 * to the operator: a Role and binding of their own, owned by the server, so that the policy read
 * access (possibly cluster-wide) never carries a write.
 */
public final class ReportStoreRbac {

  private ReportStoreRbac() {}

  public static String name(MtaStsPolicyServer server) {
    return ServerChildNames.rbac(server) + ".tlsrpt";
  }

  public static List<HasMetadata> objects(MtaStsPolicyServer server) {
    var meta = new ObjectMetaBuilder()
        .withName(name(server))
        .withNamespace(server.getMetadata().getNamespace())
        .withLabels(ServerChildNames.labels(server))
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(server.getApiVersion())
            .withKind(server.getKind())
            .withName(server.getMetadata().getName())
            .withUid(server.getMetadata().getUid())
            .withController(true)
            .build())
        .build();
    Role role = new RoleBuilder()
        .withMetadata(meta)
        .withRules(ServePermissions.reportRules())
        .build();
    RoleBinding binding = new RoleBindingBuilder()
        .withMetadata(new ObjectMetaBuilder(meta).build())
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(name(server))
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(ServerChildNames.of(server))
        .withNamespace(server.getMetadata().getNamespace())
        .endSubject()
        .build();
    return List.of(role, binding);
  }
}
