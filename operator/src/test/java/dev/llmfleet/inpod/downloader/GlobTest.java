package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  // Expected values are what Python's fnmatch.fnmatch(path, glob) returns on Linux.
  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "*.json                           | config.json                           | true",
        "*.json                           | sub/dir/config.json                   | true",
        "*.safetensors                    | model.safetensors.index.json          | false",
        "model-?????-of-00004.safetensors | model-00002-of-00004.safetensors      | true",
        "original/*                       | original/consolidated.00.pth          | true",
        "*/*.gguf                         | a/b/c.gguf                            | true",
        "*                                | .gitattributes                        | true",
        "*.JSON                           | config.json                           | false",
        "a.b                              | axb                                   | false",
        "x+y                              | x+y                                   | true",
        "[abc]*                           | banana                                | true",
        "[!abc]*                          | banana                                | false",
        "[a-c]x                           | bx                                    | true",
        "[z-a]x                           | bx                                    | false",
        "data/[0-9][0-9].txt              | data/07.txt                           | true",
        "[]]                              | ]                                     | true",
        "[!]]                             | a                                     | true",
        "[^a]                             | ^                                     | true",
        "[^a]                             | b                                     | false",
        "[a-]                             | -                                     | true",
        "[                                | [                                     | true",
        "a[b                              | a[b                                   | true",
        "[!]                              | !                                     | false",
        "[!]                              | [!]                                   | true",
        "*\\*                             | a\\b                                  | true",
      })
  void matchesLikePythonFnmatch(String glob, String path, boolean expected) {
    assertThat(Glob.matches(glob, path)).isEqualTo(expected);
  }

  @Test
  void aTrailingSlashSelectsEverythingInTheFolder() {
    assertThat(Glob.matches("original/", "original/params.json")).isTrue();
    assertThat(Glob.matches("original/", "params.json")).isFalse();
  }

  @Test
  void selectsIncludedFilesThatNoExcludeMatches() {
    List<String> include = List.of("*.safetensors", "*.json");
    List<String> exclude = List.of("original/*");

    assertThat(Glob.selects(include, exclude, "model.safetensors")).isTrue();
    assertThat(Glob.selects(include, exclude, "original/config.json")).isFalse();
    assertThat(Glob.selects(include, exclude, "pytorch_model.bin")).isFalse();
  }

  @Test
  void withoutIncludeEverythingNotExcludedIsSelected() {
    assertThat(Glob.selects(null, List.of("*.bin"), "README.md")).isTrue();
    assertThat(Glob.selects(null, List.of("*.bin"), "pytorch_model.bin")).isFalse();
    assertThat(Glob.selects(null, null, "anything")).isTrue();
  }
}
