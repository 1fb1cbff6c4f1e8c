package dev.streamproof.kstreams;

import dev.streamproof.core.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * One Kafka Streams instance of the contract's job: `java -jar kafka-streams-processor.jar
 * <config.json>`. Prints JSON lines on stdout — `ready` once RUNNING, `status` every second,
 * `exit` — and logs on stderr. SIGTERM closes it cleanly (the commit in flight completes);
 * an uncaught error exits 2.
 */
public final class Main {
  private Main() {}

  static Properties properties(JobConfig job) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, job.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, job.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, job.slots());
    p.put(StreamsConfig.STATE_DIR_CONFIG, job.stateDir());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, job.checkpointIntervalMs());
    p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, ArrivalTimestampExtractor.class);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A killed instance must not hold its partitions for the default 45 s: the restarted one
    // rejoins under the same static member id and takes them over at once.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), job.applicationId() + "-" + job.instance());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
    p.put(StreamsConfig.CLIENT_ID_CONFIG, job.applicationId() + "-" + job.instance());
    return p;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -jar kafka-streams-processor.jar <config.json>");
      System.exit(64);
    }
    JobConfig job = JobConfig.read(Path.of(args[0]));
    Counters counters = new Counters();
    KafkaStreams streams = new KafkaStreams(ContractTopology.build(job, counters), properties(job));
    CountDownLatch done = new CountDownLatch(1);
    int[] exitCode = {0};
    streams.setUncaughtExceptionHandler(error -> {
      System.err.println("fatal: " + error);
      error.printStackTrace(System.err);
      exitCode[0] = 2;
      done.countDown();
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    boolean[] announced = {false};
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING && !announced[0]) {
        announced[0] = true;
        line("{\"type\":\"ready\",\"instance\":" + job.instance() + "}");
      }
      if (now == KafkaStreams.State.ERROR) {
        exitCode[0] = 2;
        done.countDown();
      }
    });
    ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "status");
      t.setDaemon(true);
      return t;
    });
    status.scheduleAtFixedRate(() -> line(String.format(
        "{\"type\":\"status\",\"instance\":%d,\"state\":\"%s\",\"eventsIn\":%d,\"results\":%d,\"late\":%d,\"dlq\":%d}",
        job.instance(), streams.state(), counters.eventsIn.get(), counters.results.get(), counters.late.get(), counters.dlq.get())), 1, 1, TimeUnit.SECONDS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(20));
      line("{\"type\":\"exit\",\"instance\":" + job.instance() + ",\"code\":" + exitCode[0] + "}");
      done.countDown();
    }, "shutdown"));
    streams.start();
    done.await();
    if (exitCode[0] != 0) {
      streams.close(Duration.ofSeconds(5));
      line("{\"type\":\"exit\",\"instance\":" + job.instance() + ",\"code\":" + exitCode[0] + "}");
      Runtime.getRuntime().halt(exitCode[0]);
    }
  }

  static synchronized void line(String json) {
    System.out.println(json);
    System.out.flush();
  }
}
