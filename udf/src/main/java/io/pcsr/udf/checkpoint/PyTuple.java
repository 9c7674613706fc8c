package io.pcsr.udf.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Python tuple from a pickle. Kept apart from lists (plain {@code ArrayList}) because the
 * unpickler must refuse to append to a tuple, and persistent ids and tensor arguments are tuples.
 */
record PyTuple(List<Object> items) {
  PyTuple {
    items = Collections.unmodifiableList(new ArrayList<>(items));
  }

  static PyTuple of(Object... items) {
    List<Object> list = new ArrayList<>(items.length);
    Collections.addAll(list, items);
    return new PyTuple(list);
  }

  int size() {
    return items.size();
  }

  Object get(int i) {
    return items.get(i);
  }
}
