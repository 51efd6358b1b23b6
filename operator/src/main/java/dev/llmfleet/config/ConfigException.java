package dev.llmfleet.config;

import java.util.List;

/** Invalid operator configuration; the message names every bad variable and what is valid. */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** One line for the command line: the problems joined by "; ". */
  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
  }
}
