package io.mtasts.operator.api.externaldns;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Objects;

/**
 * external-dns's {@code DNSEndpoint} ({@code externaldns.k8s.io/v1alpha1}): the part of its
 * schema the operator writes. The CRD belongs to external-dns; this project never generates it.
 */
@Group("externaldns.k8s.io")
@Version("v1alpha1")
@Kind("DNSEndpoint")
@Plural("dnsendpoints")
public class DNSEndpoint extends CustomResource<DNSEndpoint.Spec, Void> implements Namespaced {

  /** The records external-dns publishes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    private List<Endpoint> endpoints;

    public Spec() {}

    public Spec(List<Endpoint> endpoints) {
      this.endpoints = endpoints;
    }

    public List<Endpoint> getEndpoints() {
      return endpoints;
    }

    public void setEndpoints(List<Endpoint> endpoints) {
      this.endpoints = endpoints;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Spec other && Objects.equals(endpoints, other.endpoints);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(endpoints);
    }
  }

  /** One DNS record set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Endpoint {
    private String dnsName;
    private String recordType;
    private List<String> targets;
    private Long recordTTL;

    public Endpoint() {}

    public Endpoint(String dnsName, String recordType, List<String> targets, Long recordTTL) {
      this.dnsName = dnsName;
      this.recordType = recordType;
      this.targets = targets;
      this.recordTTL = recordTTL;
    }

    public String getDnsName() {
      return dnsName;
    }

    public void setDnsName(String dnsName) {
      this.dnsName = dnsName;
    }

    public String getRecordType() {
      return recordType;
    }

    public void setRecordType(String recordType) {
      this.recordType = recordType;
    }

    public List<String> getTargets() {
      return targets;
    }

    public void setTargets(List<String> targets) {
      this.targets = targets;
    }

    public Long getRecordTTL() {
      return recordTTL;
    }

    public void setRecordTTL(Long recordTTL) {
      this.recordTTL = recordTTL;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Endpoint other
          && Objects.equals(dnsName, other.dnsName)
          && Objects.equals(recordType, other.recordType)
          && Objects.equals(targets, other.targets)
          && Objects.equals(recordTTL, other.recordTTL);
    }

    @Override
    public int hashCode() {
      return Objects.hash(dnsName, recordType, targets, recordTTL);
    }
  }
}
