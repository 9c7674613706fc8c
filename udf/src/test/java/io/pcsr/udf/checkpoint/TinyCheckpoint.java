package io.pcsr.udf.checkpoint;

/**
 * A small checkpoint in the official PCSR layout, {'model': {'name', 'args', 'sd'}, 'iter'},
 * built without PyTorch: args of every plain type and a state dict of two tensors sharing
 * nothing special. Tests vary pieces of it.
 */
final class TinyCheckpoint {
  static final float[] WEIGHT = {0.5f, -1.25f, 3f, 4f, 5f, 6f};
  static final long ITER = 1234;

  private TinyCheckpoint() {}

  /** The pickle with the given state-dict body (opcodes that push key, tensor pairs). */
  static byte[] pickle(PickleBuilder sdItems) {
    return pickle(sdItems, new PickleBuilder());
  }

  /** As {@link #pickle(PickleBuilder)}, with opcodes run on the finished state dict. */
  static byte[] pickle(PickleBuilder sdItems, PickleBuilder afterStateDict) {
    PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
    p.str("model").emptyDict().mark();
    p.str("name").str("tiny");
    p.str("args").emptyDict().mark()
        .str("nf").integer(4)
        .str("hidden_list").emptyList().mark().integer(8).integer(8).appends()
        .str("lr").float64(0.5)
        .str("no_upsampling").bool(true)
        .str("nothing").none()
        .str("pair").intTuple(1, 2)
        .str("encoder_spec").emptyDict().mark().str("name").str("fsrcnn").setitems()
        .setitems();
    p.str("sd").orderedDict().mark().raw(sdItems.toBytes()).setitems()
        .raw(afterStateDict.toBytes());
    p.setitems();
    p.str("optimizer").emptyDict();
    p.str("iter").integer(ITER);
    return p.setitems().stop().toBytes();
  }

  /** 'w' = FloatStorage '0' as a 2x3 tensor, 'steps' = LongStorage '1' scalar. */
  static PickleBuilder defaultItems() {
    return new PickleBuilder()
        .str("w").tensor("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1})
        .str("steps").tensor("LongStorage", "1", 1, 0, new long[0], new long[0]);
  }

  static TorchZip zip() {
    return new TorchZip("tiny/")
        .pickle(pickle(defaultItems()))
        .storage("0", TorchZip.floats(WEIGHT))
        .storage("1", TorchZip.longs(42));
  }

  static byte[] bytes() {
    return zip().toBytes();
  }
}
