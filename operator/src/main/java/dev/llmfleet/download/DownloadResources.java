package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.Storage;
import dev.llmfleet.cleanup.CleanupJobs;
import dev.llmfleet.common.Claims;
import dev.llmfleet.common.JarPods;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.OwnerReferences;
import dev.llmfleet.common.PodTemplates;
import dev.llmfleet.common.SecretEnvVars;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Desired objects of a Download, as pure functions of the resource and the operator's configuration. */
public final class DownloadResources {

  public static final String COMPONENT = "download";
  public static final String CLEANUP_COMPONENT = "download-cleanup";
  /** Where the claim is mounted in download pods. */
  public static final String MOUNT_PATH = "/data";
  /** Annotation on a Job the operator stopped, saying why. */
  public static final String STOP_REASON_ANNOTATION = "llmfleet.dev/stop-reason";

  private DownloadResources() {
  }

  public static String claimName(Download download) {
    Storage storage = download.getSpec().getStorage();
    return storage.getExistingClaim() != null ? storage.getExistingClaim() : download.getMetadata().getName() + "-data";
  }

  public static String path(Download download) {
    String subPath = download.getSpec().getStorage().getSubPath();
    return subPath != null ? subPath : download.getMetadata().getName();
  }

  public static String runName(Download download, int attempt) {
    return download.getMetadata().getName() + "-run-" + attempt;
  }

  static String serviceAccountName(Download download) {
    return download.getMetadata().getName() + "-downloader";
  }

  /** Only when spec.storage.size is set; an existing claim is used as is. */
  public static PersistentVolumeClaim claim(Download download) {
    return new PersistentVolumeClaimBuilder()
        .withMetadata(metadata(download, claimName(download)))
        .withSpec(Claims.spec(download.getSpec().getStorage()))
        .build();
  }

  /**
   * Removes the files of a Download that failed for good (spec.gc.deletePartialData): its whole folder. Placed like
   * the download pods, so that it can reach the volume where they wrote (a node-local volume, a tainted node).
   */
  public static Job cleanupJob(Download download, OperatorConfig config) {
    return CleanupJobs.job(download, CLEANUP_COMPONENT, download.getMetadata().getName() + "-cleanup",
        claimName(download), path(download), download.getSpec().getPodMetadata(), download.getSpec().getNodeSelector(),
        download.getSpec().getTolerations(), config);
  }

  /** The identity of download pods: it may read its own Download and report progress, nothing else. */
  public static ServiceAccount serviceAccount(Download download) {
    return new ServiceAccountBuilder().withMetadata(metadata(download, serviceAccountName(download))).build();
  }

  public static Role role(Download download) {
    String name = download.getMetadata().getName();
    return new RoleBuilder()
        .withMetadata(metadata(download, serviceAccountName(download)))
        .withRules(
            new PolicyRuleBuilder().withApiGroups(Download.GROUP).withResources("downloads")
                .withResourceNames(name).withVerbs("get").build(),
            new PolicyRuleBuilder().withApiGroups(Download.GROUP).withResources("downloads/status")
                .withResourceNames(name).withVerbs("get", "patch").build())
        .build();
  }

  public static RoleBinding roleBinding(Download download) {
    String name = serviceAccountName(download);
    return new RoleBindingBuilder()
        .withMetadata(metadata(download, name))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject().withKind("ServiceAccount").withName(name)
        .withNamespace(download.getMetadata().getNamespace()).endSubject()
        .build();
  }

  /** One run: the operator image in `download` mode, the claim at /data, no retries of its own. */
  public static Job job(Download download, int attempt, OperatorConfig config) {
    String name = runName(download, attempt);
    Map<String, String> labels = Labels.of(download, COMPONENT);
    labels.put(Labels.RUN, Integer.toString(attempt));
    PodMetadata podMetadata = download.getSpec().getPodMetadata();
    return new JobBuilder()
        .withMetadata(new ObjectMetaBuilder(metadata(download, name)).withLabels(labels).build())
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(PodTemplates.labels(podMetadata, labels))
        .withAnnotations(PodTemplates.annotations(podMetadata))
        .endMetadata()
        .withSpec(new PodSpecBuilder(JarPods.placed(JarPods.podSpec("download",
            List.of("download", "--namespace", download.getMetadata().getNamespace(),
                "--name", download.getMetadata().getName(), "--root", MOUNT_PATH),
            env(download, name, config), "250m", "192Mi", claimName(download), MOUNT_PATH, config),
            download.getSpec().getNodeSelector(), download.getSpec().getTolerations()))
            .withServiceAccountName(serviceAccountName(download))
            .build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<EnvVar> env(Download download, String runName, OperatorConfig config) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("LLMFLEET_RUN").withValue(runName).build());
    env.add(new EnvVarBuilder().withName("LLMFLEET_HF_ENDPOINT").withValue(config.hfEndpoint()).build());
    env.addAll(SecretEnvVars.of(download, download.getSpec().getSecrets()));
    return env;
  }

  private static ObjectMeta metadata(Download download, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(download.getMetadata().getNamespace())
        .withLabels(Labels.of(download, COMPONENT))
        .withOwnerReferences(OwnerReferences.controlledBy(download))
        .build();
  }
}
