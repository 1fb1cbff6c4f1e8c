import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A minimal JMX-to-Prometheus java agent for the native brokers, built from this source on first
 * use (src/stack/native/install.ts) because the Prometheus JMX exporter's agent jar is not served
 * by the Maven registry this machine reaches. Same agent argument as that exporter:
 * {@code -javaagent:agent.jar=HOST:PORT:RULES_FILE}. Only the JDK is used (HttpServer, the
 * platform MBean server), so nothing else has to be downloaded.
 *
 * The rules file (stack/kafka/jmx-exporter/kafka-broker.rules) lists, one per line:
 * {@code metric_name type object_name_pattern attribute [label_key ...]}; each MBean matching the
 * pattern becomes one sample, labelled with the listed ObjectName keys. Only listed MBeans are
 * read, so a scrape stays cheap (a handful of attribute reads, no full MBean walk).
 */
public final class JmxExporterAgent {
  record Rule(String metric, String type, ObjectName pattern, String attribute, List<String> labelKeys) {}

  private JmxExporterAgent() {}

  public static void premain(String agentArgs, Instrumentation inst) throws Exception {
    String[] parts = agentArgs == null ? new String[0] : agentArgs.split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("jmx exporter agent: expected HOST:PORT:RULES_FILE, got " + agentArgs);
    }
    List<Rule> rules = parseRules(Path.of(parts[2]));
    HttpServer server = HttpServer.create(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 8);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "jmx-exporter-http");
      t.setDaemon(true); // never keeps the broker alive on shutdown
      return t;
    }));
    MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    server.createContext("/metrics", exchange -> {
      byte[] body = render(mbeans, rules).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  static List<Rule> parseRules(Path file) throws IOException {
    List<Rule> rules = new ArrayList<>();
    int lineNo = 0;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo += 1;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      if (f.length < 4 || !(f[1].equals("gauge") || f[1].equals("counter"))) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": expected 'metric gauge|counter object_name attribute [label_key ...]'");
      }
      try {
        rules.add(new Rule(f[0], f[1], new ObjectName(f[2]), f[3], List.of(f).subList(4, f.length)));
      } catch (javax.management.MalformedObjectNameException e) {
        throw new IllegalArgumentException(file + ":" + lineNo + ": bad ObjectName " + f[2] + ": " + e.getMessage());
      }
    }
    return rules;
  }

  static String render(MBeanServer mbeans, List<Rule> rules) {
    // Samples grouped by metric name so each gets one TYPE line, in the rules' order.
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, List<String>> samples = new LinkedHashMap<>();
    long started = System.nanoTime();
    int errors = 0;
    for (Rule rule : rules) {
      types.putIfAbsent(rule.metric(), rule.type());
      List<String> lines = samples.computeIfAbsent(rule.metric(), k -> new ArrayList<>());
      Set<ObjectName> names = mbeans.queryNames(rule.pattern(), null);
      for (ObjectName name : new TreeMap<>(toMap(names)).values()) {
        Object value;
        try {
          value = mbeans.getAttribute(name, rule.attribute());
        } catch (Exception e) {
          errors += 1;
          continue;
        }
        if (!(value instanceof Number number)) continue;
        lines.add(rule.metric() + labels(name, rule.labelKeys()) + " " + number.doubleValue());
      }
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<String>> e : samples.entrySet()) {
      out.append("# TYPE ").append(e.getKey()).append(' ').append(types.get(e.getKey())).append('\n');
      for (String s : e.getValue()) out.append(s).append('\n');
    }
    out.append("# TYPE jmx_scrape_duration_seconds gauge\njmx_scrape_duration_seconds ")
        .append((System.nanoTime() - started) / 1e9).append('\n');
    out.append("# TYPE jmx_scrape_error gauge\njmx_scrape_error ").append(errors > 0 ? 1 : 0).append('\n');
    return out.toString();
  }

  private static Map<String, ObjectName> toMap(Set<ObjectName> names) {
    Map<String, ObjectName> byName = new TreeMap<>();
    for (ObjectName n : names) byName.put(n.getCanonicalName(), n);
    return byName;
  }

  private static String labels(ObjectName name, List<String> keys) {
    if (keys.isEmpty()) return "";
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < keys.size(); i++) {
      String v = name.getKeyProperty(keys.get(i));
      if (i > 0) b.append(',');
      b.append(keys.get(i)).append("=\"").append(v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append('}').toString();
  }
}
