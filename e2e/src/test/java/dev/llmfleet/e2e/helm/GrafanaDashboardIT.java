package dev.llmfleet.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.api.v1alpha1.DownloadFailure;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.e2e.support.Cluster;
import dev.llmfleet.e2e.support.DownloaderReports;
import dev.llmfleet.e2e.support.InProcessOperator;
import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.OperatorProcess;
import dev.llmfleet.e2e.support.SmallDownload;
import dev.llmfleet.e2e.support.SmallServer;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart's Grafana dashboard asks only for metrics the operator serves: every metric name in its
 * panels' PromQL is on the /metrics of the operator jar once a Download has reported progress and
 * failed a run, and a ModelServer has failed a reconcile.
 */
@ExtendWith(LlmFleetExtension.class)
class GrafanaDashboardIT {

  private static final String CHART = Cluster.repoFile("helm/llmfleet-operator").toString();
  // Identifiers not followed by "(" that are not metric names once label matchers, ranges and
  // groupings are gone.
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset");
  private static final Pattern IDENTIFIER =
      Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");

  @Test
  void everyMetricOfTheDashboardIsServed(TestNamespace namespace, InProcessOperator inProcess)
      throws IOException {
    ConfigMap dashboard = renderDashboard(namespace);
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    Set<String> metrics =
        metricNames(new ObjectMapper().readTree(dashboard.getData().get("llmfleet.json")));
    assertThat(metrics)
        .as("the parsing of the panels' PromQL")
        .contains(
            "llmfleet_resources",
            "llmfleet_runs_failed_total",
            "operator_sdk_controllers_execution_reconcile_seconds_bucket");

    // The jar, as the chart runs it, serves the /metrics that Prometheus scrapes; the in-process
    // operator would
    // compete with it for the namespace.
    inProcess.stop();
    try (OperatorProcess operator =
        OperatorProcess.start(
            namespace.cluster(),
            "dashboard-operator",
            namespace.name(),
            namespace.name(),
            List.of("-Xmx256m"))) {
      failedDownload(namespace);
      refusedModelServer(namespace);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                String scrape = operator.metrics().orElse("");
                assertThat(served(scrape))
                    .as("metrics served, against those of the dashboard")
                    .containsAll(metrics);
                assertThat(scrape)
                    .contains(
                        "llmfleet_download_done_bytes{name=\"weights\",namespace=\""
                            + namespace.name()
                            + "\"} 1024.0")
                    .contains(
                        "llmfleet_runs_failed_total{kind=\"Download\",reason=\"ChecksumMismatch\"} 1.0")
                    .contains("llmfleet_resources{kind=\"ModelServer\",state=\"reconciling\"} 1.0");
              });
    }
  }

  private static ConfigMap renderDashboard(TestNamespace namespace) throws IOException {
    Cluster cluster = namespace.cluster();
    Cluster.Result lint =
        cluster.helm("lint", "--strict", CHART, "--set", "metrics.grafanaDashboard.enabled=true");
    assertThat(lint.exitCode()).as(lint.output()).isZero();
    Cluster.Result rendered =
        cluster.helm(
            "template",
            "llmfleet-operator",
            CHART,
            "-n",
            namespace.name(),
            "--set",
            "metrics.grafanaDashboard.enabled=true",
            "-s",
            "templates/grafana-dashboard.yaml");
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    Path manifest = Files.createTempFile("dashboard", ".yaml");
    Files.writeString(manifest, rendered.output());
    Cluster.Result dryRun =
        namespace.kubectl("apply", "--dry-run=server", "-f", manifest.toString());
    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
    return namespace
        .client()
        .getKubernetesSerialization()
        .unmarshal(rendered.output(), ConfigMap.class);
  }

  /** Metric names in the PromQL of every panel's targets. */
  static Set<String> metricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr =
            target
                .path("expr")
                .asText()
                .replaceAll("\\{[^}]*\\}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(by|without)\\s*\\([^)]*\\)", " ");
        Matcher matcher = IDENTIFIER.matcher(expr);
        while (matcher.find()) {
          if (!PROMQL_WORDS.contains(matcher.group(1))) {
            names.add(matcher.group(1));
          }
        }
      }
    }
    return names;
  }

  /** Names of the samples in a Prometheus text exposition. */
  private static Set<String> served(String scrape) {
    return scrape
        .lines()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("[{ ]", 2)[0])
        .collect(Collectors.toSet());
  }

  /** A Download that reported progress, then a checksum mismatch: one failed run. */
  private static void failedDownload(TestNamespace namespace) {
    namespace
        .client()
        .resource(SmallDownload.of(namespace.name(), "weights", "weights.gguf"))
        .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> namespace.get("weights-run-1", Job.class) != null);
    DownloaderReports.report(
        namespace,
        "weights",
        DownloadProgress.builder()
            .run("weights-run-1")
            .bytesDone(1024L)
            .bytesTotal(4096L)
            .failure(
                new DownloadFailure("ChecksumMismatch", "weights.gguf: expected 5f2b, got 00aa"))
            .build());
  }

  /** A ModelServer whose Service the API server refuses: its reconciles fail. */
  private static void refusedModelServer(TestNamespace namespace) {
    namespace
        .client()
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-services")
                .withNamespace(namespace.name())
                .endMetadata()
                .withNewSpec()
                .addToHard("services", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    namespace.client().resource(SmallServer.named(namespace.name(), "chat")).create();
  }
}
