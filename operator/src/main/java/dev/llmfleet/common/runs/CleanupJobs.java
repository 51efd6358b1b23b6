package dev.llmfleet.common.runs;

import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.common.JarPods;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.OwnerReferences;
import dev.llmfleet.common.PodTemplates;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

/**
 * The Job that runs the in-pod {@code cleanup} command ({@code dev.llmfleet.inpod.cleanup}) in the
 * operator's image against one claim.
 */
public final class CleanupJobs {

  /** Where the claim is mounted in cleanup pods. */
  public static final String MOUNT_PATH = "/volume";

  /** Long enough to read why a cleanup failed, short enough not to pile up. */
  static final int TTL_SECONDS_AFTER_FINISHED = 600;

  private CleanupJobs() {}

  /**
   * @param component the app.kubernetes.io/component of the Job and its pod
   * @param path the folder to remove, relative to the claim's root
   * @param nodeSelector where the pod may run (where the data is), or null
   * @param tolerations taints the pod tolerates, or null
   */
  public static Job job(
      HasMetadata owner,
      String component,
      String name,
      String claimName,
      String path,
      PodMetadata podMetadata,
      Map<String, String> nodeSelector,
      List<dev.llmfleet.api.v1alpha1.common.Toleration> tolerations,
      OperatorConfig config) {
    Map<String, String> labels = Labels.of(owner, component);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(OwnerReferences.controlledBy(owner))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(2)
        .withActiveDeadlineSeconds(600L)
        .withTtlSecondsAfterFinished(TTL_SECONDS_AFTER_FINISHED)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(PodTemplates.labels(podMetadata, labels))
        .withAnnotations(PodTemplates.annotations(podMetadata))
        .endMetadata()
        // It only removes files: no ServiceAccount token in the pod, so nothing in it can call the
        // API server.
        .withSpec(
            new PodSpecBuilder(
                    JarPods.placed(
                        JarPods.podSpec(
                            "cleanup",
                            List.of("cleanup", "--root", MOUNT_PATH, "--path", path),
                            List.of(),
                            "50m",
                            "128Mi",
                            claimName,
                            MOUNT_PATH,
                            config),
                        nodeSelector,
                        tolerations))
                .withAutomountServiceAccountToken(false)
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }
}
