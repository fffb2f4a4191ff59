package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Spark logs through SLF4J and log4j-api; both must end up in logback, although log4j-core is on the classpath
 * (Spark needs its classes, see the root pom).
 */
class LoggingSetupTest {
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private Logger dagScheduler;
    private Level dagSchedulerLevel;

    @BeforeEach
    void capture() {
        SharedSpark.executor();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        events.setContext(context);
        events.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(events);
        dagScheduler = context.getLogger("org.apache.spark.scheduler.DAGScheduler");
        dagSchedulerLevel = dagScheduler.getLevel();
    }

    @AfterEach
    void release() {
        dagScheduler.setLevel(dagSchedulerLevel);
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .detachAppender(events);
    }

    @Test
    void slf4jIsBoundToLogback() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(LoggerContext.class);
    }

    @Test
    void sparksOwnLogLinesGoThroughLogback() {
        dagScheduler.setLevel(Level.INFO);

        SharedSpark.spark().sparkContext().cancelJobGroup("kindling-logging-check");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events.list).anySatisfy(event -> {
                    assertThat(event.getLoggerName()).isEqualTo("org.apache.spark.scheduler.DAGScheduler");
                    assertThat(event.getFormattedMessage()).contains("kindling-logging-check");
                }));
    }

    @Test
    void log4jApiIsRoutedToSlf4jNotToLog4jCore() {
        assertThat(LogManager.getContext(false).getClass().getName())
                .isEqualTo("org.apache.logging.slf4j.SLF4JLoggerContext");

        LogManager.getLogger("io.kindling.log4j-api-check").info("through log4j-api");

        assertThat(events.list).anySatisfy(event -> {
            assertThat(event.getLoggerName()).isEqualTo("io.kindling.log4j-api-check");
            assertThat(event.getFormattedMessage()).isEqualTo("through log4j-api");
        });
    }
}
