package dev.llmfleet.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A plain environment variable. Secret values go through {@link SecretEnv} instead, never here. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvVar {

  @JsonPropertyDescription("Name of the environment variable.")
  @Required
  @Pattern(Names.ENV_VAR)
  @Size(max = 256)
  private String name;

  @JsonPropertyDescription(
      "Value of the environment variable (not secret: it is visible in the spec and the pod).")
  private String value;
}
