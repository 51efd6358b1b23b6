package dev.llmfleet.finetune;

import static dev.llmfleet.finetune.FineTuneJobs.CONFIG;
import static dev.llmfleet.finetune.FineTuneJobs.INPUTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneMethod;
import dev.llmfleet.api.v1alpha1.common.AccessMode;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.api.v1alpha1.common.SecretKeyRef;
import dev.llmfleet.common.PodTemplates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuneResourcesTest {

  @TempDir Path tmp;

  @Test
  void runJobTrainsThenPromotesWithPathsAsArguments() {
    Job job = FineTuneResources.job(FineTuneJobs.job(FineTuneMethod.LORA), 2, INPUTS, CONFIG);

    assertThat(job.getMetadata().getName()).isEqualTo("support-lora-train-2");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "fine-tune")
        .containsEntry("llmfleet.dev/run", "2");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    Container trainer = pod(job).getContainers().get(0);
    assertThat(trainer.getImage()).isEqualTo(FineTuneResources.DEFAULT_IMAGE);
    assertThat(trainer.getCommand())
        .containsExactly(
            "/bin/sh",
            "-c",
            FineTuneResources.TRAIN_SCRIPT,
            "trainer",
            "/config/config.yaml",
            "/output/support-lora/.runs/2",
            "/output/support-lora");
    assertThat(trainer.getArgs()).isEmpty();
  }

  /**
   * The whole run Job against src/test/resources/golden/finetune-run-job.yaml (see {@link
   * TrainerConfigTest}).
   */
  @Test
  void runJobMatchesItsGoldenFile() throws IOException {
    Job job = FineTuneResources.job(FineTuneJobs.job(FineTuneMethod.LORA), 1, INPUTS, CONFIG);

    TrainerConfigTest.assertGolden(
        "finetune-run-job.yaml", new KubernetesSerialization().asYaml(job));
  }

  @Test
  void userStringsNeverReachTheScriptText() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.LORA);
    spec.getSpec().getOutput().getStorage().setSubPath("a$(reboot)`id`");

    Container trainer = pod(FineTuneResources.job(spec, 1, INPUTS, CONFIG)).getContainers().get(0);

    assertThat(trainer.getCommand().get(2))
        .isEqualTo(FineTuneResources.TRAIN_SCRIPT)
        .doesNotContain("reboot");
    assertThat(trainer.getCommand()).contains("/output/a$(reboot)`id`");
  }

  @Test
  void inputsAreMountedReadOnlyFromTheDownloadsFoldersAndTheOutputReadWrite() {
    PodSpec pod =
        pod(FineTuneResources.job(FineTuneJobs.job(FineTuneMethod.LORA), 1, INPUTS, CONFIG));
    List<VolumeMount> mounts = pod.getContainers().get(0).getVolumeMounts();

    assertThat(mount(mounts, "/inputs/model"))
        .satisfies(
            m -> {
              assertThat(m.getSubPath()).isEqualTo("qwen2.5-7b");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(mount(mounts, "/inputs/data"))
        .satisfies(
            m -> {
              assertThat(m.getSubPath()).isEqualTo("tickets");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(mount(mounts, "/output").getReadOnly()).isNull();
    assertThat(mount(mounts, "/config").getReadOnly()).isTrue();
    assertThat(
            volume(pod, mount(mounts, "/inputs/model")).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("models");
    assertThat(volume(pod, mount(mounts, "/inputs/data")).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("datasets");
    assertThat(volume(pod, mount(mounts, "/output")).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("adapters");
    assertThat(volume(pod, mount(mounts, "/config")).getConfigMap().getName())
        .isEqualTo("support-lora-train-1");
    assertThat(volume(pod, mount(mounts, "/dev/shm")).getEmptyDir().getMedium())
        .isEqualTo("Memory");
  }

  @Test
  void runsOnTheRequestedGpusLikeAModelServer() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.QLORA);
    spec.getSpec().setActiveDeadlineSeconds(7200L);
    spec.getSpec().getResources().setGpus(4);

    Job job = FineTuneResources.job(spec, 1, INPUTS, CONFIG);

    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(7200L);
    PodSpec pod = pod(job);
    assertThat(pod.getNodeSelector())
        .containsExactly(Map.entry("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB"));
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    assertThat(pod.getContainers().get(0).getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("4"));
  }

  @Test
  void podsCarryPodMetadataAndSecretsOnlyByReference() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.LORA);
    spec.getSpec().setImage("registry.local/axolotl:pinned");
    spec.getSpec()
        .setPodMetadata(
            PodMetadata.builder()
                .labels(Map.of("team", "research"))
                .annotations(Map.of("sidecar.istio.io/inject", "false"))
                .build());
    spec.getSpec()
        .setSecrets(
            List.of(
                SecretEnv.builder()
                    .name("WANDB_API_KEY")
                    .secretKeyRef(new SecretKeyRef("wandb", "apiKey"))
                    .build()));

    Job job = FineTuneResources.job(spec, 1, INPUTS, CONFIG);

    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "research")
        .containsEntry("app.kubernetes.io/instance", "support-lora");
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false");
    Container trainer = pod(job).getContainers().get(0);
    assertThat(trainer.getImage()).isEqualTo("registry.local/axolotl:pinned");
    assertThat(trainer.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("WANDB_API_KEY");
              assertThat(env.getValue()).isNull();
              // Every entry reads the Secret the operator syncs, key = variable name.
              assertThat(env.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("support-lora-fine-tune-env");
              assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("WANDB_API_KEY");
            });
  }

  @Test
  void aRunGoesToTheNodeOfThePodsHoldingItsReadWriteOnceClaims() {
    Job run = FineTuneResources.job(FineTuneJobs.job(FineTuneMethod.LORA), 1, INPUTS, CONFIG);

    // The base model's claim (ReadWriteOnce) and the output claim (the default); the data set's is
    // ReadWriteMany.
    assertThat(run.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("claim.llmfleet.dev/models", "mounted")
        .containsKey(
            "claim.llmfleet.dev/"
                + FineTuneResources.claimName(FineTuneJobs.job(FineTuneMethod.LORA)))
        .doesNotContainKey("claim.llmfleet.dev/datasets");
    assertThat(
            pod(run)
                .getAffinity()
                .getPodAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .hasSize(2)
        .allSatisfy(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
  }

  @Test
  void trainerMeetsTheRestrictedLevelWithEveryCacheInScratch() {
    PodSpec pod =
        pod(FineTuneResources.job(FineTuneJobs.job(FineTuneMethod.LORA), 1, INPUTS, CONFIG));
    Container trainer = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext()).isEqualTo(PodTemplates.restrictedPod());
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(trainer.getSecurityContext()).isEqualTo(PodTemplates.restrictedContainer());
    assertThat(trainer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(volume(pod, mount(trainer.getVolumeMounts(), "/tmp")).getEmptyDir()).isNotNull();
    assertThat(trainer.getWorkingDir()).isEqualTo("/tmp");
    Map<String, String> env = new HashMap<>();
    trainer.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    assertThat(env)
        .containsEntry("HOME", "/tmp")
        .containsEntry("USER", "trainer")
        .containsEntry("XDG_CACHE_HOME", "/tmp/.cache")
        .containsEntry("HF_HOME", "/tmp/huggingface")
        .containsEntry("TRITON_CACHE_DIR", "/tmp/triton")
        .containsEntry("TORCHINDUCTOR_CACHE_DIR", "/tmp/torchinductor")
        .containsEntry("HF_HUB_OFFLINE", "1");
    assertThat(TrainerConfig.render(FineTuneJobs.job(FineTuneMethod.LORA), 1))
        .as("the prepared data set goes to scratch too")
        .contains("dataset_prepared_path: /tmp/prepared");
  }

  @Test
  void configMapHoldsTheRunsTrainerConfig() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.LORA);

    var configMap = FineTuneResources.configMap(spec, 3);

    assertThat(configMap.getMetadata().getName()).isEqualTo("support-lora-train-3");
    assertThat(configMap.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("uid-1"));
    assertThat(configMap.getData())
        .containsExactly(Map.entry("config.yaml", TrainerConfig.render(spec, 3)));
  }

  @Test
  void outputClaimOutlivesTheFineTuneJob() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.LORA);
    spec.getSpec().getOutput().getStorage().setExistingClaim(null);
    spec.getSpec().getOutput().getStorage().setSize(new Quantity("20Gi"));
    spec.getSpec().getOutput().getStorage().setAccessMode(AccessMode.ReadWriteOnce);

    var claim = FineTuneResources.claim(spec);

    assertThat(claim.getMetadata().getName()).isEqualTo("support-lora-output");
    assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("20Gi"));
    assertThat(FineTuneResources.claimName(spec)).isEqualTo("support-lora-output");
  }

  @Test
  void trainerAndCleanupAreNeverPulledWhenTheImageIsOnTheNode() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.LORA);

    assertThat(pod(FineTuneResources.job(spec, 1, INPUTS, CONFIG)).getContainers())
        .extracting(Container::getImagePullPolicy)
        .containsOnly("IfNotPresent");
    assertThat(pod(FineTuneResources.cleanupJob(spec, 1, CONFIG)).getContainers())
        .extracting(Container::getImagePullPolicy)
        .containsOnly("IfNotPresent");
  }

  @Test
  void cleanupJobRemovesTheRunsFolderWithTheOperatorImage() {
    FineTuneJob spec = FineTuneJobs.job(FineTuneMethod.LORA);
    spec.getSpec().getOutput().getStorage().setSubPath("adapters/support");

    Job cleanup = FineTuneResources.cleanupJob(spec, 2, CONFIG);

    assertThat(cleanup.getMetadata().getName()).isEqualTo("support-lora-cleanup-2");
    assertThat(cleanup.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "fine-tune-cleanup")
        .doesNotContainKey("llmfleet.dev/run");
    Container container = pod(cleanup).getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("llmfleet:test");
    assertThat(container.getArgs())
        .containsExactly("cleanup", "--root", "/volume", "--path", "adapters/support/.runs/2");
    assertThat(
            volume(pod(cleanup), mount(container.getVolumeMounts(), "/volume"))
                .getPersistentVolumeClaim()
                .getClaimName())
        .isEqualTo("adapters");
    assertThat(pod(cleanup).getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod(cleanup).getAutomountServiceAccountToken())
        .as("cleanup only removes files")
        .isFalse();
  }

  @Test
  void trainScriptPromotesTheRunsFilesAndLeavesOtherRunsAlone() throws Exception {
    Path result = Files.createDirectories(tmp.resolve("output/support-lora"));
    Files.writeString(result.resolve("adapter_model.safetensors"), "old");
    Path otherRun = Files.createDirectories(result.resolve(".runs/1"));
    Path run = result.resolve(".runs/2");

    Process process =
        train(
            "echo new > \"$run/adapter_model.safetensors\"; mkdir \"$run/checkpoint-5\";"
                + " echo {} > \"$run/.meta\"",
            run,
            result);

    assertThat(process.exitValue()).as(output(process)).isZero();
    assertThat(Files.readString(result.resolve("adapter_model.safetensors"))).isEqualTo("new\n");
    assertThat(result.resolve("checkpoint-5")).isDirectory();
    assertThat(result.resolve(".meta")).exists();
    assertThat(run).doesNotExist();
    assertThat(otherRun).isDirectory();
  }

  @Test
  void trainScriptPromotesNothingWhenTrainingFails() throws Exception {
    Path result = Files.createDirectories(tmp.resolve("output/support-lora"));
    Path run = result.resolve(".runs/1");

    Process process =
        train("echo partial > \"$run/adapter_model.safetensors\"; exit 3", run, result);

    assertThat(process.exitValue()).isEqualTo(3);
    assertThat(result.resolve("adapter_model.safetensors")).doesNotExist();
    assertThat(run.resolve("adapter_model.safetensors")).exists();
  }

  /**
   * Runs TRAIN_SCRIPT as the container would, with a stand-in axolotl that knows the run's folder
   * as $run.
   */
  private Process train(String fakeTraining, Path run, Path result) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path axolotl = bin.resolve("axolotl");
    Files.writeString(axolotl, "#!/bin/sh\nrun='" + run + "'\n" + fakeTraining + "\n");
    Files.setPosixFilePermissions(axolotl, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command =
        new ArrayList<>(
            List.of(
                "/bin/sh",
                "-c",
                FineTuneResources.TRAIN_SCRIPT,
                "trainer",
                tmp.resolve("config.yaml").toString(),
                run.toString(),
                result.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process;
  }

  private static String output(Process process) throws IOException {
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static PodSpec pod(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }

  private static VolumeMount mount(List<VolumeMount> mounts, String path) {
    return mounts.stream().filter(m -> m.getMountPath().equals(path)).findFirst().orElseThrow();
  }

  private static Volume volume(PodSpec pod, VolumeMount mount) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName()))
        .findFirst()
        .orElseThrow();
  }
}
