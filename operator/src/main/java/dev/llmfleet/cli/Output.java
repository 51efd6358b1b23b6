package dev.llmfleet.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * --output of status and why: text for people, json or yaml for scripts (the same facts as the
 * text).
 */
enum Output {
  text,
  json,
  yaml;

  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  String format(Object report, String text) {
    try {
      return switch (this) {
        case text -> text;
        case json -> JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
        case yaml -> YAML.writeValueAsString(report);
      };
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as " + this, e);
    }
  }
}
