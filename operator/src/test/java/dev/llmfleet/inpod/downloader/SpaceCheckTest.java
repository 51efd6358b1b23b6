package dev.llmfleet.inpod.downloader;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpaceCheckTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void completeFilesAndPartBytesNeedNoMoreSpace() {
    List<LocalFile> files =
        List.of(
            file(10 * MIB, 10 * MIB, true),
            file(32 * MIB, 12 * MIB, false),
            file(4 * MIB, 0, false));

    assertThat(SpaceCheck.stillToFetch(files)).isEqualTo(24 * MIB);
  }

  @Test
  void enoughSpaceIsNoShortfall() {
    assertThat(SpaceCheck.shortfall(24 * MIB, 24 * MIB, Path.of("/data/x"))).isEmpty();
  }

  @Test
  void aShortfallSaysWhatIsNeededAndAvailableInHumanUnits() {
    assertThat(SpaceCheck.shortfall(32 * MIB, 8 * MIB - 4096, Path.of("/data/x")))
        .contains(
            "not enough free space under /data/x: 32.0 MiB still to fetch, 8.0 MiB available"
                + " (24.0 MiB more needed); use a bigger volume");
  }

  private static LocalFile file(long size, long onDisk, boolean complete) {
    RemoteFile remote =
        new RemoteFile("f" + size, size, URI.create("http://x/f"), Optional.empty());
    return new LocalFile(remote, Path.of("/data/f"), Path.of("/data/f.part"), onDisk, complete);
  }
}
