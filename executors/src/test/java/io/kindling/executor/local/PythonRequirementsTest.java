package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Python pins (python/requirements.txt) hold PySpark at the Spark the build uses: one version, in the POM. */
class PythonRequirementsTest {

    @Test
    void pysparkClientIsPinnedToTheBuildsSparkVersion() {
        assertThat(PythonTaskRunner.pysparkPin())
                .isEqualTo("pyspark-client==" + org.apache.spark.package$.MODULE$.SPARK_VERSION());
    }
}
