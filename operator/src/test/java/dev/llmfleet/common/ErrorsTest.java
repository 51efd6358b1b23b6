package dev.llmfleet.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  @Test
  void namesAnUnknownHostHiddenInsideAConnectException() {
    var error = clientError(new UnresolvedAddressException());

    assertThat(Errors.describe(error)).isEqualTo("unknown host");
  }

  @Test
  void namesAFailedConnectionWithoutAnyMessage() {
    var error = clientError(new ClosedChannelException());

    assertThat(Errors.describe(error)).isEqualTo("connection failed");
  }

  @Test
  void otherwiseUsesTheInnermostMessageOnOneLine() {
    var error = new IllegalStateException("outer", new IOException("disk\n  full"));

    assertThat(Errors.describe(error)).isEqualTo("disk full");
  }

  // The chain the JDK HTTP client produces under fabric8 when the API server cannot be reached.
  private static KubernetesClientException clientError(Throwable root) {
    var connect = new ConnectException();
    connect.initCause(root);
    return new KubernetesClientException("An error has occurred.", new IOException(connect));
  }
}
