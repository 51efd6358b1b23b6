package dev.llmfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VaultPathTemplateTest {

  private final VaultPathTemplate template = new VaultPathTemplate("llm/{namespace}/");

  @Test
  void allowsOnlyPathsUnderTheNamespacesOwnFolder() {
    assertThat(template.allows("team-a", "llm/team-a/hf")).isTrue();
    assertThat(template.allows("team-a", "llm/team-a/deep/er")).isTrue();
    assertThat(template.allowedPrefix("team-a")).isEqualTo("llm/team-a/");

    assertThat(template.allows("team-a", "llm/team-b/hf")).as("another namespace").isFalse();
    assertThat(template.allows("team", "llm/team-b/hf"))
        .as("a namespace that is a prefix of another")
        .isFalse();
    assertThat(template.allows("team-a", "llm/team-a"))
        .as("the folder itself is no secret of it")
        .isFalse();
    assertThat(template.allows("team-a", "other/team-a/hf")).isFalse();
    assertThat(template.allows("team-a", "llm/team-a/../team-b/hf"))
        .as("'..' climbs out")
        .isFalse();
    assertThat(template.allows("team-a", "llm/team-a/./hf")).isFalse();
    assertThat(template.allows("team-a", "llm/team-a//hf")).isFalse();
  }

  @Test
  void theNamespaceMayBePartOfASegmentAndTheTrailingSlashIsOptional() {
    VaultPathTemplate inSegment = new VaultPathTemplate("tenants/ns-{namespace}");

    assertThat(inSegment.allows("a", "tenants/ns-a/hf")).isTrue();
    assertThat(inSegment.allows("a", "tenants/ns-a-b/hf")).isFalse();
    assertThat(inSegment.allowedPrefix("a")).isEqualTo("tenants/ns-a/");
  }

  @Test
  void aTemplateWithoutTheNamespaceOrWithDotSegmentsIsRefused() {
    assertThat(VaultPathTemplate.problem("llm/"))
        .hasValueSatisfying(p -> assertThat(p).contains("{namespace}"));
    assertThat(VaultPathTemplate.problem("llm/../{namespace}/")).isPresent();
    assertThat(VaultPathTemplate.problem("/llm/{namespace}/")).isPresent();
    assertThat(VaultPathTemplate.problem("llm//{namespace}/")).isPresent();
    assertThat(VaultPathTemplate.problem("llm/{namespace}/")).isEmpty();
    assertThatThrownBy(() -> new VaultPathTemplate("llm/shared/"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
