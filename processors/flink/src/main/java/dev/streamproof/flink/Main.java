package dev.streamproof.flink;

import dev.streamproof.core.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The seed's Flink job in a local MiniCluster (JobManager and `slots` task managers' slots in
 * this one JVM: the same runtime as a cluster, without flink-dist): `java -cp … Main
 * <config.json>`. Checkpoints go to `<stateDir>/checkpoints` and are retained; a start resumes
 * from the newest completed checkpoint or savepoint there, so a JVM killed with SIGKILL and
 * started again continues exactly once from its last checkpoint (the KafkaSink aborts the dead
 * JVM's open transactions). SIGTERM stops with a savepoint (without draining: no final
 * watermark), which commits the last transaction. Prints JSON lines: `ready`, `status`, `exit`.
 */
public final class Main {
  private static final String LOOPBACK = "127.0.0.1";

  private Main() {}

  /** The newest `_metadata` of a completed checkpoint or savepoint under `dir`, if any. */
  static Optional<Path> latestSnapshot(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return Optional.empty();
    try (Stream<Path> files = Files.walk(dir, 4)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata"))
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
          .map(Path::getParent);
    }
  }

  /**
   * The MiniCluster's servers (REST endpoint, BLOB server, the task managers' data and RPC
   * ports) listen on loopback only: by default Flink binds them to every interface.
   */
  static Configuration loopbackOnly(Configuration conf) {
    conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    conf.set(RestOptions.ADDRESS, LOOPBACK);
    conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
    conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
    conf.set(TaskManagerOptions.HOST, LOOPBACK);
    conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
    return conf;
  }

  static Configuration configuration(JobConfig job, Optional<Path> restoreFrom) {
    Configuration conf = loopbackOnly(new Configuration());
    conf.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, job.taskManagers());
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, job.slots());
    // A MiniCluster's task managers share this JVM: small network buffer pools, no managed memory use (heap state backend).
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("16m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("16m"));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, Path.of(job.stateDir(), "checkpoints").toUri().toString());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, Path.of(job.stateDir(), "savepoints").toUri().toString());
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    restoreFrom.ifPresent(path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    return conf;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp flink-processor.jar:lib/* dev.streamproof.flink.Main <config.json>");
      System.exit(64);
    }
    JobConfig job = JobConfig.read(Path.of(args[0]));
    Optional<Path> restoreFrom = latestSnapshot(Path.of(job.stateDir()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(job.parallelism(), configuration(job, restoreFrom));
    env.enableCheckpointing(job.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
    ContractJob.build(env, job);
    JobClient client = env.executeAsync("streamproof-" + job.applicationId());
    line("{\"type\":\"submitted\",\"jobId\":\"" + client.getJobID() + "\",\"restoredFrom\":" + restoreFrom.map(p -> "\"" + p + "\"").orElse("null") + "}");

    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop(client, job));
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop(client, job));
    boolean announced = false;
    for (;;) {
      JobStatus status = client.getJobStatus().get(30, TimeUnit.SECONDS);
      if (status == JobStatus.RUNNING && !announced) {
        announced = true;
        line("{\"type\":\"ready\",\"instance\":" + job.instance() + "}");
      }
      line("{\"type\":\"status\",\"instance\":" + job.instance() + ",\"state\":\"" + status + "\"}");
      if (status.isGloballyTerminalState()) {
        int code = status == JobStatus.FINISHED ? 0 : 2;
        line("{\"type\":\"exit\",\"instance\":" + job.instance() + ",\"code\":" + code + ",\"job\":\"" + status + "\"}");
        System.exit(code);
      }
      Thread.sleep(1_000);
    }
  }

  /** Stop with a savepoint: the last checkpoint's transactions and this savepoint's commit; no final watermark. */
  private static void stop(JobClient client, JobConfig job) {
    Thread stopper = new Thread(() -> {
      int code = 0;
      try {
        String at = client.stopWithSavepoint(false, null, SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        line("{\"type\":\"stopped\",\"savepoint\":\"" + at + "\"}");
      } catch (Exception e) {
        System.err.println("stop with savepoint failed: " + e);
        code = 2;
      }
      line("{\"type\":\"exit\",\"instance\":" + job.instance() + ",\"code\":" + code + "}");
      Runtime.getRuntime().halt(code);
    }, "stop-with-savepoint");
    stopper.start();
  }

  static synchronized void line(String json) {
    System.out.println(json);
    System.out.flush();
  }
}
