package dev.llmfleet.e2e.origin;

/**
 * Runs the {@link TestOrigin} on its own, for e2e/bench/downloader-bench.sh: {@code
 * TestOriginMain name=bytes ...} serves each file at /files/name, prints {@code file <url>
 * <sha256>} for each, then {@code ready}, and serves until the process is stopped.
 */
public final class TestOriginMain {

  private TestOriginMain() {}

  public static void main(String[] args) throws Exception {
    TestOrigin origin = TestOrigin.start();
    for (String arg : args) {
      String[] nameAndSize = arg.split("=", 2);
      String url = origin.addFile(nameAndSize[0], Long.parseLong(nameAndSize[1]));
      System.out.println("file " + url + " " + origin.sha256(nameAndSize[0]));
    }
    System.out.println("ready");
    System.out.flush();
    // Serve until stopped (SIGTERM).
    Thread.currentThread().join();
  }
}
