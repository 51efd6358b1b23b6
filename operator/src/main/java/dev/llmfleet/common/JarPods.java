package dev.llmfleet.common;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** What every pod running the operator's own jar (download, cleanup) needs besides its command. */
public final class JarPods {

  /**
   * The jar's commands stream through fixed buffers, so a small heap and the serial collector suffice; with these
   * the downloader's peak RSS stays near 125 MiB whatever the file size (e2e/bench/downloader-bench.sh). Not
   * TieredStopAtLevel=1: C1 has no SHA-256 intrinsic and hashing would be ten times slower.
   */
  public static final String JVM_OPTIONS = "-XX:+UseSerialGC -Xmx24m -XX:ReservedCodeCacheSize=24m "
      + "-XX:MaxMetaspaceSize=96m -Xss512k -XX:CICompilerCount=2";

  private static final String TMP = "tmp";

  private JarPods() {
  }

  public static EnvVar jvmOptions() {
    return new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withValue(JVM_OPTIONS).build();
  }

  /** The root filesystem is read-only; the JVM still wants a writable /tmp. */
  public static Volume tmpVolume() {
    return new VolumeBuilder().withName(TMP).withNewEmptyDir().endEmptyDir().build();
  }

  public static VolumeMount tmpMount() {
    return new VolumeMountBuilder().withName(TMP).withMountPath("/tmp").build();
  }
}
