package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.common.ClaimAffinity;
import dev.llmfleet.common.Claims;
import dev.llmfleet.common.FolderWriters;
import dev.llmfleet.common.GpuPlacement;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.OwnerReferences;
import dev.llmfleet.common.PodTemplates;
import dev.llmfleet.common.SecretEnvVars;
import dev.llmfleet.common.names.FineTuneJobNames;
import dev.llmfleet.common.runs.CleanupJobs;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Desired objects of a FineTuneJob, as pure functions of the resource, its inputs and the
 * operator's config.
 */
public final class FineTuneResources {

  public static final String COMPONENT = "fine-tune";
  public static final String CLEANUP_COMPONENT = "fine-tune-cleanup";

  /**
   * axolotl, pinned. The tag follows axolotl's naming
   * (main-&lt;date&gt;-py&lt;python&gt;-cu&lt;cuda&gt;-&lt;torch&gt;), but no test here pulls it:
   * the test cluster runs no containers. Whether it starts as the pod's non-root user is untested
   * too; README's security section says why it may not, and the way around.
   */
  public static final String DEFAULT_IMAGE = "axolotlai/axolotl:main-20250901-py3.11-cu126-2.7.1";

  public static final String MODEL_MOUNT = "/inputs/model";
  public static final String DATA_MOUNT = "/inputs/data";
  public static final String OUTPUT_MOUNT = "/output";
  public static final String CONFIG_MOUNT = "/config";

  /**
   * Writable scratch space (caches, the prepared data set) and HOME; the root filesystem is
   * read-only.
   */
  public static final String SCRATCH_MOUNT = "/tmp";

  /**
   * Where the trainer's libraries write by default, all moved into scratch: the image's HOME
   * belongs to another user (axolotl's images build as root) and its root filesystem is read-only
   * here. HOME also covers what reads ~ only (matplotlib, wandb's settings, Triton's autotune
   * cache).
   */
  static final Map<String, String> SCRATCH_ENV = scratchEnv();

  /**
   * Where each run writes, inside the output folder; a successful run's files are promoted out of
   * it.
   */
  static final String RUNS_FOLDER = ".runs";

  /**
   * What a run's container runs: train, then move the run's files into the output folder, each by
   * one rename, so a server never finds a half-written file where it looks. Paths come as arguments
   * ($1 config, $2 the run's folder, $3 the output folder), never inside the script text. The umask
   * keeps the files writable for the volume's group (fsGroup), so that a pod of another user in
   * that group can still remove a failed run's files.
   */
  static final String TRAIN_SCRIPT =
      """
      set -eu
      umask 0002
      config="$1"; run="$2"; result="$3"
      mkdir -p "$run"
      axolotl train "$config"
      for entry in "$run"/* "$run"/.[!.]*; do
        [ -e "$entry" ] || continue
        name="${entry##*/}"
        [ "$name" != .runs ] || continue
        rm -rf "${result:?}/$name"
        mv "$entry" "$result/$name"
      done
      rmdir "$run"
      """;

  private FineTuneResources() {}

  public static String runName(FineTuneJob job, int attempt) {
    return FineTuneJobNames.run(job, attempt);
  }

  public static String cleanupName(FineTuneJob job, int attempt) {
    return FineTuneJobNames.cleanup(job, attempt);
  }

  public static String claimName(FineTuneJob job) {
    return FineTuneJobNames.claim(job);
  }

  /** The output folder inside the claim, where the result lands. */
  public static String outputPath(FineTuneJob job) {
    String subPath = job.getSpec().getOutput().getStorage().getSubPath();
    return subPath != null ? subPath : job.getMetadata().getName();
  }

  /** The FineTuneJob as a writer into its output folder. */
  public static FolderWriters.Writer writer(FineTuneJob job) {
    return new FolderWriters.Writer(
        "FineTuneJob",
        job.getMetadata().getName(),
        Objects.requireNonNullElse(job.getMetadata().getCreationTimestamp(), ""),
        claimName(job),
        outputPath(job),
        job.getStatus() != null
            && job.getStatus().getRuns() != null
            && !job.getStatus().getRuns().isEmpty());
  }

