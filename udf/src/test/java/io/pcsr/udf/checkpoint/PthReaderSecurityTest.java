package io.pcsr.udf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pcsr.udf.testing.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile, truncated and corrupt inputs: always a CheckpointException, never code or a crash. */
class PthReaderSecurityTest {
  private static final String MARKER = "pcsr-pwned-marker";

  @Test
  void refusesTheOsSystemPickleAndRunsNothing() throws Exception {
    Path file = Reference.file("security/malicious-os-system.pth");
    UnsafeCheckpointException e =
        assertThrows(UnsafeCheckpointException.class, () -> PthReader.read(file));
    System.out.println("malicious checkpoint refused: " + e.getMessage());
    assertTrue(e.getMessage().contains("refused global 'posix.system'"), e.getMessage());
    assertTrue(e.getMessage().contains("only state-dict globals are allowed"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertThrows(UnsafeCheckpointException.class, () -> CheckpointLoader.load(file));
    assertFalse(Files.exists(Path.of(MARKER)), "marker created in the working directory");
    assertFalse(Files.exists(Path.of(System.getProperty("java.io.tmpdir"), MARKER)),
        "marker created in the temp directory");
  }

  @Test
  void truncatedFileGivesAReadableError() {
    Path file = Reference.file("security/truncated.pth");
    CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(file));
    System.out.println("truncated checkpoint: " + e.getMessage());
    assertFalse(e instanceof UnsafeCheckpointException);
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(file.toString()),
        e.getMessage());
  }

  @Test
  void everyTruncationOfARealCheckpointFailsCleanly() throws Exception {
    byte[] whole = Files.readAllBytes(Reference.file("checkpoints/fsrcnn-pcsr-x4.pth"));
    for (int cut = 0; cut < whole.length; cut += 997) {
      byte[] part = Arrays.copyOf(whole, cut);
      String name = "cut-at-" + cut;
      expectCheckpointException(() -> CheckpointLoader.load(part, name));
    }
  }

  @Test
  void corruptedBytesOfARealCheckpointFailCleanly() throws Exception {
    byte[] whole = Files.readAllBytes(Reference.file("checkpoints/fsrcnn-pcsr-x4.pth"));
    Random random = new Random(42);
    for (int trial = 0; trial < 300; trial++) {
      byte[] copy = whole.clone();
      // bias towards the pickle and the zip directories, where parsing decisions are made
      int region = random.nextInt(3);
      int pos = region == 0 ? random.nextInt(12_000)
          : region == 1 ? whole.length - 1 - random.nextInt(8_000) : random.nextInt(whole.length);
      copy[pos] ^= (byte) (1 + random.nextInt(255));
      try {
        PthReader.read(copy, "flip-" + trial);
      } catch (CheckpointException expected) {
        // fine: detected (CRC, bounds, structure)
      } catch (Exception | StackOverflowError | OutOfMemoryError other) {
        fail("trial " + trial + " (byte " + pos + ") threw " + other, other);
      }
    }
  }

  @Test
  void randomBytesAreNotACheckpoint() {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    noise[0] = 0x13; // not "PK", not a pickle
    CheckpointException e = expectCheckpointException(() -> CheckpointLoader.load(noise, "noise"));
    assertTrue(e.getMessage().contains("neither"), e.getMessage());
    expectCheckpointException(() -> PthReader.read(noise, "noise"));
    noise[0] = 'P';
    noise[1] = 'K';
    expectCheckpointException(() -> CheckpointLoader.load(noise, "pk-noise"));
  }

  @Test
  void emptyInputsAreRefused(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.pth"));
    CheckpointException e = expectCheckpointException(() -> CheckpointLoader.load(empty));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    expectCheckpointException(() -> PthReader.read(empty));
    expectCheckpointException(() -> PthReader.read(new byte[0], "nothing"));
  }

