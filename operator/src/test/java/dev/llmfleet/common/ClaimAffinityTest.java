package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.llmfleet.api.v1alpha1.common.AccessMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimAffinityTest {

  @Test
  void eachReadWriteOnceClaimIsALabelAndARequiredTermOnTheHostname() {
    List<ClaimAffinity.Mount> mounts =
        List.of(
            new ClaimAffinity.Mount("models", AccessMode.ReadWriteOnce),
            new ClaimAffinity.Mount("datasets", null),
            new ClaimAffinity.Mount("shared", AccessMode.ReadWriteMany));

    assertThat(ClaimAffinity.labels(mounts))
        .containsOnlyKeys("claim.llmfleet.dev/datasets", "claim.llmfleet.dev/models");
    assertThat(
            ClaimAffinity.affinity(mounts)
                .getPodAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .extracting(
            term -> term.getLabelSelector().getMatchExpressions().get(0).getKey(),
            term -> term.getTopologyKey())
        .containsExactly(
            tuple("claim.llmfleet.dev/datasets", "kubernetes.io/hostname"),
            tuple("claim.llmfleet.dev/models", "kubernetes.io/hostname"));
  }

  @Test
  void noneForClaimsThatManyNodesMount() {
    List<ClaimAffinity.Mount> mounts =
        List.of(new ClaimAffinity.Mount("models", AccessMode.ReadOnlyMany));

    assertThat(ClaimAffinity.labels(mounts)).isEmpty();
    assertThat(ClaimAffinity.affinity(mounts)).isNull();
  }

  @Test
  void aClaimNameTooLongForALabelKeyGetsADigestThatKeepsItUnique() {
    String name = "a".repeat(100) + ".example";
    String other = "a".repeat(100) + ".example2";

    String key = ClaimAffinity.labelKey(name);

    assertThat(key.substring(ClaimAffinity.LABEL_PREFIX.length()))
        .hasSizeLessThanOrEqualTo(63)
        .matches("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");
    assertThat(key).isNotEqualTo(ClaimAffinity.labelKey(other));
  }
}
