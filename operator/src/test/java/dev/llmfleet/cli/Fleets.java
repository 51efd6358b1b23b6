package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadPhase;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerSpec;
import dev.llmfleet.api.v1alpha1.ModelServerStatus;
import dev.llmfleet.api.v1alpha1.ModelSource;
import dev.llmfleet.api.v1alpha1.Runtime;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.LocalRef;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import dev.llmfleet.api.v1alpha1.common.Storage;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/**
 * Cluster states as the operator leaves them, recorded as objects: a Download that is downloading,
 * one that succeeded, one that failed for good after a stalled run (its pod still there), and
 * ModelServers ready and waiting.
 */
final class Fleets {

  static final String NS = "models";

  private Fleets() {}

  static Download downloading() {
    return download(
        "qwen2-5-7b",
        DownloadStatus.builder()
            .phase(DownloadPhase.Downloading)
            .source("Qwen/Qwen2.5-7B-Instruct@main")
            .progress(
                DownloadProgress.builder()
                    .bytesDone(6_442_450_944L)
                    .bytesTotal(15_231_233_024L)
                    .percent(42)
                    .filesDone(3)
                    .filesTotal(14)
                    .bytesPerSecond(104_857_600L)
                    .etaSeconds(88L)
                    .currentFile("model-00002-of-00004.safetensors")
                    .verified(false)
                    .run("qwen2-5-7b-run-1")
                    .build())
            .attempts(1)
            .runs(
                List.of(
                    Run.builder()
                        .name("qwen2-5-7b-run-1")
                        .attempt(1)
                        .phase(RunPhase.Running)
                        .startedAt("2026-11-27T09:58:00Z")
                        .build()))
            .conditions(
                List.of(
                    condition(
                        "Ready",
                        "False",
                        "Downloading",
                        "not downloaded yet: run 1 (Job qwen2-5-7b-run-1) is downloading"),
                    condition(
                        "Reconciling",
                        "True",
                        "Downloading",
                        "run 1 (Job qwen2-5-7b-run-1) is downloading"),
                    condition("Stalled", "False", "Downloading", "")))
            .observedGeneration(1L)
            .build());
  }

  static Download succeeded() {
    return download(
        "smollm2",
        DownloadStatus.builder()
            .phase(DownloadPhase.Succeeded)
            .source("https://models.example/smollm2-135m-instruct-q8_0.gguf")
            .progress(
                DownloadProgress.builder()
                    .bytesDone(144_810_240L)
                    .bytesTotal(144_810_240L)
                    .percent(100)
                    .filesDone(1)
                    .filesTotal(1)
                    .verified(true)
                    .run("smollm2-run-1")
                    .build())
            .attempts(1)
            .runs(
                List.of(
                    Run.builder()
                        .name("smollm2-run-1")
                        .attempt(1)
                        .phase(RunPhase.Succeeded)
                        .startedAt("2026-11-27T09:50:00Z")
                        .finishedAt("2026-11-27T09:51:10Z")
                        .build()))
            .conditions(
                List.of(
                    condition("Ready", "True", "Verified", "1 files, 144810240 bytes, verified"),
                    condition("Reconciling", "False", "Verified", ""),
                    condition("Stalled", "False", "Verified", "")))
            .observedGeneration(1L)
            .build());
  }

  static final String FAILED_MESSAGE =
      "run 3 failed with StallTimeout; 3 failed runs exceed backoffLimit 2";

  static Download failed() {
    return download(
        "llama-70b",
        DownloadStatus.builder()
            .phase(DownloadPhase.Failed)
            .source("https://models.example/llama-70b.gguf")
            .progress(
                DownloadProgress.builder()
                    .bytesDone(1_073_741_824L)
                    .bytesTotal(42_949_672_960L)
                    .percent(2)
                    .filesDone(0)
                    .filesTotal(1)
                    .verified(false)
                    .run("llama-70b-run-3")
                    .build())
            .attempts(3)
            .runs(
                List.of(
                    Run.builder()
                        .name("llama-70b-run-1")
                        .attempt(1)
                        .phase(RunPhase.Failed)
                        .reason("StallTimeout")
                        .startedAt("2026-11-27T08:00:00Z")
                        .finishedAt("2026-11-27T08:10:00Z")
                        .collected(true)
                        .build(),
                    Run.builder()
                        .name("llama-70b-run-2")
                        .attempt(2)
                        .phase(RunPhase.Failed)
                        .reason("StallTimeout")
                        .startedAt("2026-11-27T08:11:00Z")
                        .finishedAt("2026-11-27T08:21:00Z")
                        .build(),
                    Run.builder()
                        .name("llama-70b-run-3")
                        .attempt(3)
                        .phase(RunPhase.Failed)
                        .reason("StallTimeout")
                        .startedAt("2026-11-27T08:23:00Z")
                        .finishedAt("2026-11-27T08:33:00Z")
                        .build()))
            .conditions(
                List.of(
                    condition(
                        "Ready", "False", "StallTimeout", "not downloaded yet: " + FAILED_MESSAGE),
                    condition("Reconciling", "False", "StallTimeout", ""),
                    condition("Stalled", "True", "StallTimeout", FAILED_MESSAGE)))
            .observedGeneration(1L)
            .build());
  }

