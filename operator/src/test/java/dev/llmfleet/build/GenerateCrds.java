package dev.llmfleet.build;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Names;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the CRDs of the API classes into each directory given as argument (crds/ and the Helm
 * chart's crds/). Runs in the build (exec-maven-plugin), not at run time: the generator is a
 * test-scope dependency.
 */
public final class GenerateCrds {

  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(Download.class, ModelServer.class, FineTuneJob.class);

  private GenerateCrds() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: GenerateCrds <output dir>...");
    }
    Path first = Path.of(args[0]);
    Files.createDirectories(first);
    new CRDGenerator()
        .customResourceClasses(KINDS)
        .forCRDVersions("v1")
        // The generator keeps one post-processor, the last one given.
        .withPostProcessor(
            new Both(new PrinterColumnsInDeclarationOrder(), new LabelValuesAtMost63()))
        .inOutputDir(first.toFile())
        .generate();
    for (String other : Arrays.asList(args).subList(1, args.length)) {
      copyYamlFiles(first, Path.of(other));
    }
  }

  private static void copyYamlFiles(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  record Both(CRDPostProcessor first, CRDPostProcessor then) implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      return then.process(first.process(crd, crdSpecVersion), crdSpecVersion);
    }
  }

  /**
   * Maps whose values are label values (nodeSelector, podMetadata.labels) get {@code maxLength: 63}
   * on their values, which no generator annotation can say of a {@code Map<String, String>}. The
   * API server needs it too: it refuses a CEL rule on strings of unknown length as too costly, and
   * without it {@link Names#LABEL_VALUES} could not check the characters.
   */
  static final class LabelValuesAtMost63 implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      for (CustomResourceDefinitionVersion version :
          ((CustomResourceDefinition) crd).getSpec().getVersions()) {
        limit(version.getSchema().getOpenAPIV3Schema());
      }
      return crd;
    }

    private static void limit(JSONSchemaProps schema) {
      if (schema == null) {
        return;
      }
      boolean labelValues =
          schema.getXKubernetesValidations() != null
              && schema.getXKubernetesValidations().stream()
                  .anyMatch(rule -> rule.getRule().equals(Names.LABEL_VALUES));
      if (labelValues) {
        schema.getAdditionalProperties().getSchema().setMaxLength(63L);
      }
      if (schema.getProperties() != null) {
        schema.getProperties().values().forEach(LabelValuesAtMost63::limit);
      }
      if (schema.getItems() != null) {
        limit(schema.getItems().getSchema());
      }
    }
  }

  /**
   * The generator sorts printer columns by JSON path, so AGE would come second; kubectl shows them
   * in CRD order, which here is the order of the {@link AdditionalPrinterColumn} annotations on the
   * class.
   */
  static final class PrinterColumnsInDeclarationOrder implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      Class<?> kind =
          KINDS.stream()
              .filter(k -> k.getSimpleName().equals(definition.getSpec().getNames().getKind()))
              .findFirst()
              .orElseThrow();
      List<String> declared =
          Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        Map<String, CustomResourceColumnDefinition> byName =
            version.getAdditionalPrinterColumns().stream()
                .collect(
                    Collectors.toMap(CustomResourceColumnDefinition::getName, Function.identity()));
        version.setAdditionalPrinterColumns(
            byName.values().stream()
                .sorted(Comparator.comparingInt(column -> declared.indexOf(column.getName())))
                .toList());
      }
      return crd;
    }
  }
}
