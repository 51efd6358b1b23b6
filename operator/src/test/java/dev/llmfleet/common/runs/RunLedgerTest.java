package dev.llmfleet.common.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.api.v1alpha1.common.Run;
import dev.llmfleet.api.v1alpha1.common.RunPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunLedgerTest {

  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void firstRunIsDueAtOnce() {
    RunLedger ledger = new RunLedger(null, T0);

    assertThat(ledger.due(false)).contains(1);
    ledger.start(1, "job-run-1");

    assertThat(ledger.active())
        .hasValueSatisfying(
            run -> {
              assertThat(run.getName()).isEqualTo("job-run-1");
              assertThat(run.getStartedAt()).isEqualTo("2026-11-27T10:00:00Z");
            });
    assertThat(ledger.due(false)).as("not while a run is active").isEmpty();
  }

  @Test
  void activeRunEndsNowWithItsReason() {
    RunLedger ledger = new RunLedger(List.of(running(1, T0)), T0.plusMillis(61_500));

    ledger.fail("OOMKilled");

    assertThat(ledger.last())
        .hasValueSatisfying(
            run -> {
              assertThat(run.getPhase()).isEqualTo(RunPhase.Failed);
              assertThat(run.getReason()).isEqualTo("OOMKilled");
              assertThat(run.getFinishedAt()).isEqualTo("2026-11-27T10:01:01Z");
            });
    assertThat(ledger.active()).isEmpty();
  }

  @Test
  void nextRunIsDueAfterTheBackoffOfItsFailureCount() {
    List<Run> runs = List.of(failed(1, T0, "Error"), failed(2, T0.plusSeconds(100), "Error"));

    RunLedger waiting = new RunLedger(runs, T0.plusSeconds(119));
    RunLedger due = new RunLedger(runs, T0.plusSeconds(120));

    assertThat(waiting.due(false)).isEmpty();
    assertThat(waiting.recheckAfter()).contains(Duration.ofSeconds(2));
    assertThat(due.due(false)).contains(3);
    assertThat(due.due(true)).as("given up").isEmpty();
  }

  @Test
  void noRunAfterASuccess() {
    Run succeeded =
        running(1, T0).toBuilder().phase(RunPhase.Succeeded).finishedAt(T0.toString()).build();

    assertThat(new RunLedger(List.of(succeeded), T0.plusSeconds(3600)).due(false)).isEmpty();
  }

  @Test
  void failedRunsAreCollectedAfterTheTtlExceptTheNewestKept() {
    List<Run> runs =
        List.of(
            failed(1, T0, "Error"),
            failed(2, T0.plusSeconds(20), "Error"),
            failed(3, T0.plusSeconds(50), "Error"));
    Set<String> jobs = Set.of("job-run-1", "job-run-2", "job-run-3");

    RunLedger early = new RunLedger(runs, T0.plusSeconds(59));
    RunLedger late = new RunLedger(runs, T0.plusSeconds(3600));

    assertThat(early.collectFailed(new FailedRunGc(60, 1), jobs)).isEmpty();
    assertThat(early.recheckAfter()).contains(Duration.ofSeconds(2));
    assertThat(late.collectFailed(new FailedRunGc(60, 1), jobs))
        .extracting(Run::getName)
        .containsExactly("job-run-1", "job-run-2");
    assertThat(late.runs()).extracting(Run::getCollected).containsExactly(true, true, null);
    assertThat(late.recheckAfter()).as("a kept run is due for nothing").isEmpty();
  }

  @Test
  void keptRunsStayWhateverTheirAge() {
    List<Run> runs = List.of(failed(1, T0, "Error"), failed(2, T0.plusSeconds(20), "Error"));

    RunLedger ledger = new RunLedger(runs, T0.plusSeconds(86_400));

    assertThat(ledger.collectFailed(new FailedRunGc(0, 2), Set.of("job-run-1", "job-run-2")))
        .isEmpty();
  }

  @Test
  void failedRunWhoseJobIsGoneIsCollectedEvenWhenKept() {
    List<Run> runs = List.of(failed(1, T0, "Error"));

    RunLedger ledger = new RunLedger(runs, T0.plusSeconds(1));

    assertThat(ledger.collectFailed(new FailedRunGc(3600, 1), Set.of()))
        .extracting(Run::getName)
        .containsExactly("job-run-1");
  }

  @Test
  void collectedRunsAreNotCollectedAgain() {
    Run collected = failed(1, T0, "Error").toBuilder().collected(true).build();

    RunLedger ledger = new RunLedger(List.of(collected), T0.plusSeconds(3600));

    assertThat(ledger.collectFailed(new FailedRunGc(0, 0), Set.of())).isEmpty();
  }

  static Run running(int attempt, Instant startedAt) {
    return Run.builder()
        .name("job-run-" + attempt)
        .attempt(attempt)
        .phase(RunPhase.Running)
        .startedAt(startedAt.toString())
        .build();
  }

  static Run failed(int attempt, Instant finishedAt, String reason) {
    return running(attempt, finishedAt.minusSeconds(5)).toBuilder()
        .phase(RunPhase.Failed)
        .reason(reason)
        .finishedAt(finishedAt.toString())
        .build();
  }
}
