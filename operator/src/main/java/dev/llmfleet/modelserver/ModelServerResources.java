package dev.llmfleet.modelserver;

import static dev.llmfleet.modelserver.runtimes.ServerRuntimes.port;

import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.common.ClaimAffinity;
import dev.llmfleet.common.GpuPlacement;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.OwnerReferences;
import dev.llmfleet.common.PodTemplates;
import dev.llmfleet.common.SecretEnvVars;
import dev.llmfleet.common.names.ModelServerNames;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.modelserver.runtimes.AdapterLocation;
import dev.llmfleet.modelserver.runtimes.ModelLocation;
import dev.llmfleet.modelserver.runtimes.ServerRuntime;
import dev.llmfleet.modelserver.runtimes.ServerRuntimes;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Desired Deployment and Service of a ModelServer, as pure functions. */
public final class ModelServerResources {

  public static final String COMPONENT = "model-server";
  static final String PORT_NAME = "http";

  /** Up to an hour to load a large model before liveness checks begin. */
  static final int STARTUP_PROBE_PERIOD_SECONDS = 10;

  static final int STARTUP_PROBE_FAILURES = 360;

  private ModelServerResources() {}

  public static String endpoint(ModelServer server) {
    return "http://"
        + ModelServerNames.service(server)
        + "."
        + server.getMetadata().getNamespace()
        + ".svc.cluster.local:"
        + port(server)
        + "/v1";
  }

  public static Map<String, String> selector(ModelServer server) {
    return Labels.selector(server, COMPONENT);
  }

  public static Deployment deployment(
      ModelServer server,
      ModelLocation model,
      List<AdapterLocation> adapters,
      OperatorConfig config) {
    ModelServerSpec spec = server.getSpec();
    ServerRuntime runtime = ServerRuntimes.of(server);
    int port = port(server);
    List<String> args = new ArrayList<>(runtime.args(server, model, adapters, port));
    if (spec.getArgs() != null) {
      args.addAll(spec.getArgs());
    }
    String image =
        spec.getImage() == null || spec.getImage().isEmpty()
            ? runtime.defaultImage(server)
            : spec.getImage();
    Probe health =
        new ProbeBuilder()
            .withHttpGet(
                new HTTPGetActionBuilder()
                    .withPath(runtime.healthPath())
                    .withPort(new IntOrString(PORT_NAME))
                    .build())
            .build();
    return new DeploymentBuilder()
        .withMetadata(metadata(server, ModelServerNames.deployment(server)))
        .withNewSpec()
        .withReplicas(spec.getReplicas())
        .withNewSelector()
        .withMatchLabels(selector(server))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels(server, model, adapters))
        .withAnnotations(PodTemplates.annotations(spec.getPodMetadata()))
        .endMetadata()
        .withNewSpec()
        .withSecurityContext(PodTemplates.restrictedPod())
        .withNodeSelector(
            GpuPlacement.nodeSelector(spec.getResources(), spec.getNodeSelector(), config))
        .withTolerations(
            GpuPlacement.tolerations(spec.getResources(), spec.getTolerations(), config))
        .withAutomountServiceAccountToken(false)
        // A replica or a roll-out's pod must not wait for a ReadWriteOnce claim attached to another
        // node.
        .withAffinity(ClaimAffinity.affinity(mounts(model, adapters)))
        .addToContainers(
            new ContainerBuilder()
                .withName("server")
                .withImage(image)
                .withImagePullPolicy(PodTemplates.IMAGE_PULL_POLICY)
                .withCommand(runtime.command(server, model))
                .withArgs(args)
                .withEnv(env(server, runtime))
                .addNewPort()
                .withName(PORT_NAME)
                .withContainerPort(port)
                .withProtocol("TCP")
                .endPort()
                .withResources(GpuPlacement.requirements(spec.getResources(), config))
                .withStartupProbe(
                    new ProbeBuilder(health)
                        .withPeriodSeconds(STARTUP_PROBE_PERIOD_SECONDS)
                        .withFailureThreshold(STARTUP_PROBE_FAILURES)
                        .build())
                .withReadinessProbe(
                    new ProbeBuilder(health)
                        .withPeriodSeconds(10)
                        .withFailureThreshold(3)
                        .withTimeoutSeconds(5)
                        .build())
                .withLivenessProbe(
                    new ProbeBuilder(health)
                        .withPeriodSeconds(20)
                        .withFailureThreshold(6)
                        .withTimeoutSeconds(5)
                        .build())
                .withVolumeMounts(volumeMounts(model, adapters, runtime))
                .withSecurityContext(PodTemplates.restrictedContainer())
                // A server that fails before it serves says why in its log; this makes the log's
                // tail the container's
                // last termination message, which the status shows (ModelServerStatuses.broken).
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .build())
        .withVolumes(volumes(model, adapters, runtime))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** spec.podMetadata's, the claims' (ClaimAffinity), and the operator's own, which win. */
  private static Map<String, String> podLabels(
      ModelServer server, ModelLocation model, List<AdapterLocation> adapters) {
    Map<String, String> own = new LinkedHashMap<>(ClaimAffinity.labels(mounts(model, adapters)));
    own.putAll(Labels.of(server, COMPONENT));
    return PodTemplates.labels(server.getSpec().getPodMetadata(), own);
  }

