package dev.llmfleet.inpod.downloader;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS of the downloader: the JVM's trust store plus, when the pod has one, a CA bundle
 * (LLMFLEET_CA_BUNDLE, a PEM file of one or more certificates) for origins and mirrors signed by a
 * private CA. A certificate is trusted when either accepts it. A handshake that fails because the
 * certificate is not trusted ends the run with {@link Failure#TLS_UNTRUSTED}: retrying cannot help.
 */
final class Tls {

  static final String CA_BUNDLE_VARIABLE = "LLMFLEET_CA_BUNDLE";

  private Tls() {}

  /** A failed handshake, with the URL it was for. */
  static final class HandshakeFailure extends IOException {
    private final URI uri;
    private final boolean bundleGiven;

    HandshakeFailure(URI uri, boolean bundleGiven, SSLHandshakeException cause) {
      super(Http.show(uri) + ": TLS handshake failed: " + cause.getMessage(), cause);
      this.uri = uri;
      this.bundleGiven = bundleGiven;
    }

    URI uri() {
      return uri;
    }
  }

  /** The socket factory for HTTPS: the default one when there is no bundle. */
  static Optional<SSLSocketFactory> socketFactory(Optional<Path> bundle) {
    if (bundle.isEmpty()) {
      return Optional.empty();
    }
    try {
      X509TrustManager extra = trustManager(certificates(bundle.get()));
      X509TrustManager jvm = trustManager((KeyStore) null);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {either(jvm, extra)}, null);
      return Optional.of(context.getSocketFactory());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          CA_BUNDLE_VARIABLE
              + " "
              + bundle.get()
              + " cannot be used as a CA bundle: "
              + e.getMessage(),
          e);
    }
  }

  static List<X509Certificate> certificates(Path pem) throws IOException, CertificateException {
    Collection<? extends Certificate> read;
    try (InputStream in = Files.newInputStream(pem)) {
      read = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    read.forEach(c -> certificates.add((X509Certificate) c));
    if (certificates.isEmpty()) {
      throw new CertificateException("no PEM certificate in " + pem);
    }
    return certificates;
  }

  private static X509TrustManager trustManager(List<X509Certificate> certificates)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < certificates.size(); i++) {
      store.setCertificateEntry("ca-" + i, certificates.get(i));
    }
    return trustManager(store);
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return Arrays.stream(factory.getTrustManagers())
        .filter(X509TrustManager.class::isInstance)
        .map(X509TrustManager.class::cast)
        .findFirst()
        .orElseThrow(() -> new GeneralSecurityException("no X509TrustManager"));
  }

  /** Trusts what the first trusts, else what the second trusts; the first one's error otherwise. */
  static X509TrustManager either(X509TrustManager first, X509TrustManager second) {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        first.checkClientTrusted(chain, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        try {
          first.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
          second.checkServerTrusted(chain, authType);
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> all = new ArrayList<>(Arrays.asList(first.getAcceptedIssuers()));
        all.addAll(Arrays.asList(second.getAcceptedIssuers()));
        return all.toArray(X509Certificate[]::new);
      }
    };
  }

  /**
   * A handshake failure that no retry can mend, as a Failure: a certificate that no trusted CA
   * signed, or that names another host. Anything else (a reset halfway through) stays transient.
   */
  static Optional<Failure> classify(IOException error) {
    if (!(error instanceof HandshakeFailure handshake)) {
      return Optional.empty();
    }
    URI uri = handshake.uri();
    String origin = uri.getHost() + (uri.getPort() != -1 ? ":" + uri.getPort() : "");
    String fix =
        handshake.bundleGiven
            ? "the CA bundle given (spec.caBundle or the operator's LLMFLEET_DOWNLOAD_CA_CONFIGMAP) does not hold the"
                + " CA that signed it either; add that CA's certificate (PEM) to the bundle"
            : "if "
                + uri.getHost()
                + " uses a private CA, give the download its certificate (PEM) through"
                + " spec.caBundle (configMapKeyRef or secretKeyRef) or the operator's LLMFLEET_DOWNLOAD_CA_CONFIGMAP";
    for (Throwable t = handshake.getCause(); t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException || t instanceof CertPathBuilderException) {
        return Optional.of(
            new Failure(
                Failure.TLS_UNTRUSTED,
                "the TLS certificate of "
                    + origin
                    + " is not signed by a trusted CA ("
                    + t.getMessage()
                    + "); "
                    + fix));
      }
      if (t instanceof CertificateException && String.valueOf(t.getMessage()).contains("match")) {
        return Optional.of(
            new Failure(
                Failure.TLS_UNTRUSTED,
                "the TLS certificate of "
                    + origin
                    + " is for another host ("
                    + t.getMessage()
                    + "); check the URL or endpoint"));
      }
    }
    return Optional.empty();
  }
}
