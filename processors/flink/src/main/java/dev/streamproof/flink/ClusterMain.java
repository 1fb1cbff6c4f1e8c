package dev.streamproof.flink;

import dev.streamproof.core.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The same job on a real Flink cluster (the FlinkDeployment's entryClass): the job config comes
 * as one JSON argument, checkpoint storage, slots and resources from the cluster's configuration
 * (the manifest's flinkConfiguration), parallelism from the deployment.
 */
public final class ClusterMain {
  private ClusterMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) throw new IllegalArgumentException("expected one argument: the job config as JSON");
    Path file = Files.createTempFile("streamproof-job", ".json");
    Files.writeString(file, args[0]);
    JobConfig job = JobConfig.read(file);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(job.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
    ContractJob.build(env, job);
    env.execute("streamproof-" + job.applicationId());
  }
}
