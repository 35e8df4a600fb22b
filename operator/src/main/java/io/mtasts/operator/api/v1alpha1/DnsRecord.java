package io.mtasts.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One DNS record the domain must publish, in a form GitOps and DNS tooling can read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "value"})
public class DnsRecord {

  @JsonPropertyDescription("Owner name without trailing dot, such as _mta-sts.example.com.")
  private String name;

  @JsonPropertyDescription("Record type, such as TXT.")
  private String type;

  @JsonPropertyDescription("Record data as one string, unquoted.")
  private String value;

  public DnsRecord() {}

  public DnsRecord(String name, String type, String value) {
    this.name = name;
    this.type = type;
    this.value = value;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnsRecord other
        && Objects.equals(name, other.name)
        && Objects.equals(type, other.type)
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, value);
  }

  @Override
  public String toString() {
    return "DnsRecord{name=" + name + ", type=" + type + ", value=" + value + "}";
  }
}
