package dev.llmfleet.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Adapter;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.AccessMode;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Toleration;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.modelserver.runtimes.AdapterLocation;
import dev.llmfleet.modelserver.runtimes.ModelLocation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Deployment of each runtime against a golden file in src/test/resources/golden/. After an
 * intended change, rerun with -Dgolden.update=true and review the diff.
 */
class ModelServerResourcesTest {

  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  static final OperatorConfig CONFIG =
      OperatorConfig.fromEnvironment(Map.of("LLMFLEET_IMAGE", "llmfleet:test"));
  static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void vllmWithTwoH100sAndAnAdapter() throws IOException {
    assertGolden("modelserver-vllm.yaml", onTwoH100sWithAnAdapter(Runtime.VLLM));
  }

  @Test
  void llamaCppOnCpusFromADownloadedGguf() throws IOException {
    ModelServer server = server(Runtime.LLAMA_CPP, 0, null);
    server.getSpec().setServedModelName("llama");
    server
        .getSpec()
        .setTolerations(
            List.of(
                Toleration.builder()
                    .key("dedicated")
                    .operator(Toleration.TolerationOperator.Equal)
                    .value("inference")
                    .effect(Toleration.TaintEffect.NoSchedule)
                    .build()));
    ModelLocation model =
        ModelLocation.ofDownload(
            "llama-data", "llama", "model-q4_k_m.gguf", AccessMode.ReadWriteOnce);

    assertGolden(
        "modelserver-llamacpp.yaml",
        ModelServerResources.deployment(server, model, List.of(), CONFIG));
  }

  @Test
  void ollamaPullingAModel() throws IOException {
    ModelServer server = server(Runtime.OLLAMA, 1, null);

    assertGolden(
        "modelserver-ollama.yaml",
        ModelServerResources.deployment(
            server, ModelLocation.ofUri("ollama://llama3.2:1b"), List.of(), CONFIG));
  }

  @Test
  void tgiShardedOverFourA10s() throws IOException {
    ModelServer server = server(Runtime.TGI, 4, "NVIDIA-A10G");
    server.getSpec().setArgs(List.of("--max-input-tokens", "4096"));

    assertGolden(
        "modelserver-tgi.yaml",
        ModelServerResources.deployment(
            server, ModelLocation.ofUri("hf://Qwen/Qwen2.5-7B-Instruct"), List.of(), CONFIG));
  }

  @Test
  void sglangWithTwoH100sAndAnAdapter() throws IOException {
    assertGolden("modelserver-sglang.yaml", onTwoH100sWithAnAdapter(Runtime.SGLANG));
  }