  /** The claims the server's pods mount, for {@link ClaimAffinity}. */
  static List<ClaimAffinity.Mount> mounts(ModelLocation model, List<AdapterLocation> adapters) {
    List<ClaimAffinity.Mount> mounts = new ArrayList<>();
    if (model.isDownload()) {
      mounts.add(new ClaimAffinity.Mount(model.claimName(), model.accessMode()));
    }
    adapters.forEach(
        adapter -> mounts.add(new ClaimAffinity.Mount(adapter.claimName(), adapter.accessMode())));
    return mounts;
  }

  public static Service service(ModelServer server) {
    return new ServiceBuilder()
        .withMetadata(metadata(server, ModelServerNames.service(server)))
        .withNewSpec()
        .withSelector(selector(server))
        .addNewPort()
        .withName(PORT_NAME)
        .withPort(port(server))
        .withTargetPort(new IntOrString(PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  private static List<EnvVar> env(ModelServer server, ServerRuntime runtime) {
    List<EnvVar> env = new ArrayList<>();
    runtime
        .cacheEnv()
        .forEach(pair -> env.add(new EnvVarBuilder().withName(pair[0]).withValue(pair[1]).build()));
    if (server.getSpec().getEnv() != null) {
      server
          .getSpec()
          .getEnv()
          .forEach(
              e ->
                  env.add(
                      new EnvVarBuilder().withName(e.getName()).withValue(e.getValue()).build()));
    }
    env.addAll(SecretEnvVars.of(server, server.getSpec().getSecrets()));
    return env;
  }

  private static List<VolumeMount> volumeMounts(
      ModelLocation model, List<AdapterLocation> adapters, ServerRuntime runtime) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName("cache").withMountPath("/cache").build());
    if (model.isDownload()) {
      mounts.add(
          new VolumeMountBuilder()
              .withName("model")
              .withMountPath(ModelLocation.MOUNT_PATH)
              .withSubPath(model.subPath())
              .withReadOnly(true)
              .build());
    }
    for (int i = 0; i < adapters.size(); i++) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(adapterVolume(i))
              .withMountPath(adapters.get(i).localPath())
              .withSubPath(adapters.get(i).subPath())
              .withReadOnly(true)
              .build());
    }
    if (runtime.needsSharedMemory()) {
      mounts.add(new VolumeMountBuilder().withName("shm").withMountPath("/dev/shm").build());
    }
    return mounts;
  }

  private static List<Volume> volumes(
      ModelLocation model, List<AdapterLocation> adapters, ServerRuntime runtime) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("cache").withNewEmptyDir().endEmptyDir().build());
    if (model.isDownload()) {
      volumes.add(
          new VolumeBuilder()
              .withName("model")
              .withNewPersistentVolumeClaim()
              .withClaimName(model.claimName())
              .withReadOnly(true)
              .endPersistentVolumeClaim()
              .build());
    }
    for (int i = 0; i < adapters.size(); i++) {
      volumes.add(
          new VolumeBuilder()
              .withName(adapterVolume(i))
              .withNewPersistentVolumeClaim()
              .withClaimName(adapters.get(i).claimName())
              .withReadOnly(true)
              .endPersistentVolumeClaim()
              .build());
    }
    if (runtime.needsSharedMemory()) {
      volumes.add(
          new VolumeBuilder()
              .withName("shm")
              .withNewEmptyDir()
              .withMedium("Memory")
              .withSizeLimit(new Quantity("16Gi"))
              .endEmptyDir()
              .build());
    }
    return volumes;
  }

  private static String adapterVolume(int index) {
    return "adapter-" + index;
  }

  private static ObjectMeta metadata(ModelServer server, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(server.getMetadata().getNamespace())
        .withLabels(Labels.of(server, COMPONENT))
        .withOwnerReferences(OwnerReferences.controlledBy(server))
        .build();
  }
}
