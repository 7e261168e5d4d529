package tdxsim.stress.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole files or nothing, readable as any new file, and no temporary of a killed process left for good. */
class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void aWrittenFileHasTheModeOfAnyNewFileNotATemporarysOwnerOnlyMode() throws Exception {
    Path reference = Files.createFile(dir.resolve("reference"));
    Path written = dir.resolve("t.json");
    AtomicFiles.writeString(written, "{}\n");
    assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(written));
    assertEquals("{}\n", Files.readString(written));
  }

  @Test
  void aTemporaryLeftByADeadProcessIsRemovedByTheNextWriteAndALiveOnesIsKept() throws Exception {
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path dead = Files.createFile(dir.resolve(".t.json.99999999.k3j2.tmp")); // above any pid_max
    Path older = Files.createFile(dir.resolve(".r.json.18446744073709551.tmp")); // createTempFile's old form
    Path alive = Files.createFile(dir.resolve(".t.json." + live + ".x9.tmp"));
    Path other = Files.createFile(dir.resolve(".notes.tmp"));
    AtomicFiles.writeString(dir.resolve("t.json"), "x");
    assertFalse(Files.exists(dead));
    assertFalse(Files.exists(older));
    assertTrue(Files.exists(alive), "a live process's temporary");
    assertTrue(Files.exists(other), "not one of ours");
  }

  @Test
  void aFailedWriteLeavesNeitherTheFileNorATemporary() throws Exception {
    Path target = dir.resolve("t.json");
    try {
      AtomicFiles.write(target, out -> {
        out.write("half".getBytes());
        throw new java.io.IOException("disk full");
      });
    } catch (java.io.UncheckedIOException e) {
      assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void aProbeFindsANameTooLongBeforeTheRun() {
    Path target = dir.resolve("x".repeat(250) + ".json");
    try {
      AtomicFiles.probe(target);
      throw new AssertionError("probe accepted a name its temporary cannot have");
    } catch (java.io.UncheckedIOException e) {
      assertTrue(e.getMessage().startsWith("cannot write in "), e.getMessage());
    }
  }
}
