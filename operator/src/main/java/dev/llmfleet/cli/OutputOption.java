package dev.llmfleet.cli;

import picocli.CommandLine.Option;

/** The -o/--output option of status and why. */
final class OutputOption {

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, json or yaml (default: ${DEFAULT-VALUE}).")
  Output output;

  /**
   * Prints {@code report} as the option asks: {@code text} as it is, or the report itself as JSON
   * or YAML.
   */
  void print(Object report, String text) {
    System.out.print(output.format(report, text));
  }
}
