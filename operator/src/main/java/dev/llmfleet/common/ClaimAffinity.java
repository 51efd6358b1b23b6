package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.AccessMode;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A ReadWriteOnce claim attaches to one node at a time: a pod on another node waits for it forever
 * (Multi-Attach). So every server and trainer pod that mounts such a claim carries a label naming
 * it, and requires to run on the node of the pods that carry the same label. The first of them goes
 * wherever the scheduler puts it (a pod that matches its own term may start a group); the others
 * follow it: a server's replicas and its roll-out's new pods, another server of the same model, a
 * trainer reading a base model that a server mounts. ReadOnlyMany and ReadWriteMany claims get
 * neither.
 */
public final class ClaimAffinity {

  /**
   * Label key prefix; the name part is the claim's name, or a digest of it when too long for a
   * label key.
   */
  static final String LABEL_PREFIX = "claim.llmfleet.dev/";

  static final String HOSTNAME = "kubernetes.io/hostname";
  private static final int MAX_NAME_PART = 63;

  private ClaimAffinity() {}

  /**
   * A claim a pod mounts, and its access mode (null counts as ReadWriteOnce: the schema's default).
   */
  public record Mount(String claimName, AccessMode accessMode) {

    boolean attachesToOneNode() {
      return accessMode == null || accessMode == AccessMode.ReadWriteOnce;
    }
  }

  /** The labels of a pod that mounts {@code mounts}: one per ReadWriteOnce claim. */
  public static Map<String, String> labels(List<Mount> mounts) {
    Map<String, String> labels = new LinkedHashMap<>();
    oneNodeClaims(mounts).forEach(claim -> labels.put(labelKey(claim), "mounted"));
    return labels;
  }

  /**
   * Required pod affinity to the node of the other pods of each ReadWriteOnce claim, or null when
   * there is none.
   */
  public static Affinity affinity(List<Mount> mounts) {
    List<PodAffinityTerm> terms =
        oneNodeClaims(mounts).stream()
            .map(
                claim ->
                    new PodAffinityTermBuilder()
                        .withNewLabelSelector()
                        .addNewMatchExpression()
                        .withKey(labelKey(claim))
                        .withOperator("Exists")
                        .endMatchExpression()
                        .endLabelSelector()
                        .withTopologyKey(HOSTNAME)
                        .build())
            .toList();
    return terms.isEmpty()
        ? null
        : new AffinityBuilder()
            .withNewPodAffinity()
            .withRequiredDuringSchedulingIgnoredDuringExecution(terms)
            .endPodAffinity()
            .build();
  }

  static String labelKey(String claimName) {
    if (claimName.length() <= MAX_NAME_PART) {
      return LABEL_PREFIX + claimName;
    }
    // A claim name may be a 253-character DNS subdomain: keep a readable start and make it unique
    // with a digest.
    return LABEL_PREFIX
        + claimName.substring(0, MAX_NAME_PART - 17).replaceAll("[.-]+$", "")
        + "-"
        + digest(claimName);
  }

  private static TreeSet<String> oneNodeClaims(List<Mount> mounts) {
    TreeSet<String> claims = new TreeSet<>();
    mounts.stream().filter(Mount::attachesToOneNode).map(Mount::claimName).forEach(claims::add);
    return claims;
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
