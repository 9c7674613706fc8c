package io.pcsr.udf.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle interpreter for the data-only subset that {@code torch.save} uses for state dicts.
 *
 * <p>It builds plain values (String, Long, Double, Boolean, null, byte[], {@link PyTuple},
 * {@code ArrayList}, {@code LinkedHashMap}) and, for the few allowed torch globals, {@link
 * StorageRef} and {@link TensorRef}. Any other global, and every opcode that builds arbitrary
 * objects, is refused with {@link UnsafeCheckpointException} the moment it is read, so nothing a
 * file names is ever looked up, instantiated or executed. Stack, memo and mark depth are bounded.
 */
final class SafeUnpickler {
  /** Turns a persistent id (BINPERSID) into a value, e.g. a storage reference. */
  @FunctionalInterface
  interface PersistentLoader {
    Object load(Object persistentId) throws CheckpointException;
  }

  static final int MAX_MEMO_ENTRIES = 1 << 20;
  static final int MAX_STACK = 1 << 22;
  static final int MAX_MARKS = 1 << 12;
  private static final int MAX_GLOBAL_LINE = 256;
  private static final int HIGHEST_PROTOCOL = 5;

  private final ByteBuffer in;
  private final String where;
  private final PersistentLoader persistentLoader;
  private final ArrayList<Object> stack = new ArrayList<>();
  private int[] marks = new int[16];
  private int markCount;
  /** Offset of the opcode being executed, for messages. */
  private int opcodeAt;
  private final HashMap<Long, Object> memo = new HashMap<>();

  private SafeUnpickler(ByteBuffer pickle, String where, PersistentLoader persistentLoader) {
    this.in = pickle.slice().order(ByteOrder.LITTLE_ENDIAN);
    this.where = where;
    this.persistentLoader = persistentLoader;
  }

  /**
   * Runs the pickle to its STOP and returns the result.
   *
   * @param where names the source in messages, e.g. "checkpoint x.pth (iter_last/data.pkl)"
   */
  static Object load(ByteBuffer pickle, String where, PersistentLoader persistentLoader)
      throws CheckpointException {
    return new SafeUnpickler(pickle, where, persistentLoader).run();
  }

