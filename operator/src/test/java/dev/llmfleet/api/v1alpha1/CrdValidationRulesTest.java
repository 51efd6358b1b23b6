package dev.llmfleet.api.v1alpha1;

import static dev.llmfleet.api.v1alpha1.GeneratedCrds.rules;
import static dev.llmfleet.api.v1alpha1.GeneratedCrds.schema;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rule of API.md, as the generated CRD states it; the e2e admission tests prove the API server
 * applies them.
 */
class CrdValidationRulesTest {

  static final CustomResourceDefinition DOWNLOAD = GeneratedCrds.load("downloads");
  static final CustomResourceDefinition MODEL_SERVER = GeneratedCrds.load("modelservers");
  static final CustomResourceDefinition FINE_TUNE_JOB = GeneratedCrds.load("finetunejobs");

  @Nested
  class Shared {

    @Test
    void gpusAreZeroToSixtyFour() {
      assertRange(schema(MODEL_SERVER, "spec.resources.gpus"), 0, 64);
    }

    @Test
    void gpuTypeIsALabelValue() {
      assertThat(schema(MODEL_SERVER, "spec.resources.gpuType").getPattern()).isNotBlank();
    }

    @Test
    void cpuIsAQuantity() {
      assertRule(
          MODEL_SERVER,
          "spec.resources.cpu",
          "isQuantity(self)",
          "resources.cpu must be a Kubernetes quantity");
    }

    @Test
    void memoryIsAQuantity() {
      assertRule(
          MODEL_SERVER,
          "spec.resources.memory",
          "isQuantity(self)",
          "resources.memory must be a Kubernetes quantity");
    }

    @Test
    void storageIsExactlyOneOfExistingClaimOrSize() {
      assertRule(
          DOWNLOAD,
          "spec.storage",
          "has(self.existingClaim) != has(self.size)",
          "exactly one of storage.existingClaim or storage.size must be set");
    }

    @Test
    void storageSizeIsAQuantity() {
      assertRule(
          DOWNLOAD,
          "spec.storage.size",
          "isQuantity(self)",
          "storage.size must be a Kubernetes quantity");
    }

