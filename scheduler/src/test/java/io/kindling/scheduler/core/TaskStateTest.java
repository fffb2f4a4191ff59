package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStateTest {
    @Test
    void terminalStatesGoOnlyBackToQueuedForARepair() {
        for (TaskState s : EnumSet.range(TaskState.SUCCEEDED, TaskState.UPSTREAM_FAILED)) {
            assertThat(s.terminal()).isTrue();
            for (TaskState t : TaskState.values()) {
                assertThat(s.canMoveTo(t)).as(s + " -> " + t).isEqualTo(t == TaskState.QUEUED);
            }
        }
        for (RunState s : EnumSet.of(RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED)) {
            assertThat(s.terminal()).isTrue();
            for (RunState t : RunState.values()) {
                assertThat(s.canMoveTo(t)).as(s + " -> " + t).isEqualTo(t == RunState.QUEUED);
            }
        }
        assertThat(TaskState.QUEUED.terminal()).isFalse();
        assertThat(TaskState.UP_FOR_RETRY.terminal()).isFalse();
        assertThat(RunState.RUNNING.terminal()).isFalse();
    }

    @Test
    void aRetryGoesBackThroughQueued() {
        assertThat(TaskState.RUNNING.canMoveTo(TaskState.UP_FOR_RETRY)).isTrue();
        assertThat(TaskState.UP_FOR_RETRY.canMoveTo(TaskState.QUEUED)).isTrue();
        assertThat(TaskState.UP_FOR_RETRY.canMoveTo(TaskState.RUNNING)).isFalse();
        assertThat(TaskState.QUEUED.canMoveTo(TaskState.SUCCEEDED)).isFalse();
        assertThat(RunState.QUEUED.canMoveTo(RunState.RUNNING)).isTrue();
        assertThat(RunState.SUCCEEDED.terminal()).isTrue();
    }

    @Test
    void aMoveTheTableRefusesIsNeitherWrittenNorMade() {
        TaskSlot queued = new TaskSlot(0);
        TaskSlot succeeded = new TaskSlot(1);
        succeeded.restore(TaskState.SUCCEEDED);
        List<String> written = new ArrayList<>();
        assertThatThrownBy(() -> TaskSlot.moveAll(
                        List.of(queued, succeeded), TaskState.CANCELLED, () -> written.add("cancelled")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a task cannot go from SUCCEEDED to CANCELLED");
        assertThat(written).isEmpty();
        assertThat(queued.state()).isEqualTo(TaskState.QUEUED);

        TaskSlot.moveAll(List.of(queued), TaskState.CANCELLED, () -> written.add("cancelled"));
        assertThat(written).containsExactly("cancelled");
        assertThat(queued.state()).isEqualTo(TaskState.CANCELLED);
    }
}
