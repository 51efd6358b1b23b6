package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.PodMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pieces every pod template of the operator shares: user metadata merged in, and the restricted
 * security profile.
 */
public final class PodTemplates {

  /** A non-root user every pod runs as, so that volumes are writable through fsGroup. */
  public static final long USER = 65532L;

  /**
   * Set on every container: images are pinned by tag, and on nodes where images are imported into
   * the runtime rather than pulled (air-gapped clusters, the local test node) a pull would fail;
   * Kubernetes' own default would be Always for a :latest or untagged override.
   */
  public static final String IMAGE_PULL_POLICY = "IfNotPresent";

  private PodTemplates() {}

  /** spec.podMetadata.labels plus the operator's own, which win: selectors depend on them. */
  public static Map<String, String> labels(PodMetadata podMetadata, Map<String, String> own) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (podMetadata != null && podMetadata.getLabels() != null) {
      labels.putAll(podMetadata.getLabels());
    }
    labels.putAll(own);
    return labels;
  }

  public static Map<String, String> annotations(PodMetadata podMetadata) {
    return podMetadata == null || podMetadata.getAnnotations() == null
        ? new LinkedHashMap<>()
        : new LinkedHashMap<>(podMetadata.getAnnotations());
  }

  /** What the PodSecurity "restricted" level asks of a pod. */
  public static PodSecurityContext restrictedPod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(USER)
        .withRunAsGroup(USER)
        .withFsGroup(USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /**
   * What the PodSecurity "restricted" level asks of a container, plus a read-only root filesystem.
   */
  public static SecurityContext restrictedContainer() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }
}
