package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

  private static final URI ORIGIN =
      URI.create("https://mirror.corp:8443/api/models/a/b/revision/main?blobs=true");

  private static SSLHandshakeException handshake(Throwable cause) {
    SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
    e.initCause(cause);
    return e;
  }

  @Test
  void anUntrustedCertificateEndsTheRunWithTheHostAndTheFix() {
    CertificateException chain =
        new CertificateException(
            "validator",
            new CertPathValidatorException(
                "unable to find valid certification path to requested target"));
    Failure failure =
        Tls.classify(new Tls.HandshakeFailure(ORIGIN, false, handshake(chain))).orElseThrow();

    assertThat(failure.reason()).isEqualTo("TlsUntrusted");
    assertThat(failure.getMessage())
        .contains(
            "mirror.corp:8443",
            "not signed by a trusted CA",
            "spec.caBundle",
            "LLMFLEET_DOWNLOAD_CA_CONFIGMAP");
  }

  @Test
  void theJdksOwnPathBuilderErrorCountsAsUntrustedToo() {
    // What the JDK throws: ValidatorException (a CertificateException) around
    // SunCertPathBuilderException.
    Exception builder =
        new CertificateException(
            "PKIX path building failed",
            new CertPathBuilderException(
                "unable to find valid certification path to requested target"));
    Failure failure =
        Tls.classify(new Tls.HandshakeFailure(ORIGIN, true, handshake(builder))).orElseThrow();

    assertThat(failure.reason()).isEqualTo("TlsUntrusted");
    assertThat(failure.getMessage()).contains("does not hold the CA");
  }

  @Test
  void aCertificateForAnotherHostIsUntrusted() {
    CertificateException mismatch =
        new CertificateException("No subject alternative DNS name matching mirror.corp found.");
    Failure failure =
        Tls.classify(new Tls.HandshakeFailure(ORIGIN, false, handshake(mismatch))).orElseThrow();

    assertThat(failure.reason()).isEqualTo("TlsUntrusted");
    assertThat(failure.getMessage()).contains("for another host", "mirror.corp");
  }

  @Test
  void otherTroubleStaysTransient() {
    assertThat(Tls.classify(new IOException("connection reset"))).isEmpty();
    assertThat(
            Tls.classify(
                new Tls.HandshakeFailure(
                    ORIGIN,
                    false,
                    new SSLHandshakeException("Remote host terminated the handshake"))))
        .isEmpty();
  }

  @Test
  void retryGivesUpAtOnceOnAnUntrustedCertificate() {
    CertPathValidatorException untrusted = new CertPathValidatorException("untrusted");
    long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                Retry.DEFAULT.call(
                    "listing",
                    () -> {
                      throw new Tls.HandshakeFailure(ORIGIN, false, handshake(untrusted));
                    }))
        .isInstanceOfSatisfying(
            Failure.class, f -> assertThat(f.reason()).isEqualTo("TlsUntrusted"));
    assertThat(System.nanoTime() - started).isLessThan(500_000_000L);
  }

  @Test
  void aBundleWithoutCertificatesIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
    assertThatThrownBy(() -> Tls.socketFactory(Optional.of(empty)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LLMFLEET_CA_BUNDLE")
        .hasMessageContaining(empty.toString());
    assertThat(Tls.socketFactory(Optional.empty())).isEmpty();
  }
}
