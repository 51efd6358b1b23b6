package dev.llmfleet.config;

/**
 * The operator's version: from the jar manifest, else the {@code llmfleet.version} system property
 * (the Jib image runs classes, not the jar, and sets it), else "dev" (IDE, tests).
 */
public final class Version {

  public static final String CURRENT = current();

  private Version() {}

  private static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    if (version == null) {
      version = System.getProperty("llmfleet.version");
    }
    return version == null || version.isBlank() ? "dev" : version;
  }
}
