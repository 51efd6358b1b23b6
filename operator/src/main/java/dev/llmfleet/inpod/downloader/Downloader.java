package dev.llmfleet.inpod.downloader;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.Units;
import dev.llmfleet.config.ConfigException;
import dev.llmfleet.config.OperatorConfig.Secret;
import dev.llmfleet.inpod.downloader.metadata.HeaderException;
import dev.llmfleet.inpod.downloader.metadata.ModelMetadata;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a Download: list the files, check the space, fetch what is missing (several files at
 * once), verify, and report progress and the result in the Download's status.
 */
final class Downloader {

  /**
   * How a run behaves.
   *
   * @param hfToken sent to the Hugging Face endpoint only (never to a CDN or an HTTP source)
   * @param defaultEndpoint used when the Download names no endpoint
   * @param run the Job that runs this process, reported in the progress
   * @param proxies from HTTPS_PROXY, HTTP_PROXY and NO_PROXY
   * @param caBundle PEM file of CAs trusted besides the JVM's (LLMFLEET_CA_BUNDLE)
   */
  record Settings(
      Path root,
      Optional<Secret> hfToken,
      String defaultEndpoint,
      Optional<String> run,
      int parallelFiles,
      Retry retry,
      Duration connectTimeout,
      Duration readTimeout,
      Proxies proxies,
      Optional<Path> caBundle) {

    static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** Without proxies and with the JVM's CAs only. */
    Settings(
        Path root,
        Optional<Secret> hfToken,
        String defaultEndpoint,
        Optional<String> run,
        int parallelFiles,
        Retry retry,
        Duration connectTimeout,
        Duration readTimeout) {
      this(
          root,
          hfToken,
          defaultEndpoint,
          run,
          parallelFiles,
          retry,
          connectTimeout,
          readTimeout,
          Proxies.NONE,
          Optional.empty());
    }

    /**
     * Settings of the pod: HF_TOKEN, LLMFLEET_HF_ENDPOINT, LLMFLEET_RUN, the proxy variables and
     * LLMFLEET_CA_BUNDLE from the environment; 16 files at once, of them at most {@link
     * #LARGE_FILES_AT_ONCE} large ones; 10 s to connect and 60 s without a byte before a read
     * counts as failed.
     */
    static Settings fromEnvironment(Path root, Map<String, String> env) {
      String endpoint = nonBlank(env.get("LLMFLEET_HF_ENDPOINT")).orElse(DEFAULT_ENDPOINT);
      if (!endpoint.matches("https?://\\S+")) {
        throw new ConfigException(
            List.of(
                "LLMFLEET_HF_ENDPOINT must be an http:// or https:// URL, got \""
                    + endpoint
                    + "\""));
      }
      Proxies proxies;
      try {
        proxies = Proxies.fromEnvironment(env);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(List.of(e.getMessage()));
      }
      Optional<Path> caBundle = nonBlank(env.get(Tls.CA_BUNDLE_VARIABLE)).map(Path::of);
      return new Settings(
          root,
          nonBlank(env.get("HF_TOKEN")).map(Secret::new),
          endpoint,
          nonBlank(env.get("LLMFLEET_RUN")),
          16,
          Retry.DEFAULT,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          proxies,
          caBundle);
    }

    private static Optional<String> nonBlank(String value) {
      return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }
  }

  /**
   * Files hashed on a thread of their own ({@link Hasher#THREAD_FROM} and more) fetched at once:
   * each holds 1.25 MiB of buffers in a 24 MiB heap. Small files wait on the network, not the CPU
   * (200 files of 1 MiB behind 50 ms of latency took 76 ms each, 8 at once, on the bench): more of
   * them go at once.
   */
  static final int LARGE_FILES_AT_ONCE = 8;

  private final Settings settings;
  private final StatusSink sink;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;

