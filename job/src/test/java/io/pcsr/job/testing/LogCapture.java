package io.pcsr.job.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures what a test's JVM logs (every log4j2 logger, at the levels configured, plus
 * {@code io.pcsr} at DEBUG) and what it prints on System.out/err, so a test can scan it. The
 * original streams still get everything. Close to detach.
 */
public final class LogCapture implements AutoCloseable {
  private final StringBuffer events = new StringBuffer();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final Appender appender = new Appender();
  private final LoggerContext context;
  private final Level pcsrLevel;
  private final boolean addedPcsrLogger;

  public LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender.start();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, null, null);
    for (LoggerConfig lc : config.getLoggers().values()) {
      if (lc != config.getRootLogger()) {
        lc.addAppender(appender, null, null);
      }
    }
    LoggerConfig pcsr = config.getLoggerConfig("io.pcsr");
    pcsrLevel = pcsr.getLevel();
    addedPcsrLogger = !"io.pcsr".equals(pcsr.getName());
    if (addedPcsrLogger) {
      LoggerConfig own = new LoggerConfig("io.pcsr", Level.DEBUG, true);
      config.addLogger("io.pcsr", own);
    } else {
      pcsr.setLevel(Level.DEBUG);
    }
    context.updateLoggers();
    System.setOut(new PrintStream(new Tee(originalOut, console), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr, console), true, StandardCharsets.UTF_8));
  }

  /** Everything captured so far: log events (with their stack traces) and console output. */
  public String text() {
    synchronized (console) {
      return events + "\n" + console.toString(StandardCharsets.UTF_8);
    }
  }

  public int eventCount() {
    return appender.count;
  }

  @Override public void close() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    Configuration config = context.getConfiguration();
    for (LoggerConfig lc : config.getLoggers().values()) {
      lc.removeAppender(appender.getName());
    }
    config.getRootLogger().removeAppender(appender.getName());
    if (addedPcsrLogger) {
      config.removeLogger("io.pcsr");
    } else {
      config.getLoggerConfig("io.pcsr").setLevel(pcsrLevel);
    }
    context.updateLoggers();
    appender.stop();
  }

  private final class Appender extends AbstractAppender {
    volatile int count;

    Appender() {
      super("pcsr-test-capture", (Filter) null, null, true, Property.EMPTY_ARRAY);
    }

    @Override public void append(LogEvent e) {
      count++;
      StringBuilder sb = new StringBuilder();
      sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(": ")
          .append(e.getMessage().getFormattedMessage()).append('\n');
      for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
        sb.append("  caused by ").append(t).append('\n');
      }
      events.append(sb);
    }
  }

  private final class Tee extends OutputStream {
    private final OutputStream a;

    Tee(OutputStream a, ByteArrayOutputStream ignored) {
      this.a = a;
    }

    @Override public void write(int c) {
      synchronized (console) {
        console.write(c);
      }
      try {
        a.write(c);
      } catch (java.io.IOException ignored) {
        // the original stream's problem, not the capture's
      }
    }

    @Override public void write(byte[] buf, int off, int len) {
      synchronized (console) {
        console.write(buf, off, len);
      }
      try {
        a.write(buf, off, len);
      } catch (java.io.IOException ignored) {
        // as above
      }
    }

    @Override public void flush() throws java.io.IOException {
      a.flush();
    }
  }
}
