package dev.llmfleet.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example of API.md (examples/api/) reads into the Java classes and writes back unchanged.
 */
class ApiExamplesTest {

  static final Path EXAMPLES = Path.of("..", "examples", "api");

  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Download",
          Download.class,
          "ModelServer",
          ModelServer.class,
          "FineTuneJob",
          FineTuneJob.class);

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * 42 as an int and 42 as a long are the same number in YAML; Jackson's node equality says
   * otherwise.
   */
  private static final Comparator<JsonNode> SAME_VALUE =
      (a, b) -> {
        if (a instanceof NumericNode && b instanceof NumericNode) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void roundTripsWithoutLosingAField(Path example) throws IOException {
    JsonNode original = SERIALIZATION.unmarshal(Files.readString(example), JsonNode.class);
    Class<? extends HasMetadata> type = KINDS.get(kindOf(example));

    HasMetadata parsed = SERIALIZATION.unmarshal(Files.readString(example), type);
    JsonNode written = SERIALIZATION.convertValue(parsed, JsonNode.class);

    assertThat(written.equals(SAME_VALUE, original))
        .as(
            "%s written back:%n%s%nexpected:%n%s",
            example.getFileName(), written.toPrettyString(), original.toPrettyString())
        .isTrue();
  }

  @Test
  void everyKindHasAnExample() throws IOException {
    var kinds = examples().map(ApiExamplesTest::kindOf).toList();
    assertThat(kinds).containsAll(KINDS.keySet());
  }

  private static String kindOf(Path example) {
    try {
      return SERIALIZATION
          .unmarshal(Files.readString(example), JsonNode.class)
          .get("kind")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
