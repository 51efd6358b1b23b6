package dev.llmfleet.common;

import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pods running the operator's own jar (download, cleanup): one shape, different commands. */
public final class JarPods {

  /**
   * The jar's commands stream through fixed buffers, so a small heap and the serial collector
   * suffice (e2e/bench/downloader-bench.sh). Not TieredStopAtLevel=1: C1 has no SHA-256 intrinsic
   * and hashing would be ten times slower. But C2 compiling start-up code (the Kubernetes client,
   * TLS, JSON) cost ~15 MiB of peak RSS and a second of CPU before the first byte: its thresholds
   * are raised out of reach of a run, except for the JDK's digests (sun.security.provider), which
   * reach C2 as by default and so get the SHA-256 intrinsic.
   */
  public static final String JVM_OPTIONS =
      "-XX:+UseSerialGC -Xmx24m -XX:ReservedCodeCacheSize=24m "
          + "-XX:MaxMetaspaceSize=96m -Xss512k -XX:CICompilerCount=2 -XX:Tier4InvocationThreshold=100000 "
          + "-XX:Tier4MinInvocationThreshold=100000 -XX:Tier4CompileThreshold=100000 -XX:CompileCommand=quiet "
          + "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.05";

  private static final String TMP = "tmp";
  private static final String DATA = "data";

  private JarPods() {}

  /**
   * A restricted pod running the jar with {@code args}, one claim mounted at {@code mountPath}, the
   * small-heap JVM options and a writable /tmp (the root filesystem is read-only). Never restarted:
   * its Job decides on retries.
   */
  public static PodSpec podSpec(
      String container,
      List<String> args,
      List<EnvVar> env,
      String cpuRequest,
      String memoryRequest,
      String claimName,
      String mountPath,
      OperatorConfig config) {
    List<EnvVar> allEnv = new ArrayList<>(env);
    allEnv.add(new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withValue(JVM_OPTIONS).build());
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withSecurityContext(PodTemplates.restrictedPod())
        .addNewContainer()
        .withName(container)
        .withImage(config.image())
        .withImagePullPolicy(PodTemplates.IMAGE_PULL_POLICY)
        .withArgs(args)
        .withEnv(allEnv)
        .withNewResources()
        .addToRequests("cpu", new Quantity(cpuRequest))
        .addToRequests("memory", new Quantity(memoryRequest))
        .addToLimits("memory", new Quantity("256Mi"))
        .endResources()
        .addNewVolumeMount()
        .withName(DATA)
        .withMountPath(mountPath)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(TMP)
        .withMountPath("/tmp")
        .endVolumeMount()
        .withSecurityContext(PodTemplates.restrictedContainer())
        .endContainer()
        .addNewVolume()
        .withName(DATA)
        .withNewPersistentVolumeClaim()
        .withClaimName(claimName)
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName(TMP)
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .build();
  }

  /**
   * {@code podSpec} with the user's node selector and tolerations; empty ones are left out, so that
   * a pod without them is the same as before they existed.
   */
  public static PodSpec placed(
      PodSpec podSpec,
      Map<String, String> nodeSelector,
      List<dev.llmfleet.api.v1alpha1.common.Toleration> tolerations) {
    PodSpecBuilder builder = new PodSpecBuilder(podSpec);
    if (nodeSelector != null && !nodeSelector.isEmpty()) {
      builder.withNodeSelector(new LinkedHashMap<>(nodeSelector));
    }
    if (tolerations != null && !tolerations.isEmpty()) {
      builder.withTolerations(Tolerations.of(tolerations));
    }
    return builder.build();
  }
}
