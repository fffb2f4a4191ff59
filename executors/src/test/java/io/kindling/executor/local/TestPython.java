package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The venv the Python tests run on: the POM's {@code kindling.test.python} (target/python-venv/bin/python, made by
 * .ci/run with bin/kindling-python-env). Without it those tests fail, saying how to make it: CI always has it.
 */
final class TestPython {
    private TestPython() {}

    static String interpreter() {
        String configured = System.getProperty("kindling.test.python", "");
        Path python = configured.isBlank()
                ? Path.of("..", "target", "python-venv", "bin", "python").toAbsolutePath()
                : Path.of(configured);
        if (!Files.isExecutable(python)) {
            fail("no Python environment for the Python task tests at " + python + ": run `bin/kindling-python-env` "
                    + "(what .ci/run does) or give -Dkindling.test.python=/path/to/venv/bin/python");
        }
        return python.toString();
    }
}
