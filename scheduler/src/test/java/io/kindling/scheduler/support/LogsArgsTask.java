package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.TreeMap;

/**
 * A careless task, for the secrets tests: logs its args, writes to {@code <workDir>/<report>} whether its
 * {@code password} arg and the {@code spark.kindling.test.password} conf equal the {@code expect} arg read from
 * {@code <workDir>/<expect_file>} (so the expected value is in no pipeline file), then fails with the password in
 * its message.
 */
public class LogsArgsTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) throws IOException {
        String password = context.args().get("password");
        context.log("args " + new TreeMap<>(context.args()));
        String expected = Files.readString(
                        context.workDir().resolve(context.args().get("expect_file")), StandardCharsets.UTF_8)
                .strip();
        String conf = context.spark().conf().get("spark.kindling.test.password", "<unset>");
        Files.writeString(
                context.workDir().resolve(context.args().get("report")),
                "arg " + expected.equals(password) + ", spark_conf " + expected.equals(conf) + "\n");
        throw new IllegalStateException("the warehouse refused password " + password);
    }
}