    @Test
    void storageClassNameOnlyWithSize() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.output.storage",
          "!has(self.storageClassName) || has(self.size)",
          "storage.storageClassName can only be set together with storage.size");
    }

    @Test
    void accessModeIsOneOfThreeAndDefaultsToReadWriteOnce() {
      JSONSchemaProps accessMode = schema(DOWNLOAD, "spec.storage.accessMode");
      assertThat(accessMode.getEnum())
          .map(JsonNode::asText)
          .containsExactlyInAnyOrder("ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany");
      assertThat(accessMode.getDefault().asText()).isEqualTo("ReadWriteOnce");
    }

    @Test
    void subPathStaysInsideTheVolume() {
      assertThat(schema(DOWNLOAD, "spec.storage.subPath").getPattern())
          .isEqualTo("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$");
      assertRule(
          DOWNLOAD,
          "spec.storage.subPath",
          "!self.matches('(^|/)[.][.]?(/|$)')",
          "storage.subPath must be a relative path inside the volume");
    }

    @Test
    void secretNamesAreEnvironmentVariableNames() {
      assertThat(schema(DOWNLOAD, "spec.secrets[].name").getPattern())
          .isEqualTo("^[A-Za-z_][A-Za-z0-9_]*$");
      assertThat(schema(DOWNLOAD, "spec.secrets[]").getRequired()).contains("name");
    }

    @Test
    void secretIsExactlyOneOfVaultOrSecretKeyRef() {
      assertRule(
          DOWNLOAD,
          "spec.secrets[]",
          "has(self.vault) != has(self.secretKeyRef)",
          "exactly one of secrets[].vault or secrets[].secretKeyRef must be set");
    }

    @Test
    void secretNamesAreUnique() {
      assertRule(
          MODEL_SERVER,
          "spec.secrets",
          "self.all(s, self.exists_one(t, t.name == s.name))",
          "secrets[].name must be unique");
    }

    @Test
    void vaultMountDefaultsToSecretAndPathAndKeyAreRequired() {
      assertThat(schema(DOWNLOAD, "spec.secrets[].vault.mount").getDefault().asText())
          .isEqualTo("secret");
      assertThat(schema(DOWNLOAD, "spec.secrets[].vault").getRequired())
          .containsExactlyInAnyOrder("path", "key");
    }

    @Test
    void secretKeyRefNeedsNameAndKey() {
      assertThat(schema(FINE_TUNE_JOB, "spec.secrets[].secretKeyRef").getRequired())
          .containsExactlyInAnyOrder("name", "key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"downloads", "modelservers", "finetunejobs"})
    void everyKindIsNamespacedInCategoryLlmfleetWithAStatusSubresource(String plural) {
      CustomResourceDefinition crd = GeneratedCrds.load(plural);
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      assertThat(crd.getSpec().getGroup()).isEqualTo("llmfleet.dev");
      assertThat(crd.getSpec().getNames().getCategories()).containsExactly("llmfleet");
      assertThat(GeneratedCrds.version(crd).getName()).isEqualTo("v1alpha1");
      assertThat(GeneratedCrds.version(crd).getSubresources().getStatus()).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"downloads", "modelservers", "finetunejobs"})
    void everyFieldHasADescription(String plural) {
      List<String> undescribed = new ArrayList<>();
      collectUndescribed(schema(GeneratedCrds.load(plural), ""), "", undescribed);
      assertThat(undescribed).isEmpty();
    }
  }

  @Nested
  class Tolerations {

    @Test
    void valueIsEmptyWithExists() {
      assertRule(
          DOWNLOAD,
          "spec.tolerations[]",
          "self.operator != 'Exists' || !has(self.value)",
          "tolerations[].value must be empty when operator is Exists");
    }

    @Test
    void emptyKeyOnlyWithExists() {
      assertRule(
          DOWNLOAD,
          "spec.tolerations[]",
          "self.key != '') || (has(self.operator) && self.operator == 'Exists')",
          "tolerations[].key may be empty only with operator Exists");
    }

    @Test
    void tolerationSecondsOnlyWithNoExecute() {
      assertRule(
          MODEL_SERVER,
          "spec.tolerations[]",
          "!has(self.tolerationSeconds) || (has(self.effect) && " + "self.effect == 'NoExecute')",
          "tolerations[].tolerationSeconds can only be set with effect NoExecute");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "dedicated",
          "llmfleet.dev/real-node",
          "nvidia.com/gpu",
          "node.kubernetes.io/not-ready",
          "a-b_c.D"
        })
    void keyIsALabelKey(String key) {
      assertThat(key).matches(schema(DOWNLOAD, "spec.tolerations[].key").getPattern());
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "Upper.Case/name", "/name", "prefix/", "-dash", "a/b/c"})
    void keyIsNothingElse(String key) {
      assertThat(key).doesNotMatch(schema(DOWNLOAD, "spec.tolerations[].key").getPattern());
    }

    @Test
    void atMost64SoThatTheRulesStayWithinTheCelBudget() {
      assertThat(schema(DOWNLOAD, "spec.tolerations").getMaxItems()).isEqualTo(64L);
      assertThat(schema(MODEL_SERVER, "spec.tolerations").getMaxItems()).isEqualTo(64L);
    }

    @Test
    void keyAndValueAreBoundedLikeLabels() {
      assertThat(schema(MODEL_SERVER, "spec.tolerations[].key").getMaxLength()).isEqualTo(317L);
      assertThat(schema(MODEL_SERVER, "spec.tolerations[].value").getMaxLength()).isEqualTo(63L);
      String value = schema(MODEL_SERVER, "spec.tolerations[].value").getPattern();
      assertThat("true").matches(value);
      assertThat("").matches(value);
      assertThat("two words").doesNotMatch(value);
    }
  }

  @Nested
  class Downloads {

    @Test
    void shortNameIsDl() {
      assertThat(DOWNLOAD.getSpec().getNames().getShortNames()).containsExactly("dl");
    }

    @Test
    void sourceIsExactlyOneOfHuggingFaceOrHttp() {
      assertRule(
          DOWNLOAD,
          "spec.source",
          "has(self.huggingFace) != has(self.http)",
          "exactly one of source.huggingFace or source.http must be set");
    }

    @Test
    void sourceIsImmutable() {
      assertRule(
          DOWNLOAD,
          "spec.source",
          "self == oldSelf",
          "spec.source is immutable: create a new Download");
    }

    @Test
    void storageIsImmutable() {
      assertRule(
          DOWNLOAD,
          "spec.storage",
          "self == oldSelf",
          "spec.storage is immutable: create a new Download");
    }

    @Test
    void sourceAndStorageAreRequired() {
      assertThat(schema(DOWNLOAD, "spec").getRequired())
          .containsExactlyInAnyOrder("source", "storage");
    }

    @Test
    void repoIsOrganizationSlashName() {
      assertThat(schema(DOWNLOAD, "spec.source.huggingFace.repo").getPattern())
          .isEqualTo("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$");
      assertThat(schema(DOWNLOAD, "spec.source.huggingFace").getRequired()).containsExactly("repo");
    }

    @Test
    void revisionDefaultsToMain() {
      assertThat(schema(DOWNLOAD, "spec.source.huggingFace.revision").getDefault().asText())
          .isEqualTo("main");
    }

    @Test
    void endpointIsHttpOrHttps() {
      JSONSchemaProps endpoint = schema(DOWNLOAD, "spec.source.huggingFace.endpoint");
      assertThat(endpoint.getPattern()).startsWith("^https?://");
      assertThat(endpoint.getMaxLength()).isEqualTo(2048L);
    }

    @Test
    void urlIsHttpOrHttpsOfAtMost2048Characters() {
      JSONSchemaProps url = schema(DOWNLOAD, "spec.source.http.url");
      assertThat(url.getPattern()).startsWith("^https?://");
      assertThat(url.getMaxLength()).isEqualTo(2048L);
      assertThat(schema(DOWNLOAD, "spec.source.http").getRequired()).containsExactly("url");
    }

    @Test
    void sha256Is64LowercaseHex() {
      assertThat(schema(DOWNLOAD, "spec.source.http.sha256").getPattern())
          .isEqualTo("^[0-9a-f]{64}$");
    }

    @Test
    void backoffLimitIsZeroToTwentyDefaultSix() {
      assertRange(schema(DOWNLOAD, "spec.backoffLimit"), 0, 20);
      assertThat(schema(DOWNLOAD, "spec.backoffLimit").getDefault().asInt()).isEqualTo(6);
    }

    @Test
    void stallTimeoutIsThirtySecondsToADayDefaultFiveMinutes() {
      assertRange(schema(DOWNLOAD, "spec.stallTimeoutSeconds"), 30, 86400);
      assertThat(schema(DOWNLOAD, "spec.stallTimeoutSeconds").getDefault().asInt()).isEqualTo(300);
    }

    @Test
    void gcDefaultsApplyWhenGcIsOmitted() {
      assertThat(schema(DOWNLOAD, "spec.gc").getDefault().isObject()).isTrue();
      assertThat(schema(DOWNLOAD, "spec.gc.ttlSecondsAfterFailure").getDefault().asInt())
          .isEqualTo(86400);
      assertThat(schema(DOWNLOAD, "spec.gc.deletePartialData").getDefault().asBoolean()).isTrue();
    }

    @Test
    void placementIsAStringMapAndTheSharedTolerations() {
      JSONSchemaProps nodeSelector = schema(DOWNLOAD, "spec.nodeSelector");
      assertThat(nodeSelector.getType()).isEqualTo("object");
      assertThat(nodeSelector.getAdditionalProperties().getSchema().getType()).isEqualTo("string");
      assertThat(schema(DOWNLOAD, "spec.tolerations[]"))
          .isEqualTo(schema(MODEL_SERVER, "spec.tolerations[]"));
    }

    @Test
    void labelValuesHaveTheirLengthInTheSchemaSoTheirRuleIsCheapEnough() {
      for (CustomResourceDefinition crd : List.of(DOWNLOAD, MODEL_SERVER)) {
        for (String map : List.of("spec.nodeSelector", "spec.podMetadata.labels")) {
          assertThat(schema(crd, map).getAdditionalProperties().getSchema().getMaxLength())
              .as(map)
              .isEqualTo(63L);
        }
      }
      assertThat(
              schema(DOWNLOAD, "spec.podMetadata.annotations")
                  .getAdditionalProperties()
                  .getSchema()
                  .getMaxLength())
          .as("annotation values are not label values")
          .isNull();
    }

    @Test
    void placementIsMutable() {
      assertThat(rules(DOWNLOAD, "spec.nodeSelector"))
          .noneSatisfy(rule -> assertThat(rule.getRule()).contains("oldSelf"));
      assertThat(rules(DOWNLOAD, "spec.tolerations")).isEmpty();
      assertThat(rules(DOWNLOAD, "spec"))
          .noneSatisfy(rule -> assertThat(rule.getRule()).contains("oldSelf"));
    }

    @Test
    void printerColumnsAreSourcePhaseProgressSizeParamsAge() {
      assertColumns(
          DOWNLOAD,
          Map.of(
              "Source",
              ".status.source",
              "Phase",
              ".status.phase",
              "Progress",
              ".status.progress.percent",
              "Size",
              ".status.progress.bytesTotal",
              "Params",
              ".status.model.parametersRounded",
              "Age",
              ".metadata.creationTimestamp"),
          "Source",
          "Phase",
          "Progress",
          "Size",
          "Params",
          "Age");
    }
  }

  @Nested
  class ModelServers {

    @Test
    void shortNameIsMs() {
      assertThat(MODEL_SERVER.getSpec().getNames().getShortNames()).containsExactly("ms");
    }

    @Test
    void runtimeIsRequiredAndOneOfFive() {
      assertThat(schema(MODEL_SERVER, "spec").getRequired()).contains("runtime", "model");
      assertThat(schema(MODEL_SERVER, "spec.runtime").getEnum())
          .map(JsonNode::asText)
          .containsExactlyInAnyOrder("vllm", "sglang", "llamacpp", "ollama", "tgi");
    }

    @Test
    void modelIsExactlyOneOfDownloadRefOrUri() {
      assertRule(
          MODEL_SERVER,
          "spec.model",
          "has(self.downloadRef) != has(self.uri)",
          "exactly one of model.downloadRef or model.uri must be set");
    }

    @Test
    void modelFileOnlyWithDownloadRef() {
      assertRule(
          MODEL_SERVER,
          "spec.model",
          "!has(self.file) || has(self.downloadRef)",
          "model.file names a file inside model.downloadRef");
    }

    @Test
    void uriIsHfOllamaOrHttps() {
      assertThat(schema(MODEL_SERVER, "spec.model.uri").getPattern())
          .contains("hf://")
          .contains("ollama://")
          .contains("https?://");
    }

    @Test
    void replicasAreZeroToSixtyFourDefaultOne() {
      assertRange(schema(MODEL_SERVER, "spec.replicas"), 0, 64);
      assertThat(schema(MODEL_SERVER, "spec.replicas").getDefault().asInt()).isEqualTo(1);
    }

    @Test
    void adaptersOnlyWithVllmAndSglang() {
      assertRule(
          MODEL_SERVER,
          "spec",
          "self.runtime in ['vllm', 'sglang']",
          "adapters are only supported with runtimes vllm and sglang");
    }

    @Test
    void ollamaUrisOnlyWithOllama() {
      assertRule(
          MODEL_SERVER,
          "spec",
          "(self.runtime == 'ollama') == self.model.uri.startsWith('ollama://')",
          "model.uri ollama://<name>:<tag> works only with runtime ollama");
    }

    @Test
    void vllmSglangAndTgiLoadUrisOnlyFromHuggingFace() {
      assertRule(
          MODEL_SERVER,
          "spec",
          "self.model.uri.startsWith('hf://')",
          "runtimes vllm, sglang and tgi load model.uri only from hf://<org>/<repo>");
    }

    @Test
    void fitCheckDefaultsToTrue() {
      assertThat(schema(MODEL_SERVER, "spec.fitCheck").getDefault().asBoolean()).isTrue();
    }

    @Test
    void portIsAPort() {
      assertRange(schema(MODEL_SERVER, "spec.port"), 1, 65535);
    }

    @Test
    void autoscalingBoundsAreOneToSixtyFourMinAtMostMax() {
      assertRange(schema(MODEL_SERVER, "spec.autoscaling.minReplicas"), 1, 64);
      assertRange(schema(MODEL_SERVER, "spec.autoscaling.maxReplicas"), 1, 64);
      assertThat(schema(MODEL_SERVER, "spec.autoscaling.minReplicas").getDefault().asInt())
          .isEqualTo(1);
      assertThat(schema(MODEL_SERVER, "spec.autoscaling").getRequired())
          .containsExactlyInAnyOrder("maxReplicas", "metric", "targetPerReplica");
      assertRule(
          MODEL_SERVER,
          "spec.autoscaling",
          "self.minReplicas <= self.maxReplicas",
          "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas");
    }

    @Test
    void autoscalingTargetIsPositiveAndAShareForKvCache() {
      JSONSchemaProps target = schema(MODEL_SERVER, "spec.autoscaling.targetPerReplica");
      assertThat(target.getType()).isEqualTo("number");
      assertThat(target.getMinimum()).isEqualTo(0.0);
      assertThat(target.getExclusiveMinimum()).isTrue();
      assertRule(
          MODEL_SERVER,
          "spec.autoscaling",
          "self.metric != 'kvCache' || self.targetPerReplica <= 1.0",
          "autoscaling.targetPerReplica is a share of the KV cache");
      assertThat(schema(MODEL_SERVER, "spec.autoscaling.metric").getEnum())
          .map(JsonNode::asText)
          .containsExactlyInAnyOrder("running", "waiting", "kvCache");
    }

    @Test
    void autoscalingWindowsDefaultToHpasZeroAndThreeHundredSeconds() {
      assertThat(
              schema(MODEL_SERVER, "spec.autoscaling.scaleUpStabilizationSeconds")
                  .getDefault()
                  .asInt())
          .isZero();
      assertThat(
              schema(MODEL_SERVER, "spec.autoscaling.scaleDownStabilizationSeconds")
                  .getDefault()
                  .asInt())
          .isEqualTo(300);
      assertRange(schema(MODEL_SERVER, "spec.autoscaling.scaleDownStabilizationSeconds"), 0, 3600);
    }

    @Test
    void autoscalingIsRefusedWhereThereIsNoMetric() {
      assertRule(
          MODEL_SERVER,
          "spec",
          "!has(self.autoscaling) || self.runtime != 'ollama'",
          "autoscaling needs the server's Prometheus metrics, which runtime ollama does not expose");
      assertRule(
          MODEL_SERVER,
          "spec",
          "self.runtime == 'tgi' && self.autoscaling.metric == 'kvCache'",
          "autoscaling.metric kvCache is not exposed by runtime tgi");
    }

    @Test
    void scaleSubresourceUsesReplicasAndSelector() {
      var scale = GeneratedCrds.version(MODEL_SERVER).getSubresources().getScale();
      assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
      assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
      assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
    }

    @Test
    void printerColumnsAreRuntimeModelGpusReadyPhaseEndpointAge() {
      assertColumns(
          MODEL_SERVER,
          Map.of(
              "Runtime",
              ".spec.runtime",
              "Model",
              ".status.model",
              "GPUs",
              ".spec.resources.gpus",
              "Ready",
              ".status.readiness",
              "Phase",
              ".status.phase",
              "Endpoint",
              ".status.endpoint",
              "Age",
              ".metadata.creationTimestamp"),
          "Runtime",
          "Model",
          "GPUs",
          "Ready",
          "Phase",
          "Endpoint",
          "Age");
    }
  }

  @Nested
  class FineTuneJobs {

    @Test
    void shortNameIsFtj() {
      assertThat(FINE_TUNE_JOB.getSpec().getNames().getShortNames()).containsExactly("ftj");
    }

    @Test
    void baseModelDatasetAndOutputAreRequired() {
      assertThat(schema(FINE_TUNE_JOB, "spec").getRequired())
          .containsExactlyInAnyOrder("baseModel", "dataset", "output");
    }

    @Test
    void datasetFormatIsOneOfFour() {
      assertThat(schema(FINE_TUNE_JOB, "spec.dataset.format").getEnum())
          .map(JsonNode::asText)
          .containsExactlyInAnyOrder("alpaca", "sharegpt", "completion", "chat_template");
    }

    @Test
    void methodIsLoraQloraOrFull() {
      assertThat(schema(FINE_TUNE_JOB, "spec.method").getEnum())
          .map(JsonNode::asText)
          .containsExactlyInAnyOrder("lora", "qlora", "full");
    }

    @Test
    void epochsAreOneToHundred() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.epochs",
          "self >= 1 && self <= 100",
          "epochs must be an integer between 1 and 100");
    }

    @Test
    void learningRateIsAboveZeroAndAtMostOne() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.learningRate",
          "self > 0.0 && self <= 1.0",
          "learningRate must be greater than 0 and at most 1");
    }

    @Test
    void batchSizeIsOneTo1024() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.batchSize",
          "self >= 1 && self <= 1024",
          "batchSize must be an integer between 1 and 1024");
    }

    @Test
    void gradientAccumulationStepsAreOneTo1024() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.gradientAccumulationSteps",
          "self >= 1 && self <= 1024",
          "gradientAccumulationSteps must be an integer between 1 and 1024");
    }

    @Test
    void maxSeqLengthIs16To131072() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.maxSeqLength",
          "self >= 16 && self <= 131072",
          "maxSeqLength must be an integer between 16 and 131072");
    }

    @Test
    void loraRankIsOneTo1024() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.loraRank",
          "self >= 1 && self <= 1024",
          "loraRank must be an integer between 1 and 1024");
    }

    @Test
    void loraAlphaIsAnIntegerOneTo4096() {
      assertThat(schema(FINE_TUNE_JOB, "spec.hyperparameters.loraAlpha").getType())
          .isEqualTo("integer");
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.loraAlpha",
          "self >= 1 && self <= 4096",
          "loraAlpha must be an integer between 1 and 4096");
    }

    @Test
    void loraDropoutIsAtLeastZeroAndBelowOne() {
      assertRule(
          FINE_TUNE_JOB,
          "spec.hyperparameters.loraDropout",
          "self >= 0.0 && self < 1.0",
          "loraDropout must be at least 0 and below 1");
    }

    @Test
    void hyperparametersDefaultWhenOmitted() {
      assertThat(schema(FINE_TUNE_JOB, "spec.hyperparameters").getDefault().isObject()).isTrue();
      assertThat(schema(FINE_TUNE_JOB, "spec.hyperparameters.learningRate").getDefault().asDouble())
          .isEqualTo(0.0002);
      assertThat(schema(FINE_TUNE_JOB, "spec.hyperparameters.loraAlpha").getDefault().asInt())
          .isEqualTo(32);
    }

    @Test
    void atLeastOneGpu() {
      assertRule(
          FINE_TUNE_JOB, "spec", "self.resources.gpus >= 1", "resources.gpus must be at least 1");
    }

    @Test
    void backoffLimitIsZeroToTenDefaultTwo() {
      assertRange(schema(FINE_TUNE_JOB, "spec.backoffLimit"), 0, 10);
      assertThat(schema(FINE_TUNE_JOB, "spec.backoffLimit").getDefault().asInt()).isEqualTo(2);
    }

    @Test
    void gcKeepsOneFailedRunAndDeletesPartialOutputByDefault() {
      assertThat(schema(FINE_TUNE_JOB, "spec.gc.keepFailedRuns").getDefault().asInt()).isEqualTo(1);
      assertThat(schema(FINE_TUNE_JOB, "spec.gc.ttlSecondsAfterFailure").getDefault().asInt())
          .isEqualTo(3600);
      assertThat(schema(FINE_TUNE_JOB, "spec.gc.deletePartialOutput").getDefault().asBoolean())
          .isTrue();
    }

    @Test
    void specIsImmutableOnceARunExists() {
      assertRule(
          FINE_TUNE_JOB,
          "",
          "size(oldSelf.status.runs) == 0 || self.spec == oldSelf.spec",
          "spec is immutable once a run has started");
    }

    @Test
    void printerColumnsAreBaseMethodPhaseAttemptsAge() {
      assertColumns(
          FINE_TUNE_JOB,
          Map.of(
              "Base",
              ".spec.baseModel.downloadRef.name",
              "Method",
              ".spec.method",
              "Phase",
              ".status.phase",
              "Attempts",
              ".status.attempts",
              "Age",
              ".metadata.creationTimestamp"),
          "Base",
          "Method",
          "Phase",
          "Attempts",
          "Age");
    }
  }

  private static void assertRule(
      CustomResourceDefinition crd, String path, String ruleFragment, String messageStart) {
    assertThat(rules(crd, path))
        .as("CEL rules at %s", path.isEmpty() ? "the root" : path)
        .anySatisfy(
            rule -> {
              assertThat(rule.getRule()).contains(ruleFragment);
              assertThat(rule.getMessage()).startsWith(messageStart);
            });
  }

  private static void assertRange(JSONSchemaProps field, double minimum, double maximum) {
    assertThat(field.getMinimum()).isEqualTo(minimum);
    assertThat(field.getMaximum()).isEqualTo(maximum);
  }

  private static void assertColumns(
      CustomResourceDefinition crd, Map<String, String> paths, String... order) {
    List<CustomResourceColumnDefinition> columns =
        GeneratedCrds.version(crd).getAdditionalPrinterColumns();
    assertThat(columns).map(CustomResourceColumnDefinition::getName).containsExactly(order);
    assertThat(columns)
        .allSatisfy(c -> assertThat(c.getJsonPath()).isEqualTo(paths.get(c.getName())));
  }

  private static void collectUndescribed(
      JSONSchemaProps node, String path, List<String> undescribed) {
    if (node.getProperties() != null) {
      node.getProperties()
          .forEach(
              (name, child) -> {
                String childPath = path.isEmpty() ? name : path + "." + name;
                if (child.getDescription() == null || child.getDescription().isBlank()) {
                  undescribed.add(childPath);
                }
                collectUndescribed(child, childPath, undescribed);
              });
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      collectUndescribed(node.getItems().getSchema(), path + "[]", undescribed);
    }
    Stream.ofNullable(node.getAdditionalProperties())
        .filter(a -> a.getSchema() != null)
        .forEach(a -> collectUndescribed(a.getSchema(), path + "{}", undescribed));
  }
}
