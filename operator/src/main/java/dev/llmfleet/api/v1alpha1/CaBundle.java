package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.ConfigMapKeyRef;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * PEM certificates of the CAs a Download's origin (or mirror, or proxy-intercepted TLS) is signed
 * by.
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.configMapKeyRef) != has(self.secretKeyRef)",
    message = "exactly one of caBundle.configMapKeyRef or caBundle.secretKeyRef must be set")
public class CaBundle {

  @JsonPropertyDescription(
      "A ConfigMap key holding one or more PEM certificates, in the same namespace.")
  private ConfigMapKeyRef configMapKeyRef;

  @JsonPropertyDescription(
      "A Secret key holding one or more PEM certificates, in the same namespace.")
  private SecretKeyRef secretKeyRef;
}
