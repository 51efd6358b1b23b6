package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.CaBundle;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProxy;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import dev.llmfleet.api.v1alpha1.common.SecretEnv;
import dev.llmfleet.common.Claims;
import dev.llmfleet.common.FolderWriters;
import dev.llmfleet.common.JarPods;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.OwnerReferences;
import dev.llmfleet.common.PodTemplates;
import dev.llmfleet.common.SecretEnvVars;
import dev.llmfleet.common.names.DownloadNames;
import dev.llmfleet.common.runs.CleanupJobs;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Desired objects of a Download, as pure functions of the resource and the operator's
 * configuration.
 */
public final class DownloadResources {

  public static final String COMPONENT = "download";
  public static final String CLEANUP_COMPONENT = "download-cleanup";

  /** Where the claim is mounted in download pods. */
  public static final String MOUNT_PATH = "/data";

  /**
   * Where the CA bundle is mounted in download pods, and the file the downloader reads
   * (LLMFLEET_CA_BUNDLE).
   */
  public static final String CA_MOUNT_PATH = "/etc/llmfleet/ca";

  public static final String CA_FILE = CA_MOUNT_PATH + "/ca.crt";
  private static final String CA_VOLUME = "ca-bundle";

  /** Annotation on a Job the operator stopped, saying why. */
  public static final String STOP_REASON_ANNOTATION = "llmfleet.dev/stop-reason";

  private DownloadResources() {}

  public static String claimName(Download download) {
    return DownloadNames.claim(download);
  }

  public static String path(Download download) {
    String subPath = download.getSpec().getStorage().getSubPath();
    return subPath != null ? subPath : download.getMetadata().getName();
  }

  /** The Download as a writer into its folder. */
  public static FolderWriters.Writer writer(Download download) {
    return new FolderWriters.Writer(
        "Download",
        download.getMetadata().getName(),
        Objects.requireNonNullElse(download.getMetadata().getCreationTimestamp(), ""),
        claimName(download),
        path(download),
        download.getStatus() != null
            && download.getStatus().getRuns() != null
            && !download.getStatus().getRuns().isEmpty());
  }

  public static String runName(Download download, int attempt) {
    return DownloadNames.run(download, attempt);
  }

  static String serviceAccountName(Download download) {
    return DownloadNames.serviceAccount(download);
  }

  /**
   * Only when spec.storage.size is set; an existing claim is used as is. The ModelServers that read
   * it own it too (not as controller, not blocking): Kubernetes deletes an object only once all its
   * owners are gone, so a Download deleted while a server reads its claim leaves the claim, and the
   * files, until the last of them goes. A server then keeps working at its next roll-out instead of
   * waiting for a claim that no longer exists.
   *
   * @param readers the ModelServers whose spec.model.downloadRef names this Download
   */
  public static PersistentVolumeClaim claim(Download download, List<ModelServer> readers) {
    List<OwnerReference> owners = new ArrayList<>();
    owners.add(OwnerReferences.controlledBy(download));
    readers.stream()
        .sorted(Comparator.comparing(server -> server.getMetadata().getName()))
        .map(OwnerReferences::usedBy)
        .forEach(owners::add);
    return new PersistentVolumeClaimBuilder()
        .withMetadata(
            new ObjectMetaBuilder(metadata(download, claimName(download)))
                .withOwnerReferences(owners)
                .build())
        .withSpec(Claims.spec(download.getSpec().getStorage()))
        .build();
  }

  /**
   * Removes the files of a Download that failed for good (spec.gc.deletePartialData): its whole
   * folder. Placed like the download pods, so that it can reach the volume where they wrote (a
   * node-local volume, a tainted node).
   */
  public static Job cleanupJob(Download download, OperatorConfig config) {
    return CleanupJobs.job(
        download,
        CLEANUP_COMPONENT,
        DownloadNames.cleanup(download),
        claimName(download),
        path(download),
        download.getSpec().getPodMetadata(),
        download.getSpec().getNodeSelector(),
        download.getSpec().getTolerations(),
        config);
  }

  /**
   * The identity of download pods: it may read its own Download and report progress (an apply to
   * its status), nothing else.
   */
  public static ServiceAccount serviceAccount(Download download) {
    return new ServiceAccountBuilder()
        .withMetadata(metadata(download, serviceAccountName(download)))
        .build();
  }

  public static Role role(Download download) {
    String name = download.getMetadata().getName();
    return new RoleBuilder()
        .withMetadata(metadata(download, serviceAccountName(download)))
        .withRules(
            new PolicyRuleBuilder()
                .withApiGroups(Download.GROUP)
                .withResources("downloads")
                .withResourceNames(name)
                .withVerbs("get")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups(Download.GROUP)
                .withResources("downloads/status")
                .withResourceNames(name)
                .withVerbs("patch")
                .build())
        .build();
  }

