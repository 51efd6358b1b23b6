package dev.llmfleet.secrets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Attached to the root logger at TRACE for the duration of a test: every log line of every logger,
 * with its exception chain, is checked for canary values. {@link #close} restores the level and
 * fails the test on a hit.
 */
final class CanaryLogAppender extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> canaries;
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level previous;
  private int lines;

  CanaryLogAppender(String... canaries) {
    this.canaries = List.of(canaries);
    this.previous = root.getLevel();
    setContext(root.getLoggerContext());
    setName("canary");
    start();
    root.addAppender(this);
    root.setLevel(Level.TRACE);
  }

  int lines() {
    return lines;
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    lines++;
    StringBuilder text = new StringBuilder(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        text.append('\n').append(frame.getSTEAsString());
      }
    }
    for (String canary : canaries) {
      if (text.indexOf(canary) >= 0) {
        leaks.add(
            event.getLevel()
                + " "
                + event.getLoggerName()
                + ": line of "
                + text.length()
                + " chars holds a canary");
      }
    }
  }

  @Override
  public void close() {
    root.detachAppender(this);
    root.setLevel(previous);
    stop();
    if (!leaks.isEmpty()) {
      throw new AssertionError("secret values reached the log:\n" + String.join("\n", leaks));
    }
  }
}
