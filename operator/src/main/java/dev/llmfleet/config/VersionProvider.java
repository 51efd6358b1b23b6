package dev.llmfleet.config;

import picocli.CommandLine.IVersionProvider;

/** Every command's `--version`: one line naming the release. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"llmfleet " + Version.CURRENT};
  }
}
