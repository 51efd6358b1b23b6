package dev.llmfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhyTest {

  @Test
  void followsAServerToItsFailedDownloadItsLastRunAndThatRunsPod() {
    Why why = explain(Kind.MODEL_SERVER, "llama-chat");

    assertThat(why.render())
        .isEqualTo(
            """
        ModelServer/llama-chat  Ready=False  WaitingForDownload
           Download llama-70b is Failed; the server starts once it is Succeeded
        └─ Download/llama-70b  Stalled=True  StallTimeout
              run 3 failed with StallTimeout; 3 failed runs exceed backoffLimit 2
           └─ Job/llama-70b-run-3  run 3 Failed  StallTimeout
                 ended 2026-11-27T08:33:00Z
              └─ Pod/llama-70b-run-3-x7k2p  Failed  Error
                    container download exited with code 143: llama-70b.gguf: no bytes for 300 s from models.example
        ModelServer/llama-chat is blocked: the cause above must be fixed; waiting will not help.
        """);
    assertThat(why.exitCode()).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void aReadyResourceIsOneLink() {
    Why why = explain(Kind.MODEL_SERVER, "smol-chat");

    assertThat(why.chain())
        .containsExactly(
            new Why.Link(
                "ModelServer/smol-chat", "Ready=True", "ServerReady", "1/1 replicas ready"));
    assertThat(why.render()).endsWith("ModelServer/smol-chat is Ready.\n");
    assertThat(why.exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aDownloadInProgressIsNotBlocked() {
    Why why = explain(Kind.DOWNLOAD, "qwen2-5-7b");

    assertThat(why.chain())
        .extracting(Why.Link::object)
        .containsExactly("Download/qwen2-5-7b", "Job/qwen2-5-7b-run-1");
    assertThat(why.exitCode()).isEqualTo(ExitCodes.NOT_READY);
    assertThat(why.render())
        .endsWith("is not Ready yet and nothing has failed for good: it is progressing.\n");
  }

  @Test
  void aMissingDownloadIsTheEndOfTheChain() {
    Snapshot snapshot = new Snapshot(List.of(), List.of(Fleets.waiting()), List.of(), List.of());

    Why why =
        Why.explain(snapshot, new ResourceRef(Kind.MODEL_SERVER, "llama-chat"), Fleets.NS)
            .orElseThrow();

    assertThat(why.chain().get(1))
        .isEqualTo(
            new Why.Link(
                "Download/llama-70b",
                "Missing",
                "NotFound",
                "it does not exist in namespace models: create it, or correct the reference"));
    assertThat(why.exitCode()).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void anUnknownResourceIsEmpty() {
    assertThat(Why.explain(Fleets.fleet(), new ResourceRef(Kind.DOWNLOAD, "nope"), Fleets.NS))
        .isEmpty();
  }

  @Test
  void oneLineNamesEveryLinkAndTheDeepestMessage() {
    assertThat(explain(Kind.MODEL_SERVER, "llama-chat").oneLine())
        .isEqualTo(
            "ModelServer/llama-chat is not Ready: "
                + "ModelServer/llama-chat Ready=False WaitingForDownload <- Download/llama-70b Stalled=True StallTimeout"
                + " <- Job/llama-70b-run-3 run 3 Failed StallTimeout <- Pod/llama-70b-run-3-x7k2p Failed Error: container"
                + " download exited with code 143: llama-70b.gguf: no bytes for 300 s from models.example");
  }

  @Test
  void jsonHasTheChain() throws Exception {
    Why why = explain(Kind.MODEL_SERVER, "llama-chat");

    JsonNode json = new ObjectMapper().readTree(Output.json.format(why, why.render()));

    assertThat(json.get("target").asText()).isEqualTo("ModelServer/llama-chat");
    assertThat(json.get("state").asText()).isEqualTo("reconciling");
    assertThat(json.get("blocked").asBoolean()).isTrue();
    assertThat(json.get("chain")).hasSize(4);
    assertThat(json.get("chain").get(1).get("object").asText()).isEqualTo("Download/llama-70b");
    assertThat(json.get("chain").get(1).get("condition").asText()).isEqualTo("Stalled=True");
    assertThat(json.get("chain").get(1).get("reason").asText()).isEqualTo("StallTimeout");
    assertThat(json.get("chain").get(3).get("message").asText()).contains("no bytes for 300 s");
  }

  private static Why explain(Kind kind, String name) {
    return Why.explain(Fleets.fleet(), new ResourceRef(kind, name), Fleets.NS).orElseThrow();
  }
}
