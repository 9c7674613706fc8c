package io.pcsr.udf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PthReader on archives built in the test: every feature, without the reference files. */
class PthReaderGeneratedTest {

  @Test
  void readsNameArgsIterationAndTensorsOfTheOfficialLayout() throws Exception {
    Checkpoint c = PthReader.read(TinyCheckpoint.bytes(), "tiny.pth");
    assertEquals("tiny", c.modelName());
    assertEquals(TinyCheckpoint.ITER, c.iteration().getAsLong());
    Map<String, Object> args = c.args();
    assertEquals(4L, args.get("nf"));
    assertEquals(List.of(8L, 8L), args.get("hidden_list"));
    assertEquals(0.5, args.get("lr"));
    assertEquals(Boolean.TRUE, args.get("no_upsampling"));
    assertTrue(args.containsKey("nothing"));
    assertNull(args.get("nothing"));
    assertEquals(List.of(1L, 2L), args.get("pair"));
    assertEquals(Map.of("name", "fsrcnn"), args.get("encoder_spec"));
    assertEquals(List.of("w", "steps"), List.copyOf(c.stateDict().keySet()));
    TensorData w = c.tensor("w");
    assertEquals(TensorType.FLOAT32, w.type());
    assertArrayEquals(new long[] {2, 3}, w.shape());
    assertArrayEquals(TinyCheckpoint.WEIGHT, w.toFloats());
    TensorData steps = c.tensor("steps");
    assertEquals(TensorType.INT64, steps.type());
    assertArrayEquals(new long[0], steps.shape());
    assertArrayEquals(new long[] {42}, steps.toLongs());
  }

  @Test
  void readsDeflatedEntriesWithDataDescriptors() throws Exception {
    Checkpoint c = PthReader.read(TinyCheckpoint.zip().deflate().toBytes(), "deflated.pth");
    assertArrayEquals(TinyCheckpoint.WEIGHT, c.tensor("w").toFloats());
  }

  @Test
  void materialisesTransposedOffsetSharedAndExpandedViews() throws Exception {
    PickleBuilder items = new PickleBuilder()
        // storage 0..5 seen as the transpose of a 2x3 matrix: 3x2 with strides (1, 3)
        .str("transposed").tensor("FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3})
        // the same storage again, elements 3 and 4 only
        .str("offset").tensor("FloatStorage", "0", 6, 3, new long[] {2}, new long[] {1})
        // a row broadcast to two rows (stride 0)
        .str("expanded").tensor("FloatStorage", "0", 6, 1, new long[] {2, 2}, new long[] {0, 1})
        // contiguous but with a storage offset and a size-1 dimension of odd stride
        .str("row").tensor("FloatStorage", "0", 6, 2, new long[] {1, 3}, new long[] {99, 1});
    byte[] zip = new TorchZip("views/")
        .pickle(TinyCheckpoint.pickle(items))
        .storage("0", TorchZip.floats(0, 1, 2, 3, 4, 5))
        .toBytes();
    Checkpoint c = PthReader.read(zip, "views.pth");
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, c.tensor("transposed").toFloats());
    assertArrayEquals(new long[] {3, 2}, c.tensor("transposed").shape());
    assertArrayEquals(new float[] {3, 4}, c.tensor("offset").toFloats());
    assertArrayEquals(new float[] {1, 2, 1, 2}, c.tensor("expanded").toFloats());
    assertArrayEquals(new float[] {2, 3, 4}, c.tensor("row").toFloats());
  }

