package io.mtasts.operator.api.gatewayapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Objects;

/**
 * Gateway API's {@code ListenerSet} ({@code gateway.networking.k8s.io/v1}, standard since Gateway
 * API v1.5): the part of its schema the operator writes. Fabric8's Gateway API model (7.5.2)
 * predates it, so it is declared here as a typed resource, as external-dns's DNSEndpoint is: the
 * informers, the conflict check and the RBAC derivation all take the kind, group and plural from
 * the class. Its listeners have the same schema as a Gateway's, so Fabric8's {@link Listener} is
 * used for them. The CRD belongs to the Gateway API; this project never generates it.
 */
@Group(ListenerSet.GROUP)
@Version("v1")
@Kind("ListenerSet")
@Plural("listenersets")
public class ListenerSet extends CustomResource<ListenerSet.Spec, Void> implements Namespaced {

  public static final String GROUP = "gateway.networking.k8s.io";

  /** The Gateway the listeners join, and the listeners. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    private ParentGatewayReference parentRef;
    private List<Listener> listeners;

    public Spec() {}

    public Spec(ParentGatewayReference parentRef, List<Listener> listeners) {
      this.parentRef = parentRef;
      this.listeners = listeners;
    }

    public ParentGatewayReference getParentRef() {
      return parentRef;
    }

    public void setParentRef(ParentGatewayReference parentRef) {
      this.parentRef = parentRef;
    }

    public List<Listener> getListeners() {
      return listeners;
    }

    public void setListeners(List<Listener> listeners) {
      this.listeners = listeners;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Spec other && Objects.equals(parentRef, other.parentRef)
          && Objects.equals(listeners, other.listeners);
    }

    @Override
    public int hashCode() {
      return Objects.hash(parentRef, listeners);
    }
  }

  /** The Gateway a ListenerSet attaches to; unlike a route's parentRef it has no section. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ParentGatewayReference {
    private String group;
    private String kind;
    private String name;
    private String namespace;

    public ParentGatewayReference() {}

    public ParentGatewayReference(String group, String kind, String name, String namespace) {
      this.group = group;
      this.kind = kind;
      this.name = name;
      this.namespace = namespace;
    }

    public String getGroup() {
      return group;
    }

    public void setGroup(String group) {
      this.group = group;
    }

    public String getKind() {
      return kind;
    }

    public void setKind(String kind) {
      this.kind = kind;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ParentGatewayReference other && Objects.equals(group, other.group)
          && Objects.equals(kind, other.kind) && Objects.equals(name, other.name)
          && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
      return Objects.hash(group, kind, name, namespace);
    }
  }
}
