package dev.llmfleet.common;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Short, one-line descriptions of failures, for messages that people read. */
public final class Errors {

  private Errors() {}

  /**
   * What went wrong, in a few words. Wrappers say little ("An error has occurred.") and the JDK
   * HTTP client's network exceptions have no message at all, so the cause chain is searched for a
   * known network failure first, then for its innermost message.
   */
  public static String describe(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    // Most specific first: the JDK client wraps an unknown host in a ConnectException.
    if (has(chain, UnknownHostException.class, UnresolvedAddressException.class)) {
      return "unknown host";
    }
    if (has(chain, HttpTimeoutException.class, SocketTimeoutException.class)) {
      return "timed out";
    }
    if (has(chain, ConnectException.class)) {
      return "connection failed";
    }
    String innermost = error.getClass().getSimpleName();
    for (Throwable t : chain) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        innermost = t.getMessage();
      }
    }
    return oneLine(innermost);
  }

  private static boolean has(List<Throwable> chain, Class<?>... types) {
    return chain.stream().anyMatch(t -> Arrays.stream(types).anyMatch(type -> type.isInstance(t)));
  }

  public static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
