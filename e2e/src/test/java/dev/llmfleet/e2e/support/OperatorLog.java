package dev.llmfleet.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The in-process operator logs to target/operator.log (logback-test.xml); failed tests show their
 * part of it.
 */
final class OperatorLog {

  private static final Path FILE = Path.of("target", "operator.log");

  private OperatorLog() {}

  static List<String> linesMentioning(String text) {
    if (!Files.exists(FILE)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(FILE)) {
      return lines.filter(line -> line.contains(text)).toList();
    } catch (IOException e) {
      return List.of("(cannot read " + FILE + ": " + e.getMessage() + ")");
    }
  }
}
