package dev.llmfleet.config;

/** The operator's version, from the jar manifest; "dev" when run from classes (IDE, tests). */
public final class Version {

  public static final String CURRENT = current();

  private Version() {}

  private static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
