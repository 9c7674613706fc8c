package io.pcsr.udf.concurrent;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with its failure rethrown as the caller's. */
public final class Futures {
  private Futures() {}

  /**
   * The future's value. An unchecked failure or error of the task is rethrown as it was; a
   * checked one, or an interrupt of the waiting thread, becomes an IOException naming
   * {@code what} (e.g. "preparing a batch").
   */
  public static <T> T await(Future<T> f, String what) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(what + " failed: " + cause, cause);
    }
  }
}
