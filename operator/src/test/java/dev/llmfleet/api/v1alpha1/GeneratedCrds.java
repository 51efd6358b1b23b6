package dev.llmfleet.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CRDs as generated into crds/ by this build, and a way to walk their schemas by field path.
 */
final class GeneratedCrds {

  static final Path DIR = Path.of("..", "crds");

  private GeneratedCrds() {}

  static CustomResourceDefinition load(String plural) {
    try (InputStream in = Files.newInputStream(DIR.resolve(plural + ".llmfleet.dev-v1.yml"))) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new IllegalStateException("run the build first: it generates " + DIR, e);
    }
  }

  static CustomResourceDefinitionVersion version(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0);
  }

  /**
   * The schema of a field, by a path such as {@code spec.secrets[].vault.mount}; {@code ""} is the
   * root. {@code []} steps into array items.
   */
  static JSONSchemaProps schema(CustomResourceDefinition crd, String path) {
    JSONSchemaProps node = version(crd).getSchema().getOpenAPIV3Schema();
    if (path.isEmpty()) {
      return node;
    }
    for (String step : path.split("\\.")) {
      boolean items = step.endsWith("[]");
      String name = items ? step.substring(0, step.length() - 2) : step;
      node = node.getProperties().get(name);
      if (node == null) {
        throw new AssertionError("no field " + name + " on the way to " + path);
      }
      if (items) {
        node = node.getItems().getSchema();
      }
    }
    return node;
  }

  static List<ValidationRule> rules(CustomResourceDefinition crd, String path) {
    List<ValidationRule> rules = schema(crd, path).getXKubernetesValidations();
    return rules == null ? List.of() : rules;
  }
}