  private Object run() throws CheckpointException {
    while (true) {
      if (!in.hasRemaining()) {
        throw corrupt("the pickle ends without a STOP opcode (truncated?)");
      }
      opcodeAt = in.position();
      int opcode = in.get() & 0xff;
      switch (opcode) {
        case 0x80 -> { // PROTO
          int protocol = u8();
          if (protocol > HIGHEST_PROTOCOL) {
            throw corrupt("unknown pickle protocol " + protocol);
          }
        }
        case 0x95 -> bytes(8); // FRAME: a length hint only, the data follows inline
        case '.' -> { // STOP
          return pop();
        }
        case '(' -> pushMark();
        case '0' -> pop(); // POP
        case '1' -> popMark(); // POP_MARK
        case '2' -> push(peek()); // DUP
        case 'N' -> push(null);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'J' -> push((long) i32()); // BININT
        case 'K' -> push((long) u8()); // BININT1
        case 'M' -> push((long) u16()); // BININT2
        case 0x8a -> push(long1(u8())); // LONG1
        case 'G' -> push(binfloat()); // BINFLOAT
        case 'X' -> push(utf8(u32())); // BINUNICODE
        case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
        case 0x8d -> push(utf8(u64())); // BINUNICODE8
        case 'T' -> push(latin1(i32Length())); // BINSTRING (Python 2 str)
        case 'U' -> push(latin1(u8())); // SHORT_BINSTRING
        case 'B' -> push(bytes(u32())); // BINBYTES
        case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
        case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
        case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
        case ')' -> push(new PyTuple(List.of())); // EMPTY_TUPLE
        case 'd' -> push(dictOf(popMark())); // DICT
        case 'l' -> push(new ArrayList<>(popMark())); // LIST
        case 't' -> push(new PyTuple(popMark())); // TUPLE
        case 0x85 -> push(tupleOfTop(1)); // TUPLE1
        case 0x86 -> push(tupleOfTop(2)); // TUPLE2
        case 0x87 -> push(tupleOfTop(3)); // TUPLE3
        case 's' -> { // SETITEM
          Object value = pop();
          Object key = pop();
          dictOnTop().put(key, value);
        }
        case 'u' -> { // SETITEMS: the dict sits below the mark
          Map<Object, Object> items = dictOf(popMark());
          dictOnTop().putAll(items);
        }
        case 'a' -> { // APPEND
          Object value = pop();
          listOnTop().add(value);
        }
        case 'e' -> { // APPENDS
          List<Object> values = popMark();
          listOnTop().addAll(values);
        }
        case 'q' -> memoPut(u8()); // BINPUT
        case 'r' -> memoPut(u32()); // LONG_BINPUT
        case 0x94 -> memoPut(memo.size()); // MEMOIZE
        case 'h' -> push(memoGet(u8())); // BINGET
        case 'j' -> push(memoGet(u32())); // LONG_BINGET
        case 'c' -> push(allowedGlobal(line(), line())); // GLOBAL
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw corrupt("STACK_GLOBAL needs two strings");
          }
          push(allowedGlobal(m, n));
        }
        case 'R' -> { // REDUCE
          Object args = pop();
          Object callable = pop();
          push(reduce(callable, args));
        }
        case 'b' -> build(); // BUILD
        case 'Q' -> push(persistentLoader.load(pop())); // BINPERSID
        case 'i' -> throw refused(line() + "." + line(), "INST"); // builds any class
        case 'o', 0x81, 0x92 -> throw new UnsafeCheckpointException("refused pickle opcode "
            + opcodeName(opcode) + " at offset " + opcodeAt + " in " + where
            + ": it instantiates arbitrary classes; only state-dict data is allowed");
        case 0x82, 0x83, 0x84 -> throw new UnsafeCheckpointException("refused pickle opcode "
            + "EXT" + " at offset " + opcodeAt + " in " + where
            + ": extension registry globals are not allowed");
        default -> throw corrupt(String.format("unsupported pickle opcode 0x%02x at offset %d "
            + "(only the data-only subset used by torch.save state dicts is accepted)",
            opcode, opcodeAt));
      }
    }
  }

  // ---- globals and calls -------------------------------------------------------------------

  private TorchGlobal allowedGlobal(String module, String name)
      throws UnsafeCheckpointException {
    return TorchGlobal.lookup(module, name)
        .orElseThrow(() -> refused(module + "." + name, "GLOBAL"));
  }

  private UnsafeCheckpointException refused(String qualifiedName, String opcode) {
    return new UnsafeCheckpointException("refused global '"
        + PickleValues.printable(qualifiedName, 200) + "' in " + where + " (" + opcode
        + " at pickle offset " + opcodeAt + "): only state-dict globals are allowed "
        + "(collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch.*Storage); "
        + "nothing in the file was executed");
  }

  private Object reduce(Object callable, Object args) throws CheckpointException {
    if (!(callable instanceof TorchGlobal global)) {
      throw corrupt("REDUCE on " + PickleValues.describe(callable) + ", which is not callable");
    }
    if (!(args instanceof PyTuple tuple)) {
      throw corrupt("REDUCE arguments must be a tuple, got " + PickleValues.describe(args));
    }
    switch (global) {
      case ORDERED_DICT:
        return orderedDict(tuple);
      case REBUILD_TENSOR_V2:
        return TensorRef.fromRebuildArgs(tuple.items(), where);
      case REBUILD_PARAMETER:
        // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its data here
        if (tuple.size() < 1 || !(tuple.get(0) instanceof TensorRef tensor)) {
          throw corrupt("_rebuild_parameter needs a tensor as first argument");
        }
        return tensor;
      default:
        throw corrupt(global.qualifiedName() + " may only appear inside a persistent id");
    }
  }

  private Map<Object, Object> orderedDict(PyTuple args) throws CheckpointException {
    LinkedHashMap<Object, Object> dict = new LinkedHashMap<>();
    if (args.size() == 0) {
      return dict;
    }
    // OrderedDict([(k, v), ...]) as written by older picklers
    Object items = args.get(0);
    List<?> pairs = items instanceof PyTuple t ? t.items() : items instanceof List<?> l ? l : null;
    if (args.size() != 1 || pairs == null) {
      throw corrupt("OrderedDict called with unexpected arguments");
    }
    for (Object pair : pairs) {
      if (!(pair instanceof PyTuple p) || p.size() != 2) {
        throw corrupt("OrderedDict items must be (key, value) pairs");
      }
      dict.put(p.get(0), p.get(1));
    }
    return dict;
  }

  private void build() throws CheckpointException {
    Object state = pop();
    Object target = peek();
    // torch pickles a state dict's _metadata (per-module versions) as BUILD state of the
    // OrderedDict. It is not part of the tensors, and attaching attributes to a map is
    // meaningless here, so the state is dropped; anything else has no business being built.
    if (!(target instanceof Map<?, ?>) && !(target instanceof TensorRef)) {
      throw corrupt("BUILD on " + PickleValues.describe(target) + " (state "
          + PickleValues.describe(state) + ") is not supported");
    }
  }

  // ---- stack, marks, memo ------------------------------------------------------------------

  private void push(Object value) throws CheckpointException {
    if (stack.size() >= MAX_STACK) {
      throw corrupt("pickle stack exceeds " + MAX_STACK + " entries");
    }
    stack.add(value);
  }

  private Object pop() throws CheckpointException {
    int floor = markCount == 0 ? 0 : marks[markCount - 1];
    if (stack.size() <= floor) {
      throw corrupt("pickle stack underflow at offset " + opcodeAt);
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek() throws CheckpointException {
    if (stack.isEmpty()) {
      throw corrupt("pickle stack is empty at offset " + opcodeAt);
    }
    return stack.get(stack.size() - 1);
  }

  private void pushMark() throws CheckpointException {
    if (markCount >= MAX_MARKS) {
      throw corrupt("pickle nests deeper than " + MAX_MARKS + " marks");
    }
    if (markCount == marks.length) {
      marks = Arrays.copyOf(marks, marks.length * 2);
    }
    marks[markCount++] = stack.size();
  }

  /** Removes and returns everything above the topmost mark. */
  private List<Object> popMark() throws CheckpointException {
    if (markCount == 0) {
      throw corrupt("pickle opcode at offset " + opcodeAt + " needs a MARK");
    }
    int start = marks[--markCount];
    List<Object> top = stack.subList(start, stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private PyTuple tupleOfTop(int n) throws CheckpointException {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = pop();
    }
    return PyTuple.of(items);
  }

  private Map<Object, Object> dictOf(List<Object> keysAndValues) throws CheckpointException {
    if (keysAndValues.size() % 2 != 0) {
      throw corrupt("odd number of items for a dict");
    }
    LinkedHashMap<Object, Object> dict = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.size(); i += 2) {
      dict.put(keysAndValues.get(i), keysAndValues.get(i + 1));
    }
    return dict;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dictOnTop() throws CheckpointException {
    Object top = peek();
    if (!(top instanceof LinkedHashMap<?, ?>)) {
      throw corrupt("SETITEM(S) on " + PickleValues.describe(top) + ", not a dict");
    }
    return (Map<Object, Object>) top;
  }

  @SuppressWarnings("unchecked")
  private List<Object> listOnTop() throws CheckpointException {
    Object top = peek();
    if (!(top instanceof ArrayList<?>)) {
      throw corrupt("APPEND(S) on " + PickleValues.describe(top) + ", not a list");
    }
    return (List<Object>) top;
  }

  private void memoPut(long index) throws CheckpointException {
    if (memo.size() >= MAX_MEMO_ENTRIES && !memo.containsKey(index)) {
      throw corrupt("pickle memo exceeds " + MAX_MEMO_ENTRIES + " entries");
    }
    memo.put(index, peek());
  }

  private Object memoGet(long index) throws CheckpointException {
    if (!memo.containsKey(index)) {
      throw corrupt("pickle refers to memo entry " + index + ", which was never stored");
    }
    return memo.get(index);
  }

  // ---- reading -----------------------------------------------------------------------------

  private int u8() throws CheckpointException {
    need(1);
    return in.get() & 0xff;
  }

  private int u16() throws CheckpointException {
    need(2);
    return in.getShort() & 0xffff;
  }

  private long u32() throws CheckpointException {
    need(4);
    return in.getInt() & 0xffffffffL;
  }

  private int i32() throws CheckpointException {
    need(4);
    return in.getInt();
  }

  /** BINFLOAT is the one big-endian value in the format. */
  private double binfloat() throws CheckpointException {
    need(8);
    return Double.longBitsToDouble(Long.reverseBytes(in.getLong()));
  }

  private long i32Length() throws CheckpointException {
    need(4);
    int n = in.getInt();
    if (n < 0) {
      throw corrupt("negative string length " + n);
    }
    return n;
  }

  private long u64() throws CheckpointException {
    need(8);
    long n = in.getLong();
    if (n < 0) {
      throw corrupt("string length beyond 2^63");
    }
    return n;
  }

  private void need(long n) throws CheckpointException {
    if (n > in.remaining()) {
      throw corrupt("the pickle needs " + n + " more bytes at offset " + in.position()
          + " but has " + in.remaining() + " (truncated?)");
    }
  }

  private byte[] bytes(long n) throws CheckpointException {
    need(n);
    byte[] out = new byte[(int) n];
    in.get(out);
    return out;
  }

  private String utf8(long n) throws CheckpointException {
    return new String(bytes(n), StandardCharsets.UTF_8);
  }

  private String latin1(long n) throws CheckpointException {
    return new String(bytes(n), StandardCharsets.ISO_8859_1);
  }

  /** A newline-terminated line, as GLOBAL and INST spell module and name. */
  private String line() throws CheckpointException {
    StringBuilder out = new StringBuilder();
    while (true) {
      int c = u8();
      if (c == '\n') {
        return out.toString();
      }
      if (out.length() >= MAX_GLOBAL_LINE) {
        throw corrupt("global name longer than " + MAX_GLOBAL_LINE + " characters");
      }
      out.append((char) c);
    }
  }

  /** LONG1: a little-endian two's-complement integer of n bytes. */
  private Object long1(int n) throws CheckpointException {
    byte[] le = bytes(n);
    if (n == 0) {
      return 0L;
    }
    byte[] be = new byte[n];
    for (int i = 0; i < n; i++) {
      be[i] = le[n - 1 - i];
    }
    BigInteger value = new BigInteger(be);
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private CheckpointException corrupt(String message) {
    return new CheckpointException(where + ": " + message);
  }

  private static String opcodeName(int opcode) {
    return switch (opcode) {
      case 'o' -> "OBJ";
      case 0x81 -> "NEWOBJ";
      case 0x92 -> "NEWOBJ_EX";
      default -> String.format("0x%02x", opcode);
    };
  }
}
