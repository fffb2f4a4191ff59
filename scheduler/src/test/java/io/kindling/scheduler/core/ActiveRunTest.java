package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.Templates;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.InMemoryRunStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run read back from the history (recovered after a restart, or repaired) renders what its first pass rendered. */
class ActiveRunTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final Pipeline LANDING = new PipelineParser(ParserOptions.lenient())
            .parse(Path.of("landing.yml"), """
                    pipeline: landing
                    trigger: {files: {path: in}}
                    tasks: [{id: t, sql: SELECT :trigger_files AS files}]
                    """)
            .pipeline()
            .orElseThrow();

    private static RunRecord run(String id, TriggerType trigger) {
        return RunRecord.queued(id, "landing", "hash", Optional.empty(), trigger, T0, Map.of(), T0, Optional.empty());
    }

    @Test
    void aFilesRunReadBackFromTheHistoryGetsItsFilesAgain() {
        InMemoryRunStore store = InMemoryRunStore.create("daemon-1");
        List<TriggerFile> files =
                List.of(new TriggerFile("file:/in/b.csv", 2, T0), new TriggerFile("file:/in/a.csv", 1, T0));
        RunRecord fired = run("r1", TriggerType.FILES);
        assertThat(store.insertFilesRun(fired, List.of("t"), FileTriggerState.NONE, files))
                .isTrue();

        ActiveRun again = ActiveRun.of(fired, LANDING, Lane.of(LANDING), store);

        assertThat(Templates.render("{{ trigger.files }}", again.templates)).isEqualTo("file:/in/a.csv,file:/in/b.csv");
        assertThat(Templates.sqlArgs(again.templates)).containsEntry("trigger_files", "file:/in/a.csv,file:/in/b.csv");

        ActiveRun manual = ActiveRun.of(run("r2", TriggerType.MANUAL), LANDING, Lane.of(LANDING), store);
        assertThat(Templates.render("{{ trigger.files }}", manual.templates)).isEmpty();
        assertThat(Templates.sqlArgs(manual.templates)).containsEntry("trigger_files", "");
    }
}