  /** A run's folder inside the claim. */
  static String partialOutput(FineTuneJob job, int attempt) {
    return outputPath(job) + "/" + RUNS_FOLDER + "/" + attempt;
  }

  /** A run's folder as its container sees it. */
  public static String runDirectory(FineTuneJob job, int attempt) {
    return OUTPUT_MOUNT + "/" + partialOutput(job, attempt);
  }

  public static String image(FineTuneJob job) {
    String image = job.getSpec().getImage();
    return image == null || image.isBlank() ? DEFAULT_IMAGE : image;
  }

  /** Only when output.storage.size is set; an existing claim is used as is. */
  public static PersistentVolumeClaim claim(FineTuneJob job) {
    Storage storage = job.getSpec().getOutput().getStorage();
    return new PersistentVolumeClaimBuilder()
        // No owner: the trained result outlives the FineTuneJob (a server may serve it).
        .withNewMetadata()
        .withName(claimName(job))
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(Labels.of(job, COMPONENT))
        .endMetadata()
        .withSpec(Claims.spec(storage))
        .build();
  }

  /** The trainer's configuration of one run, named like the run. */
  public static ConfigMap configMap(FineTuneJob job, int attempt) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(job, runName(job, attempt), attempt))
        .addToData(TrainerConfig.FILE, TrainerConfig.render(job, attempt))
        .build();
  }

  /**
   * One run on GPU nodes: the inputs read-only, the output claim read-write, no retries of its own.
   *
   * <p>The pod meets the restricted Pod Security level like every other pod of the operator: a
   * fixed non-root user, whatever the image's USER, and a read-only root filesystem. Every path the
   * trainer writes by default (caches of Hugging Face, Triton, torch) is pointed at the scratch
   * emptyDir ({@link #SCRATCH_ENV}).
   */
  public static Job job(
      FineTuneJob job, int attempt, FineTuneInputs inputs, OperatorConfig config) {
    var spec = job.getSpec();
    String name = runName(job, attempt);
    ObjectMeta metadata = metadata(job, name, attempt);
    PodMetadata podMetadata = spec.getPodMetadata();
    return new JobBuilder()
        .withMetadata(metadata)
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(spec.getActiveDeadlineSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(
            PodTemplates.labels(
                podMetadata, withClaimLabels(metadata.getLabels(), mounts(job, inputs))))
        .withAnnotations(PodTemplates.annotations(podMetadata))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        // Inputs or output on a ReadWriteOnce claim that a server or another run holds: train on
        // that node.
        .withAffinity(ClaimAffinity.affinity(mounts(job, inputs)))
        .withNodeSelector(GpuPlacement.nodeSelector(spec.getResources(), null, config))
        .withTolerations(GpuPlacement.tolerations(spec.getResources(), null, config))
        .withSecurityContext(PodTemplates.restrictedPod())
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName("trainer")
        .withImage(image(job))
        .withImagePullPolicy(PodTemplates.IMAGE_PULL_POLICY)
        .withCommand(
            "/bin/sh",
            "-c",
            TRAIN_SCRIPT,
            "trainer",
            CONFIG_MOUNT + "/" + TrainerConfig.FILE,
            runDirectory(job, attempt),
            OUTPUT_MOUNT + "/" + outputPath(job))
        .withWorkingDir(SCRATCH_MOUNT)
        .withEnv(env(job, name))
        .withResources(GpuPlacement.requirements(spec.getResources(), config))
        .addNewVolumeMount()
        .withName("model")
        .withMountPath(MODEL_MOUNT)
        .withSubPath(inputs.model().path())
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath(DATA_MOUNT)
        .withSubPath(inputs.data().path())
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("output")
        .withMountPath(OUTPUT_MOUNT)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("config")
        .withMountPath(CONFIG_MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("scratch")
        .withMountPath(SCRATCH_MOUNT)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("shm")
        .withMountPath("/dev/shm")
        .endVolumeMount()
        .withSecurityContext(PodTemplates.restrictedContainer())
        .endContainer()
        .addNewVolume()
        .withName("model")
        .withNewPersistentVolumeClaim()
        .withClaimName(inputs.model().claimName())
        .withReadOnly(true)
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("data")
        .withNewPersistentVolumeClaim()
        .withClaimName(inputs.data().claimName())
        .withReadOnly(true)
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("output")
        .withNewPersistentVolumeClaim()
        .withClaimName(claimName(job))
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName(name)
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("scratch")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        // PyTorch data loaders and NCCL exchange tensors through shared memory; a container's
        // default is 64 MiB.
        .addNewVolume()
        .withName("shm")
        .withNewEmptyDir()
        .withMedium("Memory")
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The claims a run mounts, for {@link ClaimAffinity}. */
  static List<ClaimAffinity.Mount> mounts(FineTuneJob job, FineTuneInputs inputs) {
    return List.of(
        new ClaimAffinity.Mount(inputs.model().claimName(), inputs.model().accessMode()),
        new ClaimAffinity.Mount(inputs.data().claimName(), inputs.data().accessMode()),
        new ClaimAffinity.Mount(
            claimName(job), job.getSpec().getOutput().getStorage().getAccessMode()));
  }

  private static Map<String, String> withClaimLabels(
      Map<String, String> own, List<ClaimAffinity.Mount> mounts) {
    Map<String, String> labels = new LinkedHashMap<>(ClaimAffinity.labels(mounts));
    labels.putAll(own);
    return labels;
  }

  /** Removes a collected run's folder. */
  public static Job cleanupJob(FineTuneJob job, int attempt, OperatorConfig config) {
    return CleanupJobs.job(
        job,
        CLEANUP_COMPONENT,
        cleanupName(job, attempt),
        claimName(job),
        partialOutput(job, attempt),
        job.getSpec().getPodMetadata(),
        null,
        null,
        config);
  }

  private static Map<String, String> scratchEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", SCRATCH_MOUNT);
    // The user has no passwd entry; Python's getpass.getuser(), which torch calls, reads USER
    // first.
    env.put("USER", "trainer");
    // torch hub and extensions, DeepSpeed's compiled ops, pip, bitsandbytes.
    env.put("XDG_CACHE_HOME", SCRATCH_MOUNT + "/.cache");
    // Hub and datasets caches: datasets writes its Arrow files here while preparing the data set.
    env.put("HF_HOME", SCRATCH_MOUNT + "/huggingface");
    env.put("TRITON_CACHE_DIR", SCRATCH_MOUNT + "/triton");
    env.put("TORCHINDUCTOR_CACHE_DIR", SCRATCH_MOUNT + "/torchinductor");
    return Collections.unmodifiableMap(env);
  }

  private static List<EnvVar> env(FineTuneJob job, String runName) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("LLMFLEET_RUN").withValue(runName).build());
    SCRATCH_ENV.forEach(
        (name, value) -> env.add(new EnvVarBuilder().withName(name).withValue(value).build()));
    // The inputs are local: a stray Hub lookup should fail at once, not hang or fetch other
    // weights.
    env.add(new EnvVarBuilder().withName("HF_HUB_OFFLINE").withValue("1").build());
    env.addAll(SecretEnvVars.of(job, job.getSpec().getSecrets()));
    return env;
  }

  private static ObjectMeta metadata(FineTuneJob job, String name, int attempt) {
    Map<String, String> labels = Labels.of(job, COMPONENT);
    labels.put(Labels.RUN, Integer.toString(attempt));
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(OwnerReferences.controlledBy(job))
        .build();
  }
}