  Downloader(Settings settings, StatusSink sink, PrintStream out, PrintStream err, Clock clock) {
    this.settings = settings;
    this.sink = sink;
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  /**
   * Runs the download; 0 only when every file is complete, verified and reported so. Whatever goes
   * wrong is reported as the run's failure, a bug included: a run that ends without a report loses
   * its reason.
   */
  int run(Download download) throws InterruptedException {
    DownloadSource source = download.getSpec().getSource();
    String endpoint = endpoint(source);
    Optional<Http.Token> token;
    Optional<javax.net.ssl.SSLSocketFactory> tls;
    try {
      token = source.getHuggingFace() == null ? Optional.empty() : hubToken(source, endpoint);
      tls = Tls.socketFactory(settings.caBundle());
    } catch (Failure failure) {
      return finish(reporter(new Progress(List.of())), Optional.of(failure), Optional.empty());
    } catch (IllegalArgumentException e) {
      return finish(
          reporter(new Progress(List.of())),
          Optional.of(new Failure(Failure.TLS_UNTRUSTED, e.getMessage())),
          Optional.empty());
    }
    out.println(
        settings.proxies().describe()
            + settings
                .caBundle()
                .map(b -> "; CA bundle " + b + " trusted besides the JVM's CAs")
                .orElse(""));
    Http http =
        new Http(settings.connectTimeout(), settings.readTimeout(), token, settings.proxies(), tls);

    Layout layout;
    List<LocalFile> files;
    Manifest manifest;
    try {
      layout = Layout.of(settings.root(), subPath(download));
      List<RemoteFile> remote =
          new Sources(http, settings.retry()).list(source, endpoint, token.isPresent());
      Layout.refuseCollisions(remote);
      manifest = Manifest.open(layout.folder());
      files = inspect(layout, remote, manifest);
    } catch (Failure failure) {
      return finish(reporter(new Progress(List.of())), Optional.of(failure), Optional.empty());
    } catch (RuntimeException e) {
      return finish(
          reporter(new Progress(List.of())), Optional.of(unexpected(e)), Optional.empty());
    }
    Progress progress = new Progress(files);
    ProgressReporter reporter = reporter(progress);
    out.println(summary(files, layout.folder()));
    Optional<Failure> failure = Optional.empty();
    try (manifest) {
      checkSpace(files, layout);
      reporter.start();
      fetchAll(http, files, progress, manifest);
    } catch (Failure f) {
      failure = Optional.of(f);
    } catch (RuntimeException e) {
      failure = Optional.of(unexpected(e));
    }
    return finish(
        reporter, failure, failure.isEmpty() ? describe(layout, files) : Optional.empty());
  }

  /**
   * The Hub token and the origin it may go to, once the endpoint is known to be a URL with a host:
   * the token is compared with every request's origin, and an endpoint Java parses without a host
   * would match none.
   */
  private Optional<Http.Token> hubToken(DownloadSource source, String endpoint) throws Failure {
    String field =
        source.getHuggingFace().getEndpoint() != null
            ? "spec.source.huggingFace.endpoint"
            : "the operator's LLMFLEET_HF_ENDPOINT";
    URI origin = Http.parseSource(field, endpoint);
    return settings.hfToken().map(t -> new Http.Token(origin, t.value()));
  }

  /**
   * A bug, reported like any failure (TransferFailed: a new run may pass by it) rather than lost in
   * a crash.
   */
  private Failure unexpected(RuntimeException e) {
    err.println("llmfleet: download: unexpected " + e.getClass().getName());
    return new Failure(
        Failure.TRANSFER_FAILED, "the downloader failed unexpectedly: " + Errors.describe(e));
  }

  /**
   * What the verified files hold, from their headers (no file is read whole). A header that cannot
   * be read costs the Download its description, never its success: the bytes are verified, and a
   * server may still load them.
   */
  private Optional<DownloadModel> describe(Layout layout, List<LocalFile> files) {
    try {
      Optional<DownloadModel> model =
          ModelMetadata.read(layout.folder(), files.stream().map(f -> f.remote().path()).toList());
      model.ifPresent(
          m ->
              out.println(
                  "model: "
                      + m.getFormat().name().toLowerCase(Locale.ROOT)
                      + " "
                      + m.getArchitecture()
                      + ", "
                      + m.getParametersRounded()
                      + " parameters, "
                      + m.getDtype()));
      return model;
    } catch (IOException | HeaderException | RuntimeException e) {
      err.println(
          "llmfleet: download: cannot describe the model, status.model stays unset: "
              + e.getMessage());
      return Optional.empty();
    }
  }

  private String endpoint(DownloadSource source) {
    String endpoint =
        source.getHuggingFace() == null ? null : source.getHuggingFace().getEndpoint();
    return Optional.ofNullable(endpoint).orElse(settings.defaultEndpoint()).replaceAll("/+$", "");
  }

  private static String subPath(Download download) {
    String subPath = download.getSpec().getStorage().getSubPath();
    return subPath != null ? subPath : download.getMetadata().getName();
  }

  private static List<LocalFile> inspect(Layout layout, List<RemoteFile> remote, Manifest manifest)
      throws Failure {
    List<LocalFile> files = new ArrayList<>();
    for (RemoteFile file : remote) {
      files.add(layout.inspect(file, manifest));
    }
    return files;
  }

  /** Fails before any byte is fetched when the volume cannot hold what is missing. */
  private void checkSpace(List<LocalFile> files, Layout layout) throws Failure {
    long usable;
    try {
      usable = Files.getFileStore(settings.root()).getUsableSpace();
    } catch (IOException e) {
      throw new Failure(
          Failure.TRANSFER_FAILED,
          "cannot read the free space of " + settings.root() + ": " + e.getMessage());
    }
    Optional<String> shortfall =
        SpaceCheck.shortfall(SpaceCheck.stillToFetch(files), usable, layout.folder());
    if (shortfall.isPresent()) {
      throw new Failure(Failure.INSUFFICIENT_STORAGE, shortfall.get());
    }
  }

  private void fetchAll(Http http, List<LocalFile> files, Progress progress, Manifest manifest)
      throws Failure, InterruptedException {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            settings.parallelFiles(),
            r -> {
              Thread thread = new Thread(r, "fetch-" + threads.incrementAndGet());
              // Daemons: after a failure the process exits without waiting for reads still in
              // flight.
              thread.setDaemon(true);
              return thread;
            });
    Semaphore large = new Semaphore(LARGE_FILES_AT_ONCE);
    long started = System.nanoTime();
    try {
      var completion = new ExecutorCompletionService<FileFetcher.Fetched>(pool);
      FileFetcher fetcher = new FileFetcher(http, settings.retry(), progress, manifest);
      int submitted = 0;
      for (int i = 0; i < files.size(); i++) {
        LocalFile file = files.get(i);
        if (file.complete()) {
          continue;
        }
        int index = i;
        boolean isLarge = file.remote().size() >= Hasher.THREAD_FROM;
        completion.submit(
            () -> {
              if (isLarge) {
                large.acquire();
              }
              progress.started(index, file.remote().path());
              try {
                return fetcher.fetch(file);
              } finally {
                progress.finished(index);
                if (isLarge) {
                  large.release();
                }
              }
            });
        submitted++;
      }
      for (int i = 0; i < submitted; i++) {
        out.println(verifiedLine(take(completion)));
      }
      double seconds = Math.max(1, System.nanoTime() - started) / 1e9;
      long received = progress.snapshot().received();
      out.printf(
          Locale.ROOT,
          "fetched %s in %.1fs (%s)%n",
          Units.bytes(received),
          seconds,
          Units.rate((long) (received / seconds)));
    } finally {
      pool.shutdownNow();
    }
  }

