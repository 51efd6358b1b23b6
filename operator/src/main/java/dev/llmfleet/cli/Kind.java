package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds the plugin knows, with the names kubectl accepts for them (kind, plural, short name).
 */
enum Kind {
  DOWNLOAD(Download.class, "dl"),
  MODEL_SERVER(ModelServer.class, "ms"),
  FINE_TUNE_JOB(FineTuneJob.class, "ftj");

  private final Class<? extends HasMetadata> type;
  private final String shortName;

  Kind(Class<? extends HasMetadata> type, String shortName) {
    this.type = type;
    this.shortName = shortName;
  }

  Class<? extends HasMetadata> type() {
    return type;
  }

  /** Download, ModelServer, FineTuneJob: as in kubectl's output and the operator's messages. */
  String kind() {
    return HasMetadata.getKind(type);
  }

  String shortName() {
    return shortName;
  }

  private List<String> names() {
    String singular = HasMetadata.getSingular(type);
    String plural = HasMetadata.getPlural(type);
    String group = HasMetadata.getGroup(type);
    return List.of(singular, plural, shortName, singular + "." + group, plural + "." + group);
  }

  static Optional<Kind> parse(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(kind -> kind.names().contains(lower)).findFirst();
  }

  static Kind of(HasMetadata resource) {
    return Arrays.stream(values())
        .filter(kind -> kind.type.isInstance(resource))
        .findFirst()
        .orElseThrow();
  }

  /** For messages: "download (dl), modelserver (ms) or finetunejob (ftj)". */
  static String choices() {
    return DOWNLOAD.choice() + ", " + MODEL_SERVER.choice() + " or " + FINE_TUNE_JOB.choice();
  }

  private String choice() {
    return HasMetadata.getSingular(type) + " (" + shortName + ")";
  }
}
