package dev.llmfleet.e2e.origin;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a real file on disk (a model file, say), read by position from one open channel:
 * positional reads do not move a shared position, so concurrent responses can share it. The size is
 * taken when the file is added; the file must not change while it is served.
 */
final class FileContent extends Content {

  private final Path path;
  private final FileChannel channel;
  private final long size;

  FileContent(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    this.size = channel.size();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void fill(byte[] buffer, long offset, int length) throws IOException {
    ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
    while (target.hasRemaining()) {
      if (channel.read(target, offset + target.position()) < 0) {
        throw new EOFException(
            path
                + " ended at byte "
                + (offset + target.position())
                + ", it had "
                + size
                + " when added");
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
