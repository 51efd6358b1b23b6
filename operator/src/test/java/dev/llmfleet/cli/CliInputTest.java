package dev.llmfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CliInputTest {

  @Test
  void kindsAreTakenAsKubectlTakesThem() {
    assertThat(ResourceRef.parse("ms/qwen")).isEqualTo(new ResourceRef(Kind.MODEL_SERVER, "qwen"));
    assertThat(ResourceRef.parse("modelservers/qwen").kind()).isEqualTo(Kind.MODEL_SERVER);
    assertThat(ResourceRef.parse("Download/x").kind()).isEqualTo(Kind.DOWNLOAD);
    assertThat(ResourceRef.parse("downloads.llmfleet.dev/x").kind()).isEqualTo(Kind.DOWNLOAD);
    assertThat(ResourceRef.parse("ftj/x").kind()).isEqualTo(Kind.FINE_TUNE_JOB);
    assertThat(ResourceRef.parse("dl/x")).hasToString("Download/x");
  }

  @Test
  void badReferencesAreUsageErrorsThatSayWhatIsExpected() {
    assertThatThrownBy(() -> ResourceRef.parse("pod/x"))
        .isInstanceOf(CliException.class)
        .hasMessage("unknown kind 'pod': use download (dl), modelserver (ms) or finetunejob (ftj)")
        .extracting(e -> ((CliException) e).exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThatThrownBy(() -> ResourceRef.parse("qwen")).hasMessageContaining("expected KIND/NAME");
    assertThatThrownBy(() -> ResourceRef.parse("ms/")).hasMessageContaining("expected KIND/NAME");
  }

  @Test
  void watchTakesDownloadAndAName() {
    assertThat(WatchCommand.name(List.of())).isNull();
    assertThat(WatchCommand.name(List.of("download"))).isNull();
    assertThat(WatchCommand.name(List.of("download", "qwen"))).isEqualTo("qwen");
    assertThat(WatchCommand.name(List.of("dl/qwen"))).isEqualTo("qwen");
    assertThatThrownBy(() -> WatchCommand.name(List.of("ms", "qwen")))
        .hasMessageContaining("watch follows Downloads");
  }

  @Test
  void progressLinesSayWhatAPersonReads() {
    assertThat(ProgressLines.line(Fleets.downloading()))
        .isEqualTo(
            "qwen2-5-7b  Downloading  42%  6.0 GiB / 14.2 GiB"
                + "  100.0 MiB/s  ETA 1m28s  files 3/14  model-00002-of-00004.safetensors");
    assertThat(ProgressLines.line(Fleets.succeeded()))
        .isEqualTo("smollm2  Succeeded  100%  138.1 MiB / 138.1 MiB  files 1/1  verified");
    assertThat(ProgressLines.result(Fleets.succeeded()))
        .isEqualTo("Download smollm2 Succeeded: 1 file, 138.1 MiB, verified");
    assertThat(ProgressLines.result(Fleets.failed()))
        .isEqualTo(
            "Download llama-70b Failed: StallTimeout: "
                + Fleets.FAILED_MESSAGE
                + " (kubectl llmfleet why dl/llama-70b)");
  }

  @Test
  void logsOfADownloadAreThoseOfItsLatestRunWithAPod() {
    assertThat(
            LogsCommand.choose(Fleets.fleet(), Fleets.failed(), true)
                .orElseThrow()
                .pod()
                .getMetadata()
                .getName())
        .isEqualTo("llama-70b-run-3-x7k2p");
    assertThat(LogsCommand.choose(Fleets.fleet(), Fleets.downloading(), false)).isEmpty();
  }

  @Test
  void serverSentEventsGiveTheirDelta() throws Exception {
    assertThat(ChatClient.delta("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}"))
        .contains("Hel");
    assertThat(ChatClient.delta("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}"))
        .isEmpty();
    assertThat(ChatClient.delta(": keep-alive")).isEmpty();
  }
}