  /**
   * The pod of llama-70b's run 3, stopped by the operator after its stall; its last words in the
   * message.
   */
  static Pod failedRunPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("llama-70b-run-3-x7k2p")
        .withNamespace(NS)
        .withCreationTimestamp("2026-11-27T08:23:01Z")
        .addToLabels("app.kubernetes.io/name", "llmfleet")
        .addToLabels("app.kubernetes.io/instance", "llama-70b")
        .addToLabels("app.kubernetes.io/component", "download")
        .addToLabels("llmfleet.dev/run", "3")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("download")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Failed")
        .addNewContainerStatus()
        .withName("download")
        .withNewState()
        .withNewTerminated()
        .withExitCode(143)
        .withReason("Error")
        .withMessage("llama-70b.gguf: no bytes for 300 s from models.example\n")
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static ModelServer ready() {
    return server(
        "smol-chat",
        "smollm2",
        0,
        ModelServerStatus.builder()
            .phase(ModelServerPhase.Ready)
            .replicas(1)
            .readyReplicas(1)
            .readiness("1/1")
            .model("smollm2")
            .endpoint("http://smol-chat.models.svc.cluster.local:8080/v1")
            .conditions(
                List.of(
                    condition("Ready", "True", "ServerReady", "1/1 replicas ready"),
                    condition("Reconciling", "False", "ServerReady", ""),
                    condition("Stalled", "False", "ServerReady", ""),
                    condition("ModelAvailable", "True", "ModelReady", "smollm2 is ready"),
                    condition("Scheduled", "True", "Scheduled", "")))
            .observedGeneration(1L)
            .build());
  }

  static final String WAITING_MESSAGE =
      "Download llama-70b is Failed; the server starts once it is Succeeded";

  static ModelServer waiting() {
    return server(
        "llama-chat",
        "llama-70b",
        2,
        ModelServerStatus.builder()
            .phase(ModelServerPhase.WaitingForModel)
            .replicas(0)
            .readyReplicas(0)
            .readiness("0/1")
            .model("llama-70b")
            .conditions(
                List.of(
                    condition("Ready", "False", "WaitingForDownload", WAITING_MESSAGE),
                    condition("Reconciling", "False", "WaitingForDownload", ""),
                    condition("Stalled", "False", "WaitingForDownload", ""),
                    condition("ModelAvailable", "False", "WaitingForDownload", WAITING_MESSAGE),
                    condition("Scheduled", "True", "Scheduled", "")))
            .observedGeneration(1L)
            .build());
  }

  /** Every state above in one namespace. */
  static Snapshot fleet() {
    return new Snapshot(
        List.of(failed(), downloading(), succeeded()),
        List.of(waiting(), ready()),
        List.of(),
        List.of(failedRunPod()));
  }

  private static Download download(String name, DownloadStatus status) {
    Download download = new Download();
    download.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NS)
            .withGeneration(1L)
            .withUid(name + "-uid")
            .build());
    download.setSpec(
        DownloadSpec.builder()
            .source(
                DownloadSource.builder()
                    .http(HttpSource.builder().url("https://models.example/" + name).build())
                    .build())
            .storage(Storage.builder().size(new Quantity("40Gi")).build())
            .backoffLimit(2)
            .build());
    download.setStatus(status);
    return download;
  }

  private static ModelServer server(
      String name, String download, int gpus, ModelServerStatus status) {
    ModelServer server = new ModelServer();
    server.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(NS).withGeneration(1L).build());
    server.setSpec(
        ModelServerSpec.builder()
            .runtime(gpus == 0 ? Runtime.LLAMA_CPP : Runtime.VLLM)
            .model(ModelSource.builder().downloadRef(new LocalRef(download)).build())
            .replicas(1)
            .resources(Resources.builder().gpus(gpus).build())
            .build());
    server.setStatus(status);
    return server;
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return Condition.builder()
        .type(type)
        .status(status)
        .reason(reason)
        .message(message)
        .lastTransitionTime("2026-11-27T09:00:00Z")
        .observedGeneration(1L)
        .build();
  }
}
