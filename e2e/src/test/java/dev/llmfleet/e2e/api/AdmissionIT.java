package dev.llmfleet.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server itself enforces API.md: every example is accepted, every rule rejects what it
 * should.
 */
@ExtendWith(LlmFleetExtension.class)
class AdmissionIT {

  private static final Path EXAMPLES = Cluster.repoFile("examples/api");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  // KubernetesSerialization takes text starting with '{' for JSON; the rows are YAML flow mappings.
  private static final YAMLMapper FLOW_YAML = new YAMLMapper();
  private static final AtomicInteger NAMES = new AtomicInteger();

  static Stream<Path> apiExamples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("apiExamples")
  void acceptsEveryApiExample(Path example, TestNamespace namespace) throws IOException {
    ObjectNode resource = read(example.getFileName().toString());
    resource.remove("status");

    GenericKubernetesResource created = create(namespace, resource);

    assertThat(created.getMetadata().getUid()).isNotBlank();
  }

  /**
   * Each row: an API example, a change to it as a JSON merge patch in YAML (null removes a field),
   * and what the API server's message must contain: the field's path and what would be valid.
   */
  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        // Download: source
        row(
            "download-http.yaml",
            "{spec: {source: {huggingFace: {repo: Qwen/Qwen2.5-7B-Instruct}}}}",
            "exactly one of source.huggingFace or source.http must be set"),
        row(
            "download-http.yaml",
            "{spec: {source: {http: null}}}",
            "exactly one of source.huggingFace or source.http must be set"),
        row(
            "download-http.yaml", "{spec: {source: {http: {url: 'ftp://example.org/model.gguf'}}}}",
            "spec.source.http.url", "should match '^https?://"),
        row(
            "download-http.yaml",
            "{spec: {source: {http: {url: 'https://example.org/" + "a".repeat(2100) + "'}}}}",
            "spec.source.http.url",
            "may not be more than 2048"),
        row(
            "download-http.yaml", "{spec: {source: {http: {sha256: 5F2B}}}}",
            "spec.source.http.sha256", "should match '^[0-9a-f]{64}$'"),
        row(
            "download-http.yaml", "{spec: {source: {http: {url: null}}}}",
            "spec.source.http.url", "Required value"),
        row(
            "download-huggingface.yaml", "{spec: {source: {huggingFace: {repo: no-organization}}}}",
            "spec.source.huggingFace.repo", "should match"),
        row(
            "download-huggingface.yaml",
                "{spec: {source: {huggingFace: {endpoint: 'file:///etc/passwd'}}}}",
            "spec.source.huggingFace.endpoint", "should match '^https?://"),
        row(
            "download-huggingface.yaml", "{spec: {source: {huggingFace: {revision: '-bad'}}}}",
            "spec.source.huggingFace.revision", "should match"),
        row("download-http.yaml", "{spec: {source: null}}", "spec.source", "Required value"),
        // Download: storage, limits, secrets
        row(
            "download-http.yaml",
            "{spec: {storage: {size: 40Gi}}}",
            "exactly one of storage.existingClaim or storage.size must be set"),
        row(
            "download-http.yaml",
            "{spec: {storage: {existingClaim: null}}}",
            "exactly one of storage.existingClaim or storage.size must be set"),
        row(
            "download-huggingface.yaml",
            "{spec: {storage: {size: forty-gigs}}}",
            "storage.size must be a Kubernetes quantity"),
        row(
            "download-http.yaml",
            "{spec: {storage: {storageClassName: fast}}}",
            "storage.storageClassName can only be set together with storage.size"),
        row(
            "download-huggingface.yaml",
            "{spec: {storage: {accessMode: ReadWriteSometimes}}}",
            "spec.storage.accessMode",
            "Unsupported value",
            "ReadWriteOnce"),
        row(
            "download-http.yaml",
            "{spec: {storage: {subPath: ../etc}}}",
            "storage.subPath must be a relative path inside the volume"),
        row(
            "download-http.yaml",
            "{spec: {storage: {subPath: /abs}}}",
            "spec.storage.subPath",
            "should match"),
        row("download-http.yaml", "{spec: {storage: null}}", "spec.storage", "Required value"),
        row(
            "download-http.yaml", "{spec: {storage: {existingClaim: null, size: '0'}}}",
            "spec.storage.size", "storage.size must be greater than 0"),
        row(
            "download-http.yaml", "{spec: {storage: {existingClaim: null, size: 0}}}",
            "spec.storage.size", "storage.size must be greater than 0"),
        row(
            "download-http.yaml", "{spec: {storage: {existingClaim: null, size: '-1Gi'}}}",
            "spec.storage.size", "storage.size must be greater than 0"),
        row(
            "download-http.yaml",
            "{spec: {storage: {existingClaim: null, size: 1Gi, accessMode: ReadOnlyMany}}}",
            "spec",
            "storage.accessMode ReadOnlyMany cannot be used here",
            "ReadWriteOnce or ReadWriteMany"),
        row(
            "download-http.yaml",
            "{spec: {nodeSelector: {'has space': cpu}}}",
            "spec.nodeSelector",
            "nodeSelector keys must be label keys",
            "llmfleet.dev/node"),
        row(
            "download-http.yaml",
            "{spec: {nodeSelector: {node: 'a/b'}}}",
            "spec.nodeSelector",
            "nodeSelector values must be label values",
            "at most 63"),
        row(
            "download-http.yaml",
            "{spec: {nodeSelector: {node: '" + "a".repeat(64) + "'}}}",
            "spec.nodeSelector.node",
            "may not be more than 63"),
        row(
            "download-http.yaml", "{spec: {podMetadata: {labels: {'-team': research}}}}",
            "spec.podMetadata.labels", "podMetadata.labels keys must be label keys"),
        row(
            "download-http.yaml", "{spec: {podMetadata: {labels: {team: 'research team'}}}}",
            "spec.podMetadata.labels", "podMetadata.labels values must be label values"),
        row(
            "download-http.yaml", "{spec: {podMetadata: {annotations: {'Example.com/owner': me}}}}",
            "spec.podMetadata.annotations", "podMetadata.annotations keys must be like label keys"),
        row(
            "download-http.yaml", "{spec: {backoffLimit: 21}}",
            "spec.backoffLimit", "should be less than or equal to 20"),
        row(
            "download-http.yaml", "{spec: {stallTimeoutSeconds: 10}}",
            "spec.stallTimeoutSeconds", "should be greater than or equal to 30"),
        row(
            "download-http.yaml", "{spec: {gc: {ttlSecondsAfterFailure: -1}}}",
            "spec.gc.ttlSecondsAfterFailure", "should be greater than or equal to 0"),
        row(
            "download-http.yaml",
            "{spec: {secrets: [{name: TOKEN}]}}",
            "exactly one of secrets[].vault or secrets[].secretKeyRef must be set"),
        row(
            "download-http.yaml",
            "{spec: {secrets: [{name: TOKEN, secretKeyRef: {name: a, key: b}, vault: {path: p, key: k}}]}}",
            "exactly one of secrets[].vault or secrets[].secretKeyRef must be set"),
        row(
            "download-http.yaml",
                "{spec: {secrets: [{name: 1BAD, secretKeyRef: {name: a, key: b}}]}}",
            "spec.secrets[0].name", "should match '^[A-Za-z_][A-Za-z0-9_]*$'"),
        row(
            "download-http.yaml",
            "{spec: {secrets: [{name: T, secretKeyRef: {name: a, key: b}}, {name: T, secretKeyRef: {name: c, key: d}}]}}",
            "secrets[].name must be unique"),
        row(
            "download-huggingface.yaml",
                "{spec: {secrets: [{name: HF_TOKEN, vault: {key: token}}]}}",
            "spec.secrets[0].vault.path", "Required value"),
        // ModelServer
        row(
            "modelserver-vllm.yaml",
            "{spec: {runtime: triton}}",
            "spec.runtime",
            "Unsupported value",
            "\"llamacpp\", \"ollama\", \"sglang\", \"tgi\", \"vllm\""),
        row("modelserver-vllm.yaml", "{spec: {runtime: null}}", "spec.runtime", "Required value"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {model: {uri: 'ollama://llama3.2:1b'}}}",
            "exactly one of model.downloadRef or model.uri must be set"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {model: {uri: null}}}",
            "exactly one of model.downloadRef or model.uri must be set"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {model: {uri: 's3://bucket/model'}}}",
            "spec.model.uri",
            "should match"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {model: {file: model.gguf}}}",
            "model.file names a file inside model.downloadRef"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {replicas: 65}}",
            "spec.replicas",
            "should be less than or equal to 64"),
        row(
            "modelserver-vllm.yaml", "{spec: {image: 'vllm/vllm-openai:v0.6.3 --debug'}}",
            "spec.image", "image must be an image reference without whitespace"),
        row(
            "modelserver-ollama.yaml", "{spec: {nodeSelector: {'node/': gpu}}}",
            "spec.nodeSelector", "nodeSelector keys must be label keys"),
        row(
            "modelserver-ollama.yaml", "{spec: {podMetadata: {labels: {team: '-research'}}}}",
            "spec.podMetadata.labels", "podMetadata.labels values must be label values"),
        row(
            "modelserver-vllm.yaml", "{spec: {resources: {gpus: 65}}}",
            "spec.resources.gpus", "should be less than or equal to 64"),
        row(
            "modelserver-vllm.yaml", "{spec: {resources: {gpus: -1}}}",
            "spec.resources.gpus", "should be greater than or equal to 0"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {resources: {memory: 32 gigabytes}}}",
            "resources.memory must be a Kubernetes quantity"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {resources: {cpu: four}}}",
            "resources.cpu must be a Kubernetes quantity"),
        row(
            "modelserver-vllm.yaml", "{spec: {resources: {gpuType: 'H100 80GB'}}}",
            "spec.resources.gpuType", "should match"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {adapters: [{name: a, fineTuneJobRef: {name: support-lora}}]}}",
            "adapters are only supported with runtimes vllm and sglang"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {port: 70000}}",
            "spec.port",
            "should be less than or equal to 65535"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {adapters: null, model: {downloadRef: null, uri: 'ollama://llama3.2:1b'}}}",
            "model.uri ollama://<name>:<tag> works only with runtime ollama"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {model: {uri: 'hf://Qwen/Qwen2.5-0.5B'}}}",
            "model.uri ollama://<name>:<tag> works only with runtime ollama"),
        row(
            "modelserver-vllm.yaml",
            "{spec: {adapters: null, model: {downloadRef: null, uri: 'https://example.org/m'}}}",
            "runtimes vllm, sglang and tgi load model.uri only from hf://<org>/<repo>"),
        row(
            "modelserver-vllm.yaml", "{spec: {model: {downloadRef: {name: Not_A_Name}}}}",
            "spec.model.downloadRef.name", "should match"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {tolerations: [{key: k, operator: Exists, value: v}]}}",
            "tolerations[].value must be empty when operator is Exists"),
        row(
            "modelserver-ollama.yaml",
            "{spec: {tolerations: [{operator: Equal, value: v}]}}",
            "tolerations[].key may be empty only with operator Exists"),
        row(
            "download-http.yaml",
            "{spec: {tolerations: [{key: k, effect: NoSchedule, tolerationSeconds: 30}]}}",
            "tolerations[].tolerationSeconds can only be set with effect NoExecute"),
        row(
            "download-http.yaml", "{spec: {tolerations: [{key: 'has space', operator: Exists}]}}",
            "spec.tolerations[0].key", "should match"),
        // FineTuneJob
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {loraAlpha: 0}}}",
            "loraAlpha must be an integer between 1 and 4096"),
        row(
            "finetunejob.yaml", "{spec: {hyperparameters: {loraAlpha: 0.0002}}}",
            "spec.hyperparameters.loraAlpha", "must be of type integer"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {learningRate: 0}}}",
            "learningRate must be greater than 0 and at most 1"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {learningRate: 2}}}",
            "learningRate must be greater than 0 and at most 1"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {epochs: 0}}}",
            "epochs must be an integer between 1 and 100"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {batchSize: 2048}}}",
            "batchSize must be an integer between 1 and 1024"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {gradientAccumulationSteps: 0}}}",
            "gradientAccumulationSteps must be an integer between 1 and 1024"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {maxSeqLength: 8}}}",
            "maxSeqLength must be an integer between 16 and 131072"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {loraRank: 0}}}",
            "loraRank must be an integer between 1 and 1024"),
        row(
            "finetunejob.yaml",
            "{spec: {hyperparameters: {loraDropout: 1}}}",
            "loraDropout must be at least 0 and below 1"),
        row(
            "finetunejob.yaml",
            "{spec: {method: dpo}}",
            "spec.method",
            "Unsupported value",
            "\"lora\""),
        row(
            "finetunejob.yaml",
            "{spec: {dataset: {format: csv}}}",
            "spec.dataset.format",
            "Unsupported value"),
        row(
            "finetunejob.yaml",
            "{spec: {resources: {gpus: 0}}}",
            "resources.gpus must be at least 1"),
        row(
            "finetunejob.yaml",
            "{spec: {backoffLimit: 11}}",
            "spec.backoffLimit",
            "should be less than or equal to 10"),
        row(
            "finetunejob.yaml", "{spec: {gc: {keepFailedRuns: 101}}}",
            "spec.gc.keepFailedRuns", "should be less than or equal to 100"),
        row("finetunejob.yaml", "{spec: {output: null}}", "spec.output", "Required value"),
        row(
            "finetunejob.yaml", "{spec: {output: {storage: {accessMode: ReadOnlyMany}}}}",
            "spec.output", "output.storage.accessMode ReadOnlyMany cannot be used here"),
        row(
            "finetunejob.yaml", "{spec: {image: \"axolotl\\tlatest\"}}",
            "spec.image", "image must be an image reference without whitespace"),
        row("finetunejob.yaml", "{spec: {baseModel: null}}", "spec.baseModel", "Required value"),
        row(
            "finetunejob.yaml",
            "{spec: {output: {storage: {existingClaim: adapters, size: 10Gi}}}}",
            "exactly one of storage.existingClaim or storage.size must be set"));
  }

  @ParameterizedTest(name = "[{index}] {0} with {1}")
  @MethodSource("invalidSpecs")
  void rejectsInvalidSpecNamingTheField(
      String example, String change, String[] expected, TestNamespace namespace)
      throws IOException {
    ObjectNode resource = read(example);
    resource.remove("status");
    mergePatch(resource, FLOW_YAML.readTree(change));

    assertThatThrownBy(() -> create(namespace, resource))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .message()
        .contains(expected);
  }

  static ObjectNode read(String example) throws IOException {
    return (ObjectNode) YAML.unmarshal(Files.readString(EXAMPLES.resolve(example)), JsonNode.class);
  }

  /** Creates the resource under a fresh name in the test's namespace. */
  static GenericKubernetesResource create(TestNamespace namespace, ObjectNode resource) {
    ObjectNode metadata = (ObjectNode) resource.get("metadata");
    metadata.put("name", metadata.get("name").asText() + "-" + NAMES.incrementAndGet());
    metadata.put("namespace", namespace.name());
    GenericKubernetesResource generic =
        YAML.convertValue(resource, GenericKubernetesResource.class);
    return namespace.client().resource(generic).create();
  }

  private static Arguments row(String example, String change, String... expected) {
    return Arguments.of(example, change, expected);
  }

  /** RFC 7386 JSON merge patch: objects merge, null removes, anything else replaces. */
  private static void mergePatch(ObjectNode target, JsonNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      JsonNode existing = target.get(field.getKey());
      if (value.isNull()) {
        target.remove(field.getKey());
      } else if (value.isObject() && existing instanceof ObjectNode existingObject) {
        mergePatch(existingObject, value);
      } else {
        target.set(field.getKey(), value);
      }
    }
  }
}
