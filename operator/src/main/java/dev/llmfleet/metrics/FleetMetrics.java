package dev.llmfleet.metrics;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.common.KstatusState;
import dev.llmfleet.common.StatusView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * LLMFleet's own metrics, computed from JOSDK's caches of the primary resources each time /metrics
 * is scraped ({@link #refresh()}): no watch or copy of the resources of its own, one pass over them
 * per scrape, and rows of deleted resources disappear with them.
 *
 * <ul>
 *   <li>{@code llmfleet_resources{kind,state}}: resources per kstatus state (ready, reconciling,
 *       stalled)
 *   <li>{@code llmfleet_download_done_bytes{namespace,name}} and {@code
 *       llmfleet_download_size_bytes{...}}: a Download's status.progress, for Downloads that
 *       reported some
 *   <li>{@code llmfleet_runs_failed_total{kind,reason}}: see {@link FailedRunCounter}
 * </ul>
 */
public final class FleetMetrics implements Metrics {

  private final Map<String, Supplier<Stream<? extends HasMetadata>>> cachesByKind =
      new ConcurrentSkipListMap<>();
  private final MultiGauge resources;
  private final MultiGauge downloadDone;
  private final MultiGauge downloadSize;
  private final FailedRunCounter failedRuns;
  // The latest progress of each Download's rows: rows read it when scraped, so that a refresh
  // registers and removes
  // only the rows of new and deleted Downloads instead of every row again.
  private volatile Map<Tags, DownloadProgress> progressByRow = Map.of();

  public FleetMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  FleetMetrics(MeterRegistry registry, Clock clock) {
    resources =
        MultiGauge.builder("llmfleet.resources")
            .description(
                "LLMFleet resources by kind and kstatus state (ready, reconciling, stalled)")
            .register(registry);
    downloadDone =
        MultiGauge.builder("llmfleet.download.done")
            .baseUnit("bytes")
            .description("Bytes a Download has fetched so far (status.progress.bytesDone)")
            .register(registry);
    downloadSize =
        MultiGauge.builder("llmfleet.download.size")
            .baseUnit("bytes")
            .description("Bytes a Download fetches in all (status.progress.bytesTotal)")
            .register(registry);
    // Run timestamps in status have whole seconds.
    failedRuns = new FailedRunCounter(registry, clock.instant().truncatedTo(ChronoUnit.SECONDS));
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    var primaries = controller.getEventSourceManager().getControllerEventSource();
    // The cache exists once the operator starts, and /metrics answers before that.
    watch(
        HasMetadata.getKind(controller.getConfiguration().getResourceClass()),
        () -> primaries.isRunning() ? primaries.list() : Stream.empty());
  }

  /** Counts the resources of {@code kind} that {@code cache} lists at each refresh. */
  void watch(String kind, Supplier<Stream<? extends HasMetadata>> cache) {
    cachesByKind.put(kind, cache);
  }

  /** Recomputes every row from the caches; call it before each scrape. */
  public synchronized void refresh() {
    List<MultiGauge.Row<?>> states = new ArrayList<>();
    Map<Tags, DownloadProgress> progress = new HashMap<>();
    Set<String> present = new HashSet<>();
    cachesByKind.forEach(
        (kind, cache) -> {
          Map<KstatusState, Long> counts = new EnumMap<>(KstatusState.class);
          for (KstatusState state : KstatusState.values()) {
            counts.put(state, 0L);
          }
          cache
              .get()
              .forEach(
                  resource -> {
                    StatusView status = StatusView.of(resource);
                    counts.merge(KstatusState.of(resource, status), 1L, Long::sum);
                    present.add(resource.getMetadata().getUid());
                    failedRuns.observe(kind, resource, status.runs());
                    if (resource instanceof Download download && progress(download) != null) {
                      progress.put(
                          Tags.of(
                              "namespace",
                              download.getMetadata().getNamespace(),
                              "name",
                              download.getMetadata().getName()),
                          progress(download));
                    }
                  });
          counts.forEach(
              (state, count) ->
                  states.add(
                      MultiGauge.Row.of(Tags.of("kind", kind, "state", state.label()), count)));
        });
    resources.register(states, true);
    progressByRow = progress;
    downloadDone.register(progressRows(progress.keySet(), DownloadProgress::getBytesDone), false);
    downloadSize.register(progressRows(progress.keySet(), DownloadProgress::getBytesTotal), false);
    failedRuns.retainOnly(present);
  }

  private List<MultiGauge.Row<?>> progressRows(
      Set<Tags> rows, Function<DownloadProgress, Long> field) {
    return rows.stream()
        .<MultiGauge.Row<?>>map(
            tags ->
                MultiGauge.Row.of(
                    tags,
                    () -> {
                      DownloadProgress latest = progressByRow.get(tags);
                      return latest == null ? Double.NaN : orZero(field.apply(latest));
                    }))
        .toList();
  }

  private static DownloadProgress progress(Download download) {
    return download.getStatus() == null ? null : download.getStatus().getProgress();
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
