package dev.llmfleet.cli;

/** A failure the plugin reports as one line on stderr, with the exit code a script can test. */
final class CliException extends RuntimeException {

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliException notFound(ResourceRef ref, String namespace) {
    return new CliException(ExitCodes.NOT_FOUND, ref + " not found in namespace " + namespace);
  }
}