  private static FileFetcher.Fetched take(ExecutorCompletionService<FileFetcher.Fetched> completion)
      throws Failure, InterruptedException {
    try {
      return completion.take().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Failure failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private ProgressReporter reporter(Progress progress) {
    return new ProgressReporter(progress, sink, out, settings.run(), clock);
  }

  private int finish(
      ProgressReporter reporter, Optional<Failure> failure, Optional<DownloadModel> model)
      throws InterruptedException {
    boolean reported = reporter.finish(failure, model);
    if (failure.isPresent()) {
      err.println("llmfleet: download: " + failure.get().reason() + ": " + failure.get().shown());
      return 1;
    }
    if (!reported) {
      err.println("llmfleet: download: complete, but the result could not be reported");
      return 1;
    }
    out.println("done: every file complete and verified");
    return 0;
  }

  private static String summary(List<LocalFile> files, Path folder) {
    long total = files.stream().mapToLong(f -> f.remote().size()).sum();
    long onDisk = files.stream().mapToLong(LocalFile::onDisk).sum();
    long complete = files.stream().filter(LocalFile::complete).count();
    return files(files.size())
        + ", "
        + Units.bytes(total)
        + ", into "
        + folder
        + "; already there: "
        + files(complete)
        + " complete, "
        + Units.bytes(onDisk)
        + " in all";
  }

  private static String files(long count) {
    return count + (count == 1 ? " file" : " files");
  }

  private static String verifiedLine(FileFetcher.Fetched fetched) {
    RemoteFile remote = fetched.file().remote();
    return "verified "
        + remote.path()
        + " ("
        + Units.bytes(remote.size())
        + ", "
        + fetched
            .checkedWith()
            .map(c -> c.algorithm().label + " ok")
            .orElse("no checksum given, complete by size")
        + ")";
  }
}
