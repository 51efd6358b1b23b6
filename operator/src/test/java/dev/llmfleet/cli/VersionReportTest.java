package dev.llmfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionReportTest {

  private static Deployment operator(String versionLabel, String image) {
    DeploymentBuilder builder =
        new DeploymentBuilder()
            .withNewMetadata()
            .withNamespace("llmfleet-system")
            .withName("llmfleet-operator")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("operator")
            .withImage(image)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec();
    if (versionLabel != null) {
      builder.editMetadata().addToLabels(VersionCommand.VERSION_LABEL, versionLabel).endMetadata();
    }
    return builder.build();
  }

  private static List<CustomResourceDefinition> crds(String version) {
    return List.of("downloads", "modelservers", "finetunejobs").stream()
        .map(
            plural ->
                new CustomResourceDefinitionBuilder()
                    .withNewMetadata()
                    .withName(plural + ".llmfleet.dev")
                    .endMetadata()
                    .withNewSpec()
                    .addNewVersion()
                    .withName(version)
                    .withServed(true)
                    .endVersion()
                    .endSpec()
                    .build())
        .toList();
  }

  @Test
  void aSnapshotPluginMatchesItsReleaseAndEveryCrdServesItsVersion() {
    VersionCommand.Report report =
        VersionCommand.report(
            "0.1.0-SNAPSHOT",
            List.of(operator("0.1.0", "ghcr.io/llmfleet/llmfleet-operator:0.1.0")),
            crds("v1alpha1"));

    assertThat(report.warnings()).isEmpty();
    assertThat(report.render())
        .isEqualTo(
            """
        plugin    0.1.0-SNAPSHOT
        operator  0.1.0 (Deployment llmfleet-system/llmfleet-operator)
        crd       downloads.llmfleet.dev v1alpha1
        crd       modelservers.llmfleet.dev v1alpha1
        crd       finetunejobs.llmfleet.dev v1alpha1
        """);
  }

  @Test
  void anotherOperatorVersionOrAMissingCrdVersionIsAWarning() {
    VersionCommand.Report report =
        VersionCommand.report(
            "0.2.0",
            List.of(operator(null, "registry.local/llmfleet-operator:0.1.3")),
            crds("v1beta1").subList(0, 2));

    assertThat(report.operators())
        .containsExactly("0.1.3 (Deployment llmfleet-system/llmfleet-operator)");
    assertThat(report.warnings())
        .containsExactly(
            "the operator in llmfleet-system is 0.1.3, the plugin 0.2.0",
            "CRD downloads.llmfleet.dev does not serve v1alpha1, the version this plugin reads",
            "CRD modelservers.llmfleet.dev does not serve v1alpha1, the version this plugin reads",
            "only 2 of the 3 LLMFleet CRDs are installed: kubectl apply --server-side -f crds/");
  }

  @Test
  void noOperatorInTheClusterIsAWarning() {
    assertThat(VersionCommand.report("0.1.0", List.of(), crds("v1alpha1")).warnings())
        .containsExactly(
            "no operator Deployment (label app.kubernetes.io/name=llmfleet-operator) in the cluster");
  }
}
