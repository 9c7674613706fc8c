package io.pcsr.udf.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.pcsr.udf.checkpoint.TensorData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam as torch.optim.Adam computes it (no weight decay, no amsgrad):
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps).
 * Its moments can be saved and restored, so a resumed run continues exactly.
 */
final class Adam implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final NDManager manager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private long step;

  Adam(NDManager parent, double beta1, double beta2, double eps) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.manager = parent.newSubManager();
  }

  long step() { return step; }

  /** One update of every parameter from its accumulated gradient, at learning rate lr. */
  void update(Map<String, NDArray> params, double lr) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    try (NDManager tmp = manager.newSubManager()) {
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray p = e.getValue();
        NDArray g = p.getGradient();
        g.attach(tmp); // every result computed from g lands in tmp too
        NDArray mi = m.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
        NDArray vi = v.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
        mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
        vi.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
        // p -= (lr / c1) * m / (sqrt(v / c2) + eps)
        NDArray vHat = vi.div((float) c2);
        vHat.attach(tmp);
        NDArray denom = vHat.sqrt().addi((float) eps); // in tmp, as vHat is
        NDArray upd = mi.mul((float) (lr / c1));
        upd.attach(tmp);
        upd.divi(denom);
        p.subi(upd);
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** The moments as a state dict ("m.KEY", "v.KEY"). */
  LinkedHashMap<String, TensorData> state() {
    LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
    m.forEach((k, a) -> out.put("m." + k, TensorData.ofFloats(a.getShape().getShape(), a.toFloatArray())));
    v.forEach((k, a) -> out.put("v." + k, TensorData.ofFloats(a.getShape().getShape(), a.toFloatArray())));
    return out;
  }

  void restore(Map<String, TensorData> state, long step) {
    this.step = step;
    m.values().forEach(NDArray::close);
    v.values().forEach(NDArray::close);
    m.clear();
    v.clear();
    state.forEach((k, t) -> {
      NDArray a = manager.create(t.toFloats(), new Shape(t.shape()));
      if (k.startsWith("m.")) {
        m.put(k.substring(2), a);
      } else if (k.startsWith("v.")) {
        v.put(k.substring(2), a);
      } else {
        a.close();
        throw new IllegalArgumentException("unexpected optimizer state tensor '" + k + "'");
      }
    });
  }

  @Override public void close() {
    manager.close();
  }
}