  @Test
  void aModelOnAReadWriteOnceClaimKeepsEveryPodOnTheNodeOfThePodsMountingIt() {
    ModelServer server = server(Runtime.VLLM, 1, "NVIDIA-H100-80GB-HBM3");
    server.getSpec().setReplicas(3);

    var template =
        ModelServerResources.deployment(
                server,
                ModelLocation.ofDownload("qwen-data", "qwen", null, AccessMode.ReadWriteOnce),
                List.of(),
                CONFIG)
            .getSpec()
            .getTemplate();

    assertThat(template.getMetadata().getLabels())
        .containsEntry("claim.llmfleet.dev/qwen-data", "mounted");
    assertThat(
            template
                .getSpec()
                .getAffinity()
                .getPodAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            term -> {
              assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
              assertThat(term.getLabelSelector().getMatchExpressions())
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getKey()).isEqualTo("claim.llmfleet.dev/qwen-data");
                        assertThat(e.getOperator()).isEqualTo("Exists");
                      });
            });
  }

  @Test
  void anAdapterOnAReadWriteOnceClaimKeepsThePodsWithItsOtherUsers() {
    ModelServer server = server(Runtime.VLLM, 1, "NVIDIA-H100-80GB-HBM3");

    var template =
        ModelServerResources.deployment(
                server,
                ModelLocation.ofDownload("qwen-data", "qwen", null, AccessMode.ReadOnlyMany),
                List.of(new AdapterLocation("bot", "adapters", "bot", AccessMode.ReadWriteOnce)),
                CONFIG)
            .getSpec()
            .getTemplate();

    assertThat(template.getMetadata().getLabels())
        .containsKey("claim.llmfleet.dev/adapters")
        .doesNotContainKey("claim.llmfleet.dev/qwen-data");
    assertThat(
            template
                .getSpec()
                .getAffinity()
                .getPodAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = AccessMode.class,
      names = {"ReadWriteMany", "ReadOnlyMany"})
  void claimsThatManyNodesMountLeaveThePodsFreeToSpread(AccessMode mode) {
    ModelServer server = server(Runtime.VLLM, 1, "NVIDIA-H100-80GB-HBM3");
    server.getSpec().setReplicas(3);

    assertThat(
            ModelServerResources.deployment(
                    server,
                    ModelLocation.ofDownload("qwen-data", "qwen", null, mode),
                    List.of(),
                    CONFIG)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity())
        .isNull();
    assertThat(
            ModelServerResources.deployment(
                    server, ModelLocation.ofUri("hf://Qwen/Qwen2.5-7B-Instruct"), List.of(), CONFIG)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity())
        .isNull();
  }

  /**
   * The Deployment of a downloaded Qwen2.5 7B on two H100s, serving the adapter support-bot beside
   * it.
   */
  static Deployment onTwoH100sWithAnAdapter(Runtime runtime) {
    ModelServer server = server(runtime, 2, "NVIDIA-H100-80GB-HBM3");
    server.getSpec().setAdapters(List.of(new Adapter("support-bot", new LocalRef("support-lora"))));
    ModelLocation model =
        ModelLocation.ofDownload("qwen-data", "qwen2.5-7b", null, AccessMode.ReadWriteMany);
    List<AdapterLocation> adapters =
        List.of(
            new AdapterLocation(
                "support-bot", "adapters", "support-lora", AccessMode.ReadOnlyMany));
    return ModelServerResources.deployment(server, model, adapters, CONFIG);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--tp", "--tp-size"})
  void sglangUserTensorParallelWins(String flag) {
    ModelServer server = server(Runtime.SGLANG, 4, null);
    server.getSpec().setArgs(List.of(flag, "2"));

    List<String> args = container(server, ModelLocation.ofUri("hf://Qwen/Qwen2.5-7B")).getArgs();

    assertThat(args).containsOnlyOnce(flag).endsWith(flag, "2").doesNotContain("4");
  }

  @Test
  void sglangServesAHuggingFaceRepoOnItsOwnPort() {
    ModelServer server = server(Runtime.SGLANG, 1, null);

    var container = container(server, ModelLocation.ofUri("hf://Qwen/Qwen2.5-7B-Instruct"));

    assertThat(container.getCommand()).containsExactly("python3", "-m", "sglang.launch_server");
    assertThat(container.getArgs())
        .containsExactly(
            "--model-path",
            "Qwen/Qwen2.5-7B-Instruct",
            "--served-model-name",
            "chat",
            "--host",
            "0.0.0.0",
            "--port",
            "30000",
            "--enable-metrics");
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(30000);
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
  }

  @Test
  void userTensorParallelSizeWins() {
    ModelServer server = server(Runtime.VLLM, 4, null);
    server.getSpec().setArgs(List.of("--tensor-parallel-size=2"));

    List<String> args = container(server, ModelLocation.ofUri("hf://Qwen/Qwen2.5-7B")).getArgs();

    assertThat(args).doesNotContain("--tensor-parallel-size").contains("--tensor-parallel-size=2");
  }

  @Test
  void ollamaModelNamesAreArgumentsNotScriptText() {
    ModelServer server = server(Runtime.OLLAMA, 0, null);
    String hostile = "llama3.2:1b; rm -rf /";

    var container = container(server, ModelLocation.ofUri("ollama://" + hostile));

    assertThat(container.getCommand().get(2)).doesNotContain(hostile);
    assertThat(container.getArgs()).containsExactly(hostile, "");
  }

  @ParameterizedTest
  @EnumSource(Runtime.class)
  void aFailingServersLogTailBecomesItsTerminationMessage(Runtime runtime) {
    var container = container(server(runtime, 0, null), aModelFor(runtime));

    assertThat(container.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
  }

  @ParameterizedTest
  @EnumSource(Runtime.class)
  void serverImagesAreNeverPulledWhenOnTheNode(Runtime runtime) {
    ModelServer server = server(runtime, 0, null);
    server.getSpec().setImage("local/server:latest");

    var containers =
        ModelServerResources.deployment(server, aModelFor(runtime), List.of(), CONFIG)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers();

    assertThat(containers).extracting(Container::getImagePullPolicy).containsOnly("IfNotPresent");
  }

  @Test
  void llamaCppServesADownloadedFileOnAllAddressesUnderItsAlias() {
    ModelServer server = server(Runtime.LLAMA_CPP, 0, null);
    server.getSpec().getResources().setCpu(null);

    assertThat(llamaCpp(server).getArgs())
        .containsExactly(
            "-m",
            "/models/model.gguf",
            "--host",
            "0.0.0.0",
            "--port",
            "8080",
            "--alias",
            "chat",
            "--metrics");
  }

  @ParameterizedTest
  @CsvSource({"4, 4", "2.5, 2", "500m, 1", "1, 1"})
  void llamaCppRunsAsManyThreadsAsWholeCpusOfItsLimit(String cpu, String threads) {
    ModelServer server = server(Runtime.LLAMA_CPP, 0, null);
    server.getSpec().getResources().setCpu(new Quantity(cpu));

    List<String> args = llamaCpp(server).getArgs();

    assertThat(args.subList(args.indexOf("--threads"), args.indexOf("--threads") + 2))
        .containsExactly("--threads", threads);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-t", "--threads", "--threads=3"})
  void llamaCppUserThreadsWin(String flag) {
    ModelServer server = server(Runtime.LLAMA_CPP, 0, null);
    server.getSpec().setArgs(flag.contains("=") ? List.of(flag) : List.of(flag, "3"));

    assertThat(llamaCpp(server).getArgs())
        .filteredOn(a -> a.equals("--threads") || a.equals("-t"))
        .hasSizeLessThanOrEqualTo(1);
    assertThat(llamaCpp(server).getArgs()).doesNotContain("4");
  }

  @Test
  void llamaCppWithoutGpusUsesTheCpuBuild() {
    assertThat(llamaCpp(server(Runtime.LLAMA_CPP, 0, null)).getImage())
        .isEqualTo("ghcr.io/ggml-org/llama.cpp:server-b6730");
    assertThat(llamaCpp(server(Runtime.LLAMA_CPP, 1, null)).getImage())
        .isEqualTo("ghcr.io/ggml-org/llama.cpp:server-cuda-b6730");
    ModelServer custom = server(Runtime.LLAMA_CPP, 0, null);
    custom.getSpec().setImage("llmfleet/llama-server:local");
    assertThat(llamaCpp(custom).getImage()).isEqualTo("llmfleet/llama-server:local");
  }

  @Test
  void llamaCppWritesOnlyIntoTheCacheVolume() {
    Container container = llamaCpp(server(Runtime.LLAMA_CPP, 0, null));

    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains("HOME=/cache", "LLAMA_CACHE=/cache/llama.cpp");
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/cache");
              assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            });
  }

  /**
   * /health answers 503 while the model loads: only the startup probe runs then, for up to an hour,
   * so a slow first load (a cold page cache on a small node) is never killed; liveness takes over
   * once it answered 200.
   */
  @Test
  void probesLeaveASlowLoadAlone() {
    Container container = llamaCpp(server(Runtime.LLAMA_CPP, 0, null));

    assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(
            container.getStartupProbe().getPeriodSeconds()
                * container.getStartupProbe().getFailureThreshold())
        .isGreaterThanOrEqualTo(3600);
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(container.getReadinessProbe().getTimeoutSeconds()).isGreaterThanOrEqualTo(5);
    assertThat(
            container.getLivenessProbe().getPeriodSeconds()
                * container.getLivenessProbe().getFailureThreshold())
        .isGreaterThanOrEqualTo(120);
    assertThat(container.getLivenessProbe().getTimeoutSeconds()).isGreaterThanOrEqualTo(5);
  }

  static Container llamaCpp(ModelServer server) {
    return container(
        server,
        ModelLocation.ofDownload("chat-data", "chat", "model.gguf", AccessMode.ReadWriteOnce));
  }

  /** The server's container in its Deployment, without adapters. */
  static Container container(ModelServer server, ModelLocation model) {
    return ModelServerResources.deployment(server, model, List.of(), CONFIG)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  /**
   * A model the runtime can serve: an Ollama name for Ollama, a Hugging Face repository for the
   * others.
   */
  static ModelLocation aModelFor(Runtime runtime) {
    return ModelLocation.ofUri(
        runtime == Runtime.OLLAMA ? "ollama://llama3.2:1b" : "hf://Qwen/Qwen2.5-7B");
  }

  @Test
  void endpointUsesTheRuntimesDefaultPortUnlessSet() {
    ModelServer server = server(Runtime.OLLAMA, 0, null);
    assertThat(ModelServerResources.endpoint(server))
        .isEqualTo("http://chat.models.svc.cluster.local:11434/v1");

    server.getSpec().setPort(9000);
    assertThat(ModelServerResources.endpoint(server))
        .isEqualTo("http://chat.models.svc.cluster.local:9000/v1");
  }

  @Test
  void aDottedNameGetsADns1035ServiceThatTheEndpointNames() {
    ModelServer server = server(Runtime.LLAMA_CPP, 0, null);
    server.getMetadata().setName("llama3.1-8b");

    String service = ModelServerResources.service(server).getMetadata().getName();

    assertThat(service)
        .matches("[a-z]([-a-z0-9]*[a-z0-9])?")
        .hasSizeLessThanOrEqualTo(63)
        .startsWith("llama3-1-8b-");
    assertThat(ModelServerResources.endpoint(server))
        .isEqualTo("http://" + service + ".models.svc.cluster.local:8080/v1");
    assertThat(
            ModelServerResources.deployment(server, aModelFor(Runtime.LLAMA_CPP), List.of(), CONFIG)
                .getMetadata()
                .getName())
        .isEqualTo("llama3.1-8b");
  }

  @Test
  void aNameLongerThanALabelGivesValidNamesAndLabels() {
    ModelServer server = server(Runtime.LLAMA_CPP, 0, null);
    server.getMetadata().setName("m".repeat(100));

    Deployment deployment =
        ModelServerResources.deployment(server, aModelFor(Runtime.LLAMA_CPP), List.of(), CONFIG);

    assertThat(deployment.getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
    assertThat(ModelServerResources.service(server).getMetadata().getName())
        .hasSizeLessThanOrEqualTo(63);
    assertThat(deployment.getSpec().getSelector().getMatchLabels().values())
        .allSatisfy(value -> assertThat(value).hasSizeLessThanOrEqualTo(63));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels().values())
        .allSatisfy(value -> assertThat(value).hasSizeLessThanOrEqualTo(63));
  }

  static ModelServer server(Runtime runtime, int gpus, String gpuType) {
    ModelServer server = new ModelServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName("chat").withNamespace("models").withUid("uid-1").build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(runtime)
            .model(ModelSource.builder().uri("hf://Qwen/Qwen2.5-7B-Instruct").build())
            .replicas(1)
            .resources(
                Resources.builder()
                    .gpus(gpus)
                    .gpuType(gpuType)
                    .cpu(new Quantity("4"))
                    .memory(new Quantity("32Gi"))
                    .build())
            .build());
    return server;
  }

  static void assertGolden(String name, Deployment deployment) throws IOException {
    String actual = YAML.asYaml(deployment);
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    assertThat(actual)
        .as("golden file %s (rerun with -Dgolden.update=true after an intended change)", file)
        .isEqualTo(Files.readString(file));
  }
}
