package io.pcsr.job;

import io.pcsr.udf.spark.ModelFiles;

/** The message an error row or log line carries: the cause chain, credentials stripped. */
public final class ErrorMessages {
  private ErrorMessages() {}

  public static String of(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Throwable t = e;
    int depth = 0;
    while (t != null && depth++ < 4) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
      t = t.getCause() == t ? null : t.getCause();
    }
    return redact(sb.toString());
  }

  /** Removes user info from URIs and values of secret-looking keys. */
  public static String redact(String text) {
    String s = ModelFiles.redact(text);
    return s.replaceAll("(?i)((?:secret|password|token|credential)[\\w.-]*\\s*[=:]\\s*)\\S+", "$1***");
  }
}
