package io.pcsr.udf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pcsr.udf.testing.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLoaderTest {

  @Test
  void loadsBothFormatsOfTheOfficialCheckpoint(@TempDir Path dir) throws Exception {
    Path pth = Reference.file("checkpoints/fsrcnn-pcsr-x4.pth");
    Checkpoint fromPth = CheckpointLoader.load(pth);
    Path st = dir.resolve("fsrcnn-pcsr-x4.safetensors");
    SafetensorsFormat.write(fromPth, st);
    Checkpoint fromSafetensors = CheckpointLoader.load(st);
    SafetensorsFormatTest.assertSameCheckpoint(fromPth, fromSafetensors);
    SafetensorsFormatTest.assertSameCheckpoint(fromPth,
        CheckpointLoader.load(Files.readAllBytes(st), st.toString()));
  }

  @Test
  void sniffsGeneratedFilesOfBothFormats(@TempDir Path dir) throws Exception {
    byte[] zip = TinyCheckpoint.bytes();
    Checkpoint fromZip = CheckpointLoader.load(zip, "tiny.pth");
    byte[] st = SafetensorsFormat.toBytes(fromZip);
    assertEquals(CheckpointLoader.Format.PTH, CheckpointLoader.sniff(zip, zip.length, "z"));
    assertEquals(CheckpointLoader.Format.SAFETENSORS, CheckpointLoader.sniff(st, st.length, "s"));
    SafetensorsFormatTest.assertSameCheckpoint(fromZip, CheckpointLoader.load(st, "tiny.st"));
    // the extension does not matter, the content does
    Path misnamed = Files.write(dir.resolve("really-safetensors.pth"), st);
    SafetensorsFormatTest.assertSameCheckpoint(fromZip, CheckpointLoader.load(misnamed));
  }

  @Test
  void unknownContentIsAClearError() {
    CheckpointException legacy = assertThrows(CheckpointException.class,
        () -> CheckpointLoader.load(new byte[] {(byte) 0x80, 2, '}', '.'}, "old.pth"));
    assertTrue(legacy.getMessage().contains("legacy"), legacy.getMessage());
    CheckpointException text = assertThrows(CheckpointException.class,
        () -> CheckpointLoader.load("hello world".getBytes(), "hello.txt"));
    assertTrue(text.getMessage().contains("neither") && text.getMessage().contains("hello.txt"),
        text.getMessage());
    CheckpointException empty = assertThrows(CheckpointException.class,
        () -> CheckpointLoader.load(new byte[0], "empty.pth"));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
  }
}
