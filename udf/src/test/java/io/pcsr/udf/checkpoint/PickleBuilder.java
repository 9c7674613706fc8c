package io.pcsr.udf.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, to build test pickles (benign and hostile) without Python. */
final class PickleBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  PickleBuilder op(int opcode) {
    out.write(opcode);
    return this;
  }

  PickleBuilder raw(byte... bytes) {
    out.writeBytes(bytes);
    return this;
  }

  PickleBuilder proto(int protocol) {
    return op(0x80).op(protocol);
  }

  PickleBuilder str(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return op('X').raw(le32(utf8.length)).raw(utf8);
  }

  PickleBuilder shortStr(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return op(0x8c).op(utf8.length).raw(utf8);
  }

  PickleBuilder integer(long v) {
    if (v >= 0 && v < 256) {
      return op('K').op((int) v);
    }
    if (v >= 0 && v < 65536) {
      return op('M').op((int) (v & 0xff)).op((int) (v >>> 8));
    }
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      return op('J').raw(le32((int) v));
    }
    return op(0x8a).op(8).raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v)
        .array());
  }

  PickleBuilder float64(double v) {
    return op('G').raw(ByteBuffer.allocate(8).putDouble(v).array()); // big-endian
  }

  PickleBuilder bool(boolean b) {
    return op(b ? 0x88 : 0x89);
  }

  PickleBuilder none() {
    return op('N');
  }

  PickleBuilder global(String module, String name) {
    return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
  }

  PickleBuilder mark() {
    return op('(');
  }

  PickleBuilder tuple() {
    return op('t');
  }

  PickleBuilder emptyTuple() {
    return op(')');
  }

  PickleBuilder emptyDict() {
    return op('}');
  }

  PickleBuilder emptyList() {
    return op(']');
  }

  PickleBuilder setitem() {
    return op('s');
  }

  PickleBuilder setitems() {
    return op('u');
  }

  PickleBuilder appends() {
    return op('e');
  }

  PickleBuilder reduce() {
    return op('R');
  }

  PickleBuilder put(int index) {
    return op('q').op(index);
  }

  PickleBuilder get(int index) {
    return op('h').op(index);
  }

  PickleBuilder stop() {
    return op('.');
  }

  /** {@code OrderedDict()} as torch pickles it: GLOBAL, EMPTY_TUPLE, REDUCE. */
  PickleBuilder orderedDict() {
    return global("collections", "OrderedDict").emptyTuple().reduce();
  }

  /** A tuple of integers (MARK ... TUPLE). */
  PickleBuilder intTuple(long... values) {
    mark();
    for (long v : values) {
      integer(v);
    }
    return tuple();
  }

  /**
   * {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} with the
   * storage given by the persistent id {@code ('storage', torch.<type>, key, 'cpu', numel)}.
   */
  PickleBuilder tensor(String storageType, String key, long numel, long offset, long[] size,
      long[] stride) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel)
        .tuple().op('Q');
    integer(offset).intTuple(size).intTuple(stride).bool(false).orderedDict();
    return tuple().reduce();
  }

  byte[] toBytes() {
    return out.toByteArray();
  }

  static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
