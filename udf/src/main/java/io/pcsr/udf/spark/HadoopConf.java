package io.pcsr.udf.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop configuration that travels to executors (Configuration is not Serializable): the
 * driver's entries as a map, rebuilt once per JVM and reused. Holds credentials, so it is never
 * logged or written anywhere.
 */
public final class HadoopConf implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<String, String> entries;
  private transient Configuration conf;

  public HadoopConf(Configuration source) {
    entries = new HashMap<>();
    for (Map.Entry<String, String> e : source) {
      entries.put(e.getKey(), e.getValue());
    }
  }

  public synchronized Configuration get() {
    if (conf == null) {
      Configuration c = new Configuration(false);
      entries.forEach(c::set);
      conf = c;
    }
    return conf;
  }

  @Override public String toString() {
    return "HadoopConf[" + entries.size() + " entries, values hidden]";
  }
}
