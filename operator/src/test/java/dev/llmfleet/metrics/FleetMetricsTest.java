package dev.llmfleet.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerStatus;
import dev.llmfleet.api.v1alpha1.common.Condition;
import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetMetricsTest {

  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FleetMetrics metrics =
      new FleetMetrics(registry, Clock.fixed(START, ZoneOffset.UTC));
  private final List<Download> downloads = new ArrayList<>();
  private final List<ModelServer> servers = new ArrayList<>();

  FleetMetricsTest() {
    metrics.watch("Download", downloads::stream);
    metrics.watch("ModelServer", servers::stream);
  }

  @Test
  void countsResourcesPerKindByKstatusState() {
    servers.add(server("ready", 1L, conditions("True", "False", "False")));
    servers.add(server("rolling", 1L, conditions("True", "True", "False")));
    servers.add(server("edited", 2L, conditions("True", "False", "False")));
    servers.add(server("new", 1L, null));
    servers.add(server("broken", 1L, conditions("False", "False", "True")));

    String scrape = scrape();

    assertThat(scrape)
        .contains("llmfleet_resources{kind=\"ModelServer\",state=\"ready\"} 1.0")
        .contains("llmfleet_resources{kind=\"ModelServer\",state=\"reconciling\"} 3.0")
        .contains("llmfleet_resources{kind=\"ModelServer\",state=\"stalled\"} 1.0")
        .as("a kind without resources still has its rows, so that dashboards show 0")
        .contains("llmfleet_resources{kind=\"Download\",state=\"ready\"} 0.0");
  }

  @Test
  void reportsEachDownloadsProgressUntilItIsDeleted() {
    Download weights = download("weights", List.of());
    weights
        .getStatus()
        .setProgress(DownloadProgress.builder().bytesDone(512L).bytesTotal(2048L).build());
    downloads.add(weights);
    downloads.add(download("waiting", List.of()));

    String first = scrape();
    assertThat(first)
        .contains("llmfleet_download_done_bytes{name=\"weights\",namespace=\"models\"} 512.0")
        .contains("llmfleet_download_size_bytes{name=\"weights\",namespace=\"models\"} 2048.0")
        .as("no row before the downloader reports")
        .doesNotContain("name=\"waiting\"");

    // As the cache does: a new object for each version of the resource.
    weights
        .getStatus()
        .setProgress(DownloadProgress.builder().bytesDone(1024L).bytesTotal(2048L).build());
    assertThat(scrape())
        .contains("llmfleet_download_done_bytes{name=\"weights\",namespace=\"models\"} 1024.0");

    downloads.remove(weights);
    assertThat(scrape()).doesNotContain("name=\"weights\"");
  }

  @Test
  void countsEachFailedRunOnceWhenItAppears() {
    Download download =
        download(
            "flaky",
            new ArrayList<>(
                List.of(
                    run(1, RunPhase.Failed, "StallTimeout", START.minusSeconds(600)),
                    run(2, RunPhase.Running, null, null))));
    downloads.add(download);
    assertThat(scrape())
        .as("failed before this process started")
        .doesNotContain("llmfleet_runs_failed_total{");

    List<Run> runs = download.getStatus().getRuns();
    runs.set(1, run(2, RunPhase.Failed, "ChecksumMismatch", START.plusSeconds(60)));
    runs.add(run(3, RunPhase.Failed, "ChecksumMismatch", START.plusSeconds(120)));
    scrape();
    String scrape = scrape();

    assertThat(scrape)
        .contains("llmfleet_runs_failed_total{kind=\"Download\",reason=\"ChecksumMismatch\"} 2.0")
        .doesNotContain("reason=\"StallTimeout\"");
  }

  @Test
  void countsFailuresOfAResourceFirstSeenAfterTheStart() {
    downloads.add(
        download(
            "late",
            List.of(run(1, RunPhase.Failed, "BackoffLimitExceeded", START.plusSeconds(5)))));

    assertThat(scrape())
        .contains(
            "llmfleet_runs_failed_total{kind=\"Download\",reason=\"BackoffLimitExceeded\"} 1.0");
  }

  @Test
  void aRecreatedResourceIsANewOne() {
    downloads.add(
        download("again", List.of(run(1, RunPhase.Failed, "StallTimeout", START.plusSeconds(5)))));
    scrape();
    downloads.clear();
    scrape();

    Download recreated =
        download("again", List.of(run(1, RunPhase.Failed, "StallTimeout", START.plusSeconds(50))));
    recreated.getMetadata().setUid("uid-again-2");
    downloads.add(recreated);

    assertThat(scrape())
        .contains("llmfleet_runs_failed_total{kind=\"Download\",reason=\"StallTimeout\"} 2.0");
  }

  private String scrape() {
    metrics.refresh();
    return registry.scrape();
  }

  private static Download download(String name, List<Run> runs) {
    Download download = new Download();
    download.setMetadata(metadata(name, 1L));
    download.setStatus(
        DownloadStatus.builder()
            .runs(runs)
            .observedGeneration(1L)
            .conditions(conditions("False", "True", "False"))
            .build());
    return download;
  }

  private static ModelServer server(String name, long generation, List<Condition> conditions) {
    ModelServer server = new ModelServer();
    server.setMetadata(metadata(name, generation));
    if (conditions != null) {
      server.setStatus(
          ModelServerStatus.builder().conditions(conditions).observedGeneration(1L).build());
    }
    return server;
  }

  private static ObjectMeta metadata(String name, long generation) {
    return new ObjectMetaBuilder()
        .withNamespace("models")
        .withName(name)
        .withUid("uid-" + name)
        .withGeneration(generation)
        .build();
  }

  private static List<Condition> conditions(String ready, String reconciling, String stalled) {
    return List.of(
        condition("Ready", ready),
        condition("Reconciling", reconciling),
        condition("Stalled", stalled));
  }

  private static Condition condition(String type, String status) {
    Condition condition = new Condition();
    condition.setType(type);
    condition.setStatus(status);
    return condition;
  }

  private static Run run(int attempt, RunPhase phase, String reason, Instant finishedAt) {
    return Run.builder()
        .name("run-" + attempt)
        .attempt(attempt)
        .phase(phase)
        .reason(reason)
        .finishedAt(finishedAt == null ? null : finishedAt.toString())
        .build();
  }
}
