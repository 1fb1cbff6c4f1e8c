package dev.streamproof.flink;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * A ProcessOperator that carries the watermark across a restore. Flink checkpoints no
 * watermarks: a restored job's window operator starts at Long.MIN_VALUE, so an event of a window
 * that fired and was purged before the checkpoint (a late event read right after the restore
 * point) would open that window again and fire a second revision 0 — a result key emitted twice
 * under read_committed, which the contract forbids.
 *
 * <p>Each subtask snapshots the watermark it has forwarded in union state. The window operator's
 * watermark at that checkpoint is the minimum over these subtasks (every watermark before the
 * barrier has passed), so on restore each subtask emits that minimum before any record: the
 * window operator then judges lateness exactly as it did before the crash, and sends such an event
 * to its late side output with a watermark that proves it late. Later, lower watermarks from the
 * restarted source are not forwarded (downstream would ignore them anyway).
 */
final class WatermarkFloor<I, O> extends ProcessOperator<I, O> {
  private static final long serialVersionUID = 1L;
  private static final ListStateDescriptor<Long> FORWARDED = new ListStateDescriptor<>("forwarded-watermark", Long.class);

  private transient ListState<Long> forwardedState;
  private transient long forwarded;
  private transient long restoredFloor;

  WatermarkFloor(ProcessFunction<I, O> function) {
    super(function);
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    forwardedState = context.getOperatorStateStore().getUnionListState(FORWARDED);
    forwarded = Long.MIN_VALUE;
    restoredFloor = Long.MIN_VALUE;
    if (context.isRestored()) {
      long min = Long.MAX_VALUE;
      boolean any = false;
      for (Long w : forwardedState.get()) {
        min = Math.min(min, w);
        any = true;
      }
      // No entries: a snapshot from before this operator kept its watermark; nothing to restore.
      if (any) restoredFloor = min;
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    if (restoredFloor > Long.MIN_VALUE) {
      forwarded = restoredFloor;
      super.processWatermark(new Watermark(restoredFloor));
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (mark.getTimestamp() <= forwarded) return;
    forwarded = mark.getTimestamp();
    super.processWatermark(mark);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    forwardedState.update(java.util.List.of(forwarded));
  }
}
