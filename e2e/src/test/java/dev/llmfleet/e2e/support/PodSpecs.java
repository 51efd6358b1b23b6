package dev.llmfleet.e2e.support;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/** What a pod template mounts where: for assertions on the volumes the operator gives its pods. */
public final class PodSpecs {

  private PodSpecs() {}

  /** The first container's mount at {@code path}. */
  public static VolumeMount mount(PodSpec pod, String path) {
    return pod.getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow();
  }

  public static Volume volume(PodSpec pod, VolumeMount mount) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName()))
        .findFirst()
        .orElseThrow();
  }

  /** The claim mounted at {@code path} in the first container. */
  public static String claimAt(PodSpec pod, String path) {
    return volume(pod, mount(pod, path)).getPersistentVolumeClaim().getClaimName();
  }
}