  @Test
  void readsEveryStorageType() throws Exception {
    ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 0x3c00).putShort((short) 0xc000); // 1.0, -2.0
    ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 0x3f80).putShort((short) 0x4040); // 1.0, 3.0
    ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putDouble(0.25).putDouble(-8);
    ByteBuffer ints = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(9);
    PickleBuilder items = new PickleBuilder()
        .str("h").tensor("HalfStorage", "h", 2, 0, new long[] {2}, new long[] {1})
        .str("b").tensor("BFloat16Storage", "b", 2, 0, new long[] {2}, new long[] {1})
        .str("d").tensor("DoubleStorage", "d", 2, 0, new long[] {2}, new long[] {1})
        .str("i").tensor("IntStorage", "i", 2, 0, new long[] {2}, new long[] {1});
    byte[] zip = new TorchZip("types/").pickle(TinyCheckpoint.pickle(items))
        .storage("h", half.array()).storage("b", bf16.array())
        .storage("d", doubles.array()).storage("i", ints.array()).toBytes();
    Checkpoint c = PthReader.read(zip, "types.pth");
    assertEquals(TensorType.FLOAT16, c.tensor("h").type());
    assertArrayEquals(new float[] {1, -2}, c.tensor("h").toFloats());
    assertEquals(TensorType.BFLOAT16, c.tensor("b").type());
    assertArrayEquals(new float[] {1, 3}, c.tensor("b").toFloats());
    assertEquals(TensorType.FLOAT64, c.tensor("d").type());
    assertArrayEquals(new float[] {0.25f, -8}, c.tensor("d").toFloats());
    assertEquals(TensorType.INT32, c.tensor("i").type());
    assertArrayEquals(new long[] {-7, 9}, c.tensor("i").toLongs());
  }

  @Test
  void honoursABigEndianByteorderEntry() throws Exception {
    ByteBuffer be = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
    be.asFloatBuffer().put(TinyCheckpoint.WEIGHT);
    byte[] zip = new TorchZip("be/").pickle(TinyCheckpoint.pickle(TinyCheckpoint.defaultItems()))
        .entry("be/byteorder", "big".getBytes(StandardCharsets.US_ASCII))
        .storage("0", be.array())
        .storage("1", ByteBuffer.allocate(8).putLong(42).array())
        .toBytes();
    Checkpoint c = PthReader.read(zip, "be.pth");
    assertArrayEquals(TinyCheckpoint.WEIGHT, c.tensor("w").toFloats());
    assertArrayEquals(new long[] {42}, c.tensor("steps").toLongs());
  }

  @Test
  void acceptsProtocol4OpcodesAndRebuildParameter() throws Exception {
    PickleBuilder p = new PickleBuilder().proto(4).op(0x95).raw(new byte[8]) // FRAME
        .emptyDict().op(0x94) // MEMOIZE -> 0
        .shortStr("model").emptyDict().op(0x94).mark()
        .shortStr("name").shortStr("p4")
        .shortStr("args").emptyDict().mark()
        .shortStr("big").op(0x8a).op(5).raw(new byte[] {0, 0, 0, 0, 1}) // LONG1 = 2^32
        .shortStr("neg").op(0x8a).op(1).raw((byte) 0xff) // LONG1 = -1
        .shortStr("triple").integer(1).integer(2).integer(3).op(0x87) // TUPLE3
        .setitems()
        .shortStr("sd")
        .shortStr("collections").shortStr("OrderedDict").op(0x93).emptyTuple().reduce()
        .mark().shortStr("w")
        .global("torch._utils", "_rebuild_parameter")
        .tensor("FloatStorage", "0", 6, 0, new long[] {6}, new long[] {1})
        .bool(true).orderedDict().op(0x87).reduce()
        .setitems()
        .setitems()
        .setitem() // top dict gets 'model'
        .stop();
    byte[] zip = new TorchZip("p4/").pickle(p.toBytes())
        .storage("0", TorchZip.floats(TinyCheckpoint.WEIGHT)).toBytes();
    Checkpoint c = PthReader.read(zip, "p4.pth");
    assertEquals("p4", c.modelName());
    assertEquals(1L << 32, c.args().get("big"));
    assertEquals(-1L, c.args().get("neg"));
    assertEquals(List.of(1L, 2L, 3L), c.args().get("triple"));
    assertArrayEquals(TinyCheckpoint.WEIGHT, c.tensor("w").toFloats());
    assertTrue(c.iteration().isEmpty());
  }

  @Test
  void ignoresTheStateDictMetadataThatTorchAttachesWithBuild() throws Exception {
    // torch pickles a state dict as OrderedDict plus BUILD {'_metadata': OrderedDict(...)}
    PickleBuilder metadata = new PickleBuilder()
        .emptyDict().str("_metadata").orderedDict().setitem().op('b');
    byte[] zip = TinyCheckpoint.zip()
        .pickle(TinyCheckpoint.pickle(TinyCheckpoint.defaultItems(), metadata)).toBytes();
    Checkpoint c = PthReader.read(zip, "build.pth");
    assertEquals(List.of("w", "steps"), List.copyOf(c.stateDict().keySet()));
  }

  @Test
  void tensorLookupNamesTheMissingKeyAndTheModel() throws Exception {
    Checkpoint c = PthReader.read(TinyCheckpoint.bytes(), "tiny.pth");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.tensor("nope.weight"));
    assertTrue(e.getMessage().contains("nope.weight") && e.getMessage().contains("tiny"),
        e.getMessage());
  }

  @Test
  void stateDictIsACopy() throws Exception {
    Checkpoint c = PthReader.read(TinyCheckpoint.bytes(), "tiny.pth");
    c.stateDict().clear();
    assertEquals(2, c.stateDict().size());
    assertThrows(UnsupportedOperationException.class, () -> c.args().put("x", 1L));
  }
}
