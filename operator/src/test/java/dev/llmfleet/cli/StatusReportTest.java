package dev.llmfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusReportTest {

  @Test
  void plainOutputGroupsByKindSaysWhatIsWrongAndEndsWithTheVerdict() {
    StatusReport report = StatusReport.of(Fleets.fleet(), Fleets.NS);

    assertThat(report.render())
        .isEqualTo(
            """
        DOWNLOAD    PHASE        PROGRESS  SIZE                RATE         ETA    FILES  VERIFIED  SOURCE
        llama-70b   Failed       2%        1.0 GiB / 40.0 GiB  -            -      0/1    no        https://models.example/llama-70b.gguf
        qwen2-5-7b  Downloading  42%       6.0 GiB / 14.2 GiB  100.0 MiB/s  1m28s  3/14   no        Qwen/Qwen2.5-7B-Instruct@main
        smollm2     Succeeded    100%      138.1 MiB           -            -      1/1    yes       https://models.example/smollm2-135m-instruct-q8_0.gguf
          ! llama-70b: StallTimeout: run 3 failed with StallTimeout; 3 failed runs exceed backoffLimit 2
          ! qwen2-5-7b: Downloading: not downloaded yet: run 1 (Job qwen2-5-7b-run-1) is downloading

        MODELSERVER  RUNTIME   MODEL      READY  GPUS  PHASE            ENDPOINT
        llama-chat   vllm      llama-70b  0/0    0     WaitingForModel  -
        smol-chat    llamacpp  smollm2    1/1    0     Ready            http://smol-chat.models.svc.cluster.local:8080/v1
          ! llama-chat: WaitingForDownload: Download llama-70b is Failed; the server starts once it is Succeeded

        Verdict: 2 of 5 Ready, 2 progressing, 1 stalled (Download/llama-70b: see why); 0 GPUs in use.
        """);
    assertThat(report.exitCode()).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void allNamespacesAddsTheNamespaceColumn() {
    Snapshot snapshot =
        new Snapshot(List.of(Fleets.succeeded()), List.of(Fleets.ready()), List.of(), List.of());

    String text = StatusReport.of(snapshot, null).render();

    assertThat(text)
        .startsWith("NAMESPACE  DOWNLOAD  PHASE")
        .contains("\nmodels     smollm2   Succeeded")
        .endsWith("Verdict: all 2 Ready; 0 GPUs in use.\n");
    assertThat(StatusReport.of(snapshot, null).exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void anEmptyNamespaceSaysSo() {
    StatusReport report =
        StatusReport.of(new Snapshot(List.of(), List.of(), List.of(), List.of()), "empty");

    assertThat(report.render())
        .isEqualTo("No LLMFleet resources in namespace empty.\nVerdict: nothing to report.\n");
    assertThat(report.exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void progressWithoutFailureExitsNotReady() {
    Snapshot snapshot =
        new Snapshot(List.of(Fleets.downloading()), List.of(), List.of(), List.of());

    assertThat(StatusReport.of(snapshot, Fleets.NS).exitCode()).isEqualTo(ExitCodes.NOT_READY);
  }

  @Test
  void jsonHasTheRowsAndTheVerdict() throws Exception {
    StatusReport report = StatusReport.of(Fleets.fleet(), Fleets.NS);

    JsonNode json = new ObjectMapper().readTree(Output.json.format(report, report.render()));

    assertThat(json.get("namespace").asText()).isEqualTo("models");
    JsonNode qwen = json.get("downloads").get(1);
    assertThat(qwen.get("name").asText()).isEqualTo("qwen2-5-7b");
    assertThat(qwen.get("phase").asText()).isEqualTo("Downloading");
    assertThat(qwen.get("percent").asInt()).isEqualTo(42);
    assertThat(qwen.get("bytesDone").asLong()).isEqualTo(6_442_450_944L);
    assertThat(qwen.get("etaSeconds").asLong()).isEqualTo(88);
    assertThat(qwen.get("state").asText()).isEqualTo("reconciling");
    assertThat(json.get("modelServers").get(1).get("state").asText()).isEqualTo("ready");
    assertThat(json.get("modelServers").get(1).has("problem"))
        .as("no problem when Ready")
        .isFalse();
    JsonNode verdict = json.get("verdict");
    assertThat(verdict.get("total").asInt()).isEqualTo(5);
    assertThat(verdict.get("ready").asInt()).isEqualTo(2);
    assertThat(verdict.get("stalled").asInt()).isEqualTo(1);
    assertThat(verdict.get("stalledResources").get(0).asText()).isEqualTo("Download/llama-70b");
  }

  @Test
  void yamlHasTheSameFields() {
    StatusReport report = StatusReport.of(Fleets.fleet(), Fleets.NS);

    assertThat(Output.yaml.format(report, report.render()))
        .contains(
            "namespace: models\n", "- namespace: models\n  name: qwen2-5-7b\n", "  stalled: 1\n");
  }
}
