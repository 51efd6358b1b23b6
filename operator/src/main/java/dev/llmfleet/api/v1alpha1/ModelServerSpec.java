package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.llmfleet.api.v1alpha1.common.EnvVar;
import dev.llmfleet.api.v1alpha1.common.Names;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.Toleration;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.adapters) || size(self.adapters) == 0 || self.runtime in ['vllm', 'sglang']",
    message = "adapters are only supported with runtimes vllm and sglang")
@ValidationRule(
    value =
        "!has(self.model.uri) || (self.runtime == 'ollama') == self.model.uri.startsWith('ollama://')",
    message =
        "model.uri ollama://<name>:<tag> works only with runtime ollama, which pulls only ollama:// models")
@ValidationRule(
    value =
        "!has(self.model.uri) || !(self.runtime in ['vllm', 'sglang', 'tgi']) || self.model.uri.startsWith('hf://')",
    message = "runtimes vllm, sglang and tgi load model.uri only from hf://<org>/<repo>")
@ValidationRule(
    value = "!has(self.autoscaling) || self.runtime != 'ollama'",
    message =
        "autoscaling needs the server's Prometheus metrics, which runtime ollama does not expose: remove "
            + "spec.autoscaling, or scale with spec.replicas")
@ValidationRule(
    value =
        "!has(self.autoscaling) || !(self.runtime == 'tgi' && self.autoscaling.metric == 'kvCache')",
    message = "autoscaling.metric kvCache is not exposed by runtime tgi: use running or waiting")
public class ModelServerSpec {

  @JsonPropertyDescription("Inference server: vllm, sglang, llamacpp, ollama or tgi.")
  @Required
  private Runtime runtime;

  @JsonPropertyDescription("Container image overriding the runtime's default (pinned) image.")
  @Size(max = 512)
  @ValidationRule(
      value = Names.NO_WHITESPACE,
      message =
          "image must be an image reference without whitespace, such as "
              + "vllm/vllm-openai:v0.6.3")
  private String image;

  @JsonPropertyDescription("What to serve: exactly one of downloadRef or uri.")
  @Required
  private ModelSource model;

  @JsonPropertyDescription(
      "Model name that clients send in OpenAI API requests. Unset: metadata.name.")
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
  @Size(max = 256)
  private String servedModelName;

  @JsonPropertyDescription(
      "Number of server pods, 0 to 64; 0 parks the server. Also set by kubectl scale and HPAs. "
          + "Ignored while spec.autoscaling is set: the operator then owns the replica count.")
  @Default("1")
  @Min(0)
  @Max(64)
  @SpecReplicas
  private Integer replicas;

  @JsonPropertyDescription("GPUs, GPU model, CPU and memory per server pod.")
  @Default("{}")
  private Resources resources;

  @JsonPropertyDescription(
      "LoRA adapters from FineTuneJobs served beside the base model; vllm and sglang only.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b.name == a.name))",
      message = "adapters[].name must be unique")
  private List<Adapter> adapters;

  @JsonPropertyDescription(
      "Extra arguments appended to the runtime's command line, for example [\"--max-model-len\", \"8192\"].")
  @Size(max = 128)
  private List<String> args;

  @JsonPropertyDescription(
      "Extra environment variables for the server container (no secret values: use secrets).")
  private List<EnvVar> env;

  @JsonPropertyDescription(
      "Environment variables with secret values; each is exactly one of vault or secretKeyRef.")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t.name == s.name))",
      message = "secrets[].name must be unique")
  private List<SecretEnv> secrets;

  @JsonPropertyDescription(
      "Port the server listens on, 1 to 65535. Unset: the runtime's default (vllm 8000, "
          + "sglang 30000, llamacpp 8080, ollama 11434, tgi 8080).")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "Scale on the servers' own load metrics (requests running or waiting, KV cache use) "
          + "between minReplicas and maxReplicas; while set, spec.replicas (and so kubectl scale or an HPA) is ignored.")
  private Autoscaling autoscaling;

  @JsonPropertyDescription(
      "Refuse to make pods when the model (a Download's status.model) cannot fit in the GPU "
          + "memory of resources.gpus GPUs; false skips the check.")
  @Default("true")
  private Boolean fitCheck;

  @JsonPropertyDescription(
      "Extra node selector, merged with the one derived from resources.gpuType.")
  @Size(max = 64)
  @ValidationRule(
      value = Names.LABEL_KEYS,
      message =
          "nodeSelector keys must be label keys: [prefix/]name, name at "
              + "most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit, prefix a DNS subdomain, "
              + "such as llmfleet.dev/node")
  @ValidationRule(
      value = Names.LABEL_VALUES,
      message =
          "nodeSelector values must be label values: empty, or at most "
              + "63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Extra tolerations, added to the GPU toleration that GPU pods get.")
  @Size(max = 64)
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Labels and annotations for the server pods.")
  private PodMetadata podMetadata;
}
