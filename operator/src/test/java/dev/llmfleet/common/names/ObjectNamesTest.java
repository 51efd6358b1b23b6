package dev.llmfleet.common.names;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectNamesTest {

  /** What Kubernetes checks for a DNS-1123 label, a DNS-1035 label and a label value. */
  static final String DNS_1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  static final String DNS_1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
  static final String LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
  static final String DNS_SUBDOMAIN = DNS_1123_LABEL + "(\\." + DNS_1123_LABEL + ")*";

  static final String LONGEST = ("a".repeat(62) + ".").repeat(5).substring(0, 253);

  @Test
  void aNameThatFitsIsKeptAsItIs() {
    assertThat(ObjectNames.label("qwen2-5-7b", "-run-1")).isEqualTo("qwen2-5-7b-run-1");
    assertThat(ObjectNames.label("llama3.1-8b", "-run-1")).isEqualTo("llama3.1-8b-run-1");
    assertThat(ObjectNames.labelValue("a".repeat(63))).isEqualTo("a".repeat(63));
    assertThat(ObjectNames.dns1035("qwen-chat")).isEqualTo("qwen-chat");
  }

  @Test
  void aLongNameIsCutAndHashedAndKeepsItsSuffix() {
    String name = "a".repeat(60);

    String run = ObjectNames.label(name, "-run-12");

    assertThat(run)
        .hasSizeLessThanOrEqualTo(63)
        .matches(DNS_1123_LABEL)
        .endsWith("-run-12")
        .isEqualTo(ObjectNames.label(name, "-run-12"));
    assertThat(ObjectNames.label("a".repeat(61), "-run-12"))
        .as("another name, another hash")
        .isNotEqualTo(run);
  }

  @Test
  void theLongestNameGivesValidNamesOfEveryShape() {
    assertThat(ObjectNames.label(LONGEST, "-cleanup-10"))
        .hasSizeLessThanOrEqualTo(63)
        .matches(DNS_SUBDOMAIN)
        .doesNotContain(".-");
    assertThat(ObjectNames.subdomain(LONGEST, "-download-env"))
        .hasSizeLessThanOrEqualTo(253)
        .matches(DNS_SUBDOMAIN);
    assertThat(ObjectNames.labelValue(LONGEST)).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE);
    assertThat(ObjectNames.dns1035(LONGEST)).hasSizeLessThanOrEqualTo(63).matches(DNS_1035_LABEL);
  }

  @Test
  void aCutThatEndsInADotOrDashLosesIt() {
    String name = "a".repeat(46) + ".-b" + "c".repeat(20);

    assertThat(ObjectNames.label(name, "-run-1"))
        .matches(DNS_SUBDOMAIN)
        .startsWith("a".repeat(46) + "-")
        .doesNotContain(".-");
  }

  @Test
  void serviceNamesAreDns1035LabelsAndStayApart() {
    String dotted = ObjectNames.dns1035("llama3.1-8b");
    String digit = ObjectNames.dns1035("3b-chat");

    assertThat(dotted).matches(DNS_1035_LABEL).startsWith("llama3-1-8b-");
    assertThat(dotted)
        .as("the name without the dot is its own Service")
        .isNotEqualTo(ObjectNames.dns1035("llama3-1-8b"));
    assertThat(digit).matches(DNS_1035_LABEL).startsWith("x3b-chat-");
    assertThat(ObjectNames.dns1035("a".repeat(64))).hasSize(63).matches(DNS_1035_LABEL);
  }
}
