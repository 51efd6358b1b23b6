package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.config.Version;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = {
      "The plugin's version, the operator's (from its Deployment in the cluster) and the CRDs' API"
          + " versions, with a warning when they differ.",
      "Exits 0, or 1 when they differ."
    })
final class VersionCommand implements Callable<Integer> {

  /** The chart's name: its Deployment carries app.kubernetes.io/name with it. */
  static final String OPERATOR_NAME = "llmfleet-operator";

  static final String VERSION_LABEL = "app.kubernetes.io/version";

  @ParentCommand PluginCommand plugin;

  /**
   * @param operators "namespace/name version" of each operator Deployment found
   * @param crds "plural.group: served versions" of each CRD found
   */
  record Report(String plugin, List<String> operators, List<String> crds, List<String> warnings) {

    String render() {
      StringBuilder out = new StringBuilder("plugin    ").append(plugin).append('\n');
      operators.forEach(o -> out.append("operator  ").append(o).append('\n'));
      crds.forEach(c -> out.append("crd       ").append(c).append('\n'));
      warnings.forEach(w -> out.append("warning: ").append(w).append('\n'));
      return out.toString();
    }
  }

  @Override
  public Integer call() {
    var client = plugin.target.client();
    List<Deployment> operators =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel("app.kubernetes.io/name", OPERATOR_NAME)
            .list()
            .getItems();
    List<CustomResourceDefinition> crds =
        Arrays.stream(Kind.values())
            .map(
                kind ->
                    client
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(HasMetadata.getFullResourceName(kind.type()))
                        .get())
            .filter(Objects::nonNull)
            .toList();
    Report report = report(Version.CURRENT, operators, crds);
    System.out.print(report.render());
    return report.warnings().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** Pure: what differs between the plugin, the operators and the CRDs. */
  static Report report(
      String pluginVersion, List<Deployment> operators, List<CustomResourceDefinition> crds) {
    List<String> warnings = new ArrayList<>();
    List<String> operatorLines = new ArrayList<>();
    for (Deployment operator : operators) {
      String version = operatorVersion(operator);
      operatorLines.add(
          version
              + " (Deployment "
              + operator.getMetadata().getNamespace()
              + "/"
              + operator.getMetadata().getName()
              + ")");
      // A build of the plugin from source (0.1.0-SNAPSHOT) matches the release it becomes (0.1.0).
      if (!version.equals(pluginVersion.replaceFirst("-SNAPSHOT$", ""))) {
        warnings.add(
            "the operator in "
                + operator.getMetadata().getNamespace()
                + " is "
                + version
                + ", the plugin "
                + pluginVersion);
      }
    }
    if (operators.isEmpty()) {
      warnings.add(
          "no operator Deployment (label app.kubernetes.io/name="
              + OPERATOR_NAME
              + ") in the cluster");
    }
    List<String> crdLines = new ArrayList<>();
    for (CustomResourceDefinition crd : crds) {
      List<String> served =
          crd.getSpec().getVersions().stream()
              .filter(v -> Boolean.TRUE.equals(v.getServed()))
              .map(CustomResourceDefinitionVersion::getName)
              .toList();
      crdLines.add(crd.getMetadata().getName() + " " + String.join(",", served));
      if (!served.contains(Download.VERSION)) {
        warnings.add(
            "CRD "
                + crd.getMetadata().getName()
                + " does not serve "
                + Download.VERSION
                + ", the version this plugin reads");
      }
    }
    if (crds.size() < Kind.values().length) {
      warnings.add(
          "only "
              + crds.size()
              + " of the "
              + Kind.values().length
              + " LLMFleet CRDs are installed: "
              + "kubectl apply --server-side -f crds/");
    }
    return new Report(pluginVersion, operatorLines, crdLines, warnings);
  }

  /** The chart's version label, else the image's tag. */
  static String operatorVersion(Deployment operator) {
    String label =
        operator.getMetadata().getLabels() == null
            ? null
            : operator.getMetadata().getLabels().get(VERSION_LABEL);
    if (label != null && !label.isBlank()) {
      return label;
    }
    String image = operator.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
  }
}
