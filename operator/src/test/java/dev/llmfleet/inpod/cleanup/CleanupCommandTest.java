package dev.llmfleet.inpod.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CleanupCommandTest {

  @TempDir Path tmp;

  @Test
  void removesTheRunFolderAndNothingElse() throws IOException {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Path run = Files.createDirectories(volume.resolve("support-lora/.runs/2/checkpoint-10"));
    Files.writeString(run.resolve("adapter_model.safetensors"), "partial");
    Files.writeString(volume.resolve("support-lora/adapter_config.json"), "{}");
    Files.createDirectories(volume.resolve("support-lora/.runs/3"));

    Result result = run("--root", volume.toString(), "--path", "support-lora/.runs/2");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("removed", "(3 entries)");
    assertThat(volume.resolve("support-lora/.runs/2")).doesNotExist();
    assertThat(volume.resolve("support-lora/.runs/3")).isDirectory();
    assertThat(volume.resolve("support-lora/adapter_config.json")).exists();
  }

  @Test
  void aFolderAlreadyGoneIsSuccess() {
    Result result = run("--root", tmp.toString(), "--path", "support-lora/.runs/1");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("nothing to remove");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../other", "a/../../other", "/etc", ".", "a/..", " "})
  void refusesPathsThatAreNotInsideTheRoot(String path) throws IOException {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("keep"), "x");

    Result result = run("--root", volume.toString(), "--path", path);

    assertThat(result.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err()).contains("--path");
    assertThat(volume).isDirectory();
    assertThat(other.resolve("keep")).exists();
  }

  @Test
  void refusesAPathLeadingOutsideThroughALink() throws IOException {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    Path outside = Files.createDirectories(tmp.resolve("outside/.runs/1"));
    Files.createSymbolicLink(volume.resolve("support-lora"), tmp.resolve("outside"));

    assertThatThrownBy(() -> CleanupCommand.inside(volume, "support-lora/.runs/1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("through a symbolic link");
    assertThat(outside).isDirectory();
  }

  @Test
  void aLinkAsTheTargetIsRemovedWithoutTouchingWhatItPointsTo() throws IOException {
    Path volume = Files.createDirectories(tmp.resolve("volume/support-lora/.runs"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "x");
    Files.createSymbolicLink(volume.resolve("1"), outside);

    Result result =
        run("--root", tmp.resolve("volume").toString(), "--path", "support-lora/.runs/1");

    assertThat(result.exitCode()).isZero();
    assertThat(volume.resolve("1")).doesNotExist();
    assertThat(outside.resolve("keep")).exists();
  }

  @Test
  void rootMustBeADirectory() {
    Result result = run("--root", tmp.resolve("missing").toString(), "--path", "a");

    assertThat(result.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err()).contains("is not a directory");
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        new CommandLine(new CleanupCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  record Result(int exitCode, String out, String err) {}
}
