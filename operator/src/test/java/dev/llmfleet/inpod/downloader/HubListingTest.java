package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubListingTest {

  // Shaped like the answer of huggingface.co/api/models/<repo>/revision/main?blobs=true.
  private static final String LISTING =
      """
      {"_id": "66", "id": "Qwen/Qwen2.5-0.5B", "sha": "060db6499f32faf8b98477b0a26969ef7d8b9987",
       "siblings": [
        {"rfilename": ".gitattributes", "blobId": "a6344aac8c09253b3b630fb776ae94478aa0275b", "size": 1519},
        {"rfilename": "config.json", "blobId": "9eddb62b076f586b2186445e7872e5a05f0dfe06", "size": 681},
        {"rfilename": "model.safetensors", "blobId": "ad2a7a0e4f9c2a8d4d1f8f4b8b0b3d3b2d5f0c1a", "size": 135,
         "lfs": {"sha256": "FDF756FA7FCBE7404D5C60E26BFF1A0C8B8AA1F72CED49E7DD0210FE288FB7FE",
                 "size": 988097824, "pointerSize": 135}},
        {"rfilename": "original/consolidated.pth", "size": 12,
         "lfs": {"sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size": 12}}
       ]}
      """;

  @Test
  void readsSizesAndChecksumsLfsByContentSha256OthersByBlobId() throws Exception {
    HubListing listing = HubListing.parse(LISTING);

    assertThat(listing.commit()).contains("060db6499f32faf8b98477b0a26969ef7d8b9987");
    assertThat(listing.entries())
        .extracting(HubListing.Entry::path)
        .containsExactly(
            ".gitattributes", "config.json", "model.safetensors", "original/consolidated.pth");
    HubListing.Entry model = listing.entries().get(2);
    assertThat(model.size()).isEqualTo(988097824L);
    assertThat(model.checksum())
        .contains(
            Checksum.sha256("fdf756fa7fcbe7404d5c60e26bff1a0c8b8aa1f72ced49e7dd0210fe288fb7fe"));
    assertThat(listing.entries().get(1).checksum())
        .contains(Checksum.gitBlob("9eddb62b076f586b2186445e7872e5a05f0dfe06"));
  }

  @Test
  void selectsByIncludeAndExcludeAndFetchesFromTheListedCommit() throws Exception {
    List<RemoteFile> files =
        HubListing.parse(LISTING)
            .select(
                "https://hf.example",
                "Qwen/Qwen2.5-0.5B",
                "main",
                List.of("*.json", "*.safetensors", "*.pth"),
                List.of("original/"));

    assertThat(files)
        .extracting(RemoteFile::path)
        .containsExactly("config.json", "model.safetensors");
    assertThat(files.get(1).url())
        .isEqualTo(
            URI.create(
                "https://hf.example/Qwen/Qwen2.5-0.5B/resolve/"
                    + "060db6499f32faf8b98477b0a26969ef7d8b9987/model.safetensors"));
  }

  @Test
  void withoutACommitFetchesTheRevisionEncodedAsOnePathSegment() throws Exception {
    HubListing listing =
        new HubListing(
            Optional.empty(),
            1,
            List.of(new HubListing.Entry("sub dir/a+b.json", 1, Optional.empty())));

    RemoteFile file =
        listing.select("https://hf.example", "org/name", "refs/pr/1", null, null).get(0);

    assertThat(file.url().toString())
        .isEqualTo("https://hf.example/org/name/resolve/refs%2Fpr%2F1/sub%20dir/a%2Bb.json");
    assertThat(HubListing.url("https://hf.example", "org/name", "refs/pr/1").toString())
        .isEqualTo("https://hf.example/api/models/org/name/revision/refs%2Fpr%2F1?blobs=true");
  }

  @Test
  void aListingWithoutSizesIsRejected() {
    assertThatThrownBy(() -> HubListing.parse("{\"siblings\": [{\"rfilename\": \"a.bin\"}]}"))
        .isInstanceOf(HubListing.Malformed.class)
        .hasMessage("\"a.bin\" has no size");
  }

  @Test
  void longStringsInFieldsTheDownloaderDoesNotUseAreSkipped() throws Exception {
    String card = "x".repeat(1024 * 1024);
    HubListing listing =
        HubListing.parse(
            "{\"cardData\": {\"text\": \""
                + card
                + "\"}, \"siblings\": ["
                + "{\"rfilename\": \"a.json\", \"size\": 3, \"note\": \""
                + card
                + "\"}], \"sha\": \""
                + "a".repeat(40)
                + "\", \"readme\": \""
                + card
                + "\"}");

    assertThat(listing.entries()).extracting(HubListing.Entry::path).containsExactly("a.json");
    assertThat(listing.commit()).contains("a".repeat(40));
  }

  @Test
  void encodesNonAsciiPathsAsUtf8() {
    assertThat(HubListing.encode("dé/ü.txt", true)).isEqualTo("d%C3%A9/%C3%BC.txt");
  }

  @Test
  void aMirrorUnderAPathPrefixKeepsItForTheListingAndTheFiles() throws Exception {
    String mirror = "https://artifacts.corp/api/huggingface/hf-remote";
    for (String endpoint : List.of(mirror, mirror + "/", mirror + "//")) {
      assertThat(HubListing.url(endpoint, "org/name", "main").toString())
          .isEqualTo(mirror + "/api/models/org/name/revision/main?blobs=true");
      HubListing listing =
          HubListing.parse(
              "{\"sha\": \""
                  + "a".repeat(40)
                  + "\", \"siblings\": ["
                  + "{\"rfilename\": \"sub dir/config.json\", \"size\": 3, \"blobId\": \""
                  + "b".repeat(40)
                  + "\"}]}");
      assertThat(listing.select(endpoint, "org/name", "main", null, null).get(0).url())
          .isEqualTo(
              URI.create(
                  mirror + "/org/name/resolve/" + "a".repeat(40) + "/sub%20dir/config.json"));
    }
    assertThat(HubListing.join("https://huggingface.co", "x"))
        .isEqualTo("https://huggingface.co/x");
  }
}
