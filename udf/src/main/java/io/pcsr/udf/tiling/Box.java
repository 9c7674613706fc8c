package io.pcsr.udf.tiling;

import java.io.Serializable;

/** A rectangle of pixels: rows [y, y+height), columns [x, x+width). */
public record Box(int y, int x, int height, int width) implements Serializable {
  public Box {
    if (y < 0 || x < 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException("bad box " + y + "," + x + " " + height + "x" + width);
    }
  }

  public long pixels() { return (long) height * width; }

  /** Grown by {@code margin} on every side, clipped to [0,h) x [0,w). */
  public Box grow(int margin, int h, int w) {
    int y0 = Math.max(0, y - margin);
    int x0 = Math.max(0, x - margin);
    int y1 = Math.min(h, y + height + margin);
    int x1 = Math.min(w, x + width + margin);
    return new Box(y0, x0, y1 - y0, x1 - x0);
  }

  /** This box in the coordinates of {@code outer} (which must contain it). */
  public Box relativeTo(Box outer) {
    return new Box(y - outer.y, x - outer.x, height, width);
  }

  public Box scaled(int s) {
    return new Box(y * s, x * s, height * s, width * s);
  }
}