  public static RoleBinding roleBinding(Download download) {
    String name = serviceAccountName(download);
    return new RoleBindingBuilder()
        .withMetadata(metadata(download, name))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(download.getMetadata().getNamespace())
        .endSubject()
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
        .withSpec(
            withCaBundle(
                new PodSpecBuilder(
                        JarPods.placed(
                            JarPods.podSpec(
                                "download",
                                List.of(
                                    "download",
                                    "--namespace",
                                    download.getMetadata().getNamespace(),
                                    "--name",
                                    download.getMetadata().getName(),
                                    "--root",
                                    MOUNT_PATH),
                                env(download, name, config),
                                "250m",
                                "192Mi",
                                claimName(download),
                                MOUNT_PATH,
                                config),
                            download.getSpec().getNodeSelector(),
                            download.getSpec().getTolerations()))
                    .withServiceAccountName(serviceAccountName(download))
                    .build(),
                caBundle(download, config)))
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<EnvVar> env(Download download, String runName, OperatorConfig config) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("LLMFLEET_RUN").withValue(runName).build());
    env.add(
        new EnvVarBuilder()
            .withName("LLMFLEET_HF_ENDPOINT")
            .withValue(config.hfEndpoint())
            .build());
    env.addAll(proxyEnv(download, config));
    if (caBundle(download, config).isPresent()) {
      env.add(new EnvVarBuilder().withName("LLMFLEET_CA_BUNDLE").withValue(CA_FILE).build());
    }
    env.addAll(SecretEnvVars.of(download, download.getSpec().getSecrets()));
    return env;
  }

  /**
   * HTTPS_PROXY, HTTP_PROXY and NO_PROXY: spec.proxy, else the operator's defaults; left out where
   * spec.secrets names the same variable (in either case), which then holds the value (a proxy URL
   * with credentials).
   */
  static List<EnvVar> proxyEnv(Download download, OperatorConfig config) {
    DownloadProxy proxy =
        Optional.ofNullable(download.getSpec().getProxy()).orElseGet(DownloadProxy::new);
    OperatorConfig.DownloadNetwork defaults = config.downloadNetwork();
    List<String> fromSecrets =
        Optional.ofNullable(download.getSpec().getSecrets()).orElse(List.of()).stream()
            .map(SecretEnv::getName)
            .map(n -> n.toUpperCase(Locale.ROOT))
            .toList();
    List<EnvVar> env = new ArrayList<>();
    Map<String, Optional<String>> values = new java.util.LinkedHashMap<>();
    values.put("HTTPS_PROXY", Optional.ofNullable(proxy.getHttpsProxy()).or(defaults::httpsProxy));
    values.put("HTTP_PROXY", Optional.ofNullable(proxy.getHttpProxy()).or(defaults::httpProxy));
    values.put("NO_PROXY", Optional.ofNullable(proxy.getNoProxy()).or(defaults::noProxy));
    values.forEach(
        (name, value) -> {
          if (value.isPresent() && !fromSecrets.contains(name)) {
            env.add(new EnvVarBuilder().withName(name).withValue(value.get()).build());
          }
        });
    return env;
  }

  /**
   * The CA bundle's volume: spec.caBundle, else the operator's LLMFLEET_DOWNLOAD_CA_CONFIGMAP;
   * mounted as ca.crt.
   */
  static Optional<Volume> caBundle(Download download, OperatorConfig config) {
    CaBundle bundle = download.getSpec().getCaBundle();
    VolumeBuilder volume = new VolumeBuilder().withName(CA_VOLUME);
    if (bundle != null && bundle.getSecretKeyRef() != null) {
      return Optional.of(
          volume
              .withNewSecret()
              .withSecretName(bundle.getSecretKeyRef().getName())
              .addNewItem()
              .withKey(bundle.getSecretKeyRef().getKey())
              .withPath("ca.crt")
              .endItem()
              .endSecret()
              .build());
    }
    Optional<OperatorConfig.ConfigMapKey> configMap =
        bundle != null && bundle.getConfigMapKeyRef() != null
            ? Optional.of(
                new OperatorConfig.ConfigMapKey(
                    bundle.getConfigMapKeyRef().getName(), bundle.getConfigMapKeyRef().getKey()))
            : config.downloadNetwork().caConfigMap();
    return configMap.map(
        c ->
            volume
                .withNewConfigMap()
                .withName(c.name())
                .addNewItem()
                .withKey(c.key())
                .withPath("ca.crt")
                .endItem()
                .endConfigMap()
                .build());
  }

  private static PodSpec withCaBundle(PodSpec pod, Optional<Volume> bundle) {
    if (bundle.isEmpty()) {
      return pod;
    }
    return new PodSpecBuilder(pod)
        .addToVolumes(bundle.get())
        .editFirstContainer()
        .addNewVolumeMount()
        .withName(CA_VOLUME)
        .withMountPath(CA_MOUNT_PATH)
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .build();
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
