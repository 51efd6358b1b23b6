package dev.llmfleet.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** KIND/NAME as kubectl takes it: {@code ms/qwen-chat}, {@code download/qwen2-5-7b}. */
record ResourceRef(Kind kind, String name) {

  /**
   * @throws CliException with {@link ExitCodes#USAGE} when the text is not KIND/NAME of a known
   *     kind
   */
  static ResourceRef parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
      throw new CliException(
          ExitCodes.USAGE, "expected KIND/NAME, for example ms/qwen-chat, not '" + text + "'");
    }
    String kind = text.substring(0, slash);
    return new ResourceRef(
        Kind.parse(kind)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.USAGE, "unknown kind '" + kind + "': use " + Kind.choices())),
        text.substring(slash + 1));
  }

  static ResourceRef of(HasMetadata resource) {
    return new ResourceRef(Kind.of(resource), resource.getMetadata().getName());
  }

  /** Download/qwen2-5-7b: the kind as the operator's messages spell it. */
  @Override
  public String toString() {
    return kind.kind() + "/" + name;
  }
}
