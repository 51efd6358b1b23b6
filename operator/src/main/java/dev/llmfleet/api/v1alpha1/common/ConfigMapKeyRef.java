package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One key of a ConfigMap in the same namespace. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapKeyRef {

  @JsonPropertyDescription("Name of the ConfigMap, in the same namespace.")
  @Required
  @Pattern(Names.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String name;

  @JsonPropertyDescription("Key inside the ConfigMap.")
  @Required
  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  private String key;
}