  @Test
  void zipWithoutDataPklIsRefused() {
    byte[] zip = new TorchZip("x/").entry("x/version", "3\n".getBytes()).toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(zip, "nopkl.pth"));
    assertTrue(e.getMessage().contains("data.pkl"), e.getMessage());
  }

  @Test
  void storageShorterThanItsDeclaredSizeIsRefused() {
    byte[] zip = TinyCheckpoint.zip().storage("0", TorchZip.floats(1, 2, 3, 4, 5)).toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(zip, "short.pth"));
    assertTrue(e.getMessage().contains("tiny/data/0") && e.getMessage().contains("declares"),
        e.getMessage());
  }

  @Test
  void missingStorageEntryIsRefused() {
    byte[] zip = new TorchZip("tiny/")
        .pickle(TinyCheckpoint.pickle(TinyCheckpoint.defaultItems()))
        .storage("0", TorchZip.floats(TinyCheckpoint.WEIGHT)).toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(zip, "missing.pth"));
    assertTrue(e.getMessage().contains("tiny/data/1") && e.getMessage().contains("missing"),
        e.getMessage());
  }

  @Test
  void declaredSizesBeyondTheLimitsAreRefusedBeforeAllocating() {
    byte[] zip = TinyCheckpoint.bytes();
    CheckpointException perTensor = expectCheckpointException(
        () -> PthReader.read(zip, "limited.pth", new ReadLimits(5, 100)));
    assertTrue(perTensor.getMessage().contains("limit"), perTensor.getMessage());
    CheckpointException total = expectCheckpointException(
        () -> PthReader.read(zip, "limited.pth", new ReadLimits(100, 6)));
    assertTrue(total.getMessage().contains("maxTotalElements"), total.getMessage());
    // a persistent id claiming 2^40 floats: refused by the default limit, nothing allocated
    byte[] huge = new TorchZip("h/").pickle(TinyCheckpoint.pickle(new PickleBuilder()
        .str("w").tensor("FloatStorage", "0", 1L << 40, 0, new long[] {1L << 20, 1L << 20},
            new long[] {1L << 20, 1}))).storage("0", TorchZip.floats(1)).toBytes();
    expectCheckpointException(() -> PthReader.read(huge, "huge.pth"));
  }

  @Test
  void viewsBeyondTheirStorageAreRefused() {
    byte[] zip = new TorchZip("v/").pickle(TinyCheckpoint.pickle(new PickleBuilder()
        .str("w").tensor("FloatStorage", "0", 6, 4, new long[] {2, 2}, new long[] {2, 1})))
        .storage("0", TorchZip.floats(TinyCheckpoint.WEIGHT)).toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(zip, "view.pth"));
    assertTrue(e.getMessage().contains("reaches element"), e.getMessage());
  }

  @Test
  void otherGlobalsAreRefusedWhereverTheyAppear() {
    // GLOBAL inside the args, STACK_GLOBAL (protocol 4), and a storage type that is not allowed
    byte[][] pickles = {
        new PickleBuilder().proto(2).emptyDict().str("x").global("builtins", "eval")
            .setitem().stop().toBytes(),
        new PickleBuilder().proto(4).shortStr("os").shortStr("system").op(0x93).stop().toBytes(),
        new PickleBuilder().proto(2).global("torch", "ByteStorage").stop().toBytes(),
        new PickleBuilder().proto(2).global("torch._utils", "_rebuild_tensor").stop().toBytes(),
    };
    String[] names = {"builtins.eval", "os.system", "torch.ByteStorage",
        "torch._utils._rebuild_tensor"};
    for (int i = 0; i < pickles.length; i++) {
      byte[] zip = new TorchZip("g/").pickle(pickles[i]).toBytes();
      UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class,
          () -> PthReader.read(zip, "global.pth"));
      assertTrue(e.getMessage().contains("'" + names[i] + "'"), e.getMessage());
    }
  }

  @Test
  void objectBuildingOpcodesAreRefused() {
    byte[] inst = new PickleBuilder().proto(0).mark().op('i')
        .raw("subprocess\nPopen\n".getBytes()).stop().toBytes();
    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class,
        () -> PthReader.read(new TorchZip("i/").pickle(inst).toBytes(), "inst.pth"));
    assertTrue(e.getMessage().contains("subprocess.Popen"), e.getMessage());
    for (int opcode : new int[] {'o', 0x81, 0x92, 0x82}) {
      byte[] p = new PickleBuilder().proto(2).mark().op(opcode).raw(new byte[8]).toBytes();
      assertThrows(UnsafeCheckpointException.class,
          () -> PthReader.read(new TorchZip("o/").pickle(p).toBytes(), "obj.pth"));
    }
  }

  @Test
  void zipWithDuplicateOrAmbiguousEntriesIsRefused() {
    byte[] two = new TorchZip("").entry("a/data.pkl", new byte[] {'.'})
        .entry("b/data.pkl", new byte[] {'.'}).toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(two, "two.pth"));
    assertTrue(e.getMessage().contains("several data.pkl"), e.getMessage());
  }

  @Test
  void wrongTopLevelLayoutIsExplained() {
    byte[] stateDictOnly = new TorchZip("s/").pickle(new PickleBuilder().proto(2).orderedDict()
        .mark().raw(TinyCheckpoint.defaultItems().toBytes()).setitems().stop().toBytes())
        .storage("0", TorchZip.floats(TinyCheckpoint.WEIGHT)).storage("1", TorchZip.longs(1))
        .toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(stateDictOnly, "sd"));
    assertTrue(e.getMessage().contains("'model'"), e.getMessage());
  }

  @Test
  void mutatedPicklesOnlyEverFailWithCheckpointException() {
    byte[] pickle = TinyCheckpoint.pickle(TinyCheckpoint.defaultItems());
    Random random = new Random(1);
    int loaded = 0;
    for (int trial = 0; trial < 2000; trial++) {
      byte[] mutated = pickle.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        mutated = Arrays.copyOf(mutated, random.nextInt(mutated.length));
      }
      byte[] zip = TinyCheckpoint.zip().pickle(mutated).toBytes();
      try {
        PthReader.read(zip, "mutant-" + trial);
        loaded++;
      } catch (CheckpointException expected) {
        // the only acceptable failure
      } catch (Exception | StackOverflowError | OutOfMemoryError other) {
        fail("mutant " + trial + " threw " + other, other);
      }
    }
    assertTrue(loaded < 2000);
  }

  @Test
  void deepNestingAndSelfReferenceAreBounded() {
    PickleBuilder marks = new PickleBuilder().proto(2);
    for (int i = 0; i < SafeUnpickler.MAX_MARKS + 1; i++) {
      marks.mark();
    }
    CheckpointException e = expectCheckpointException(() -> PthReader.read(
        new TorchZip("m/").pickle(marks.stop().toBytes()).toBytes(), "marks.pth"));
    assertTrue(e.getMessage().contains("marks"), e.getMessage());

    // args = {'loop': L} where L = [L]: a cycle through the memo
    PickleBuilder cyclic = new PickleBuilder().proto(2).emptyDict().str("model").emptyDict()
        .mark().str("name").str("loop").str("args").emptyDict().str("loop").emptyList().put(9)
        .get(9).op('a').setitem().str("sd").emptyDict().setitems().setitem().stop();
    CheckpointException loop = expectCheckpointException(() -> PthReader.read(
        new TorchZip("c/").pickle(cyclic.toBytes()).toBytes(), "cycle.pth"));
    assertTrue(loop.getMessage().contains("nested deeper"), loop.getMessage());
  }

  @Test
  void unsupportedAndTruncatedPicklesAreExplained() {
    byte[] unknown = new PickleBuilder().proto(2).op('I').raw("1\n".getBytes()).stop().toBytes();
    CheckpointException e = expectCheckpointException(() -> PthReader.read(
        new TorchZip("u/").pickle(unknown).toBytes(), "unknown.pth"));
    assertTrue(e.getMessage().contains("unsupported pickle opcode 0x49"), e.getMessage());
    byte[] noStop = new PickleBuilder().proto(2).emptyDict().toBytes();
    CheckpointException t = expectCheckpointException(() -> PthReader.read(
        new TorchZip("t/").pickle(noStop).toBytes(), "nostop.pth"));
    assertTrue(t.getMessage().contains("STOP"), t.getMessage());
    byte[] shortString = new PickleBuilder().proto(2).op('X').raw(PickleBuilder.le32(1 << 30))
        .toBytes();
    CheckpointException s = expectCheckpointException(() -> PthReader.read(
        new TorchZip("s/").pickle(shortString).toBytes(), "short.pth"));
    assertTrue(s.getMessage().contains("truncated"), s.getMessage());
  }

  private interface Action {
    void run() throws Exception;
  }

  private static CheckpointException expectCheckpointException(Action action) {
    try {
      action.run();
    } catch (CheckpointException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
      return e;
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      fail("expected a CheckpointException, got " + e, e);
    }
    return fail("expected a CheckpointException, nothing was thrown");
  }
}
