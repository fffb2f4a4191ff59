package io.kindling.bench;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Figure 6's Spark application: the seed's example query on its own, as a spark-submit-per-task scheduler would run
 * it. Argument: the path of people.json.
 */
public final class PeopleQueryApp {
    private PeopleQueryApp() {}

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("people-query").getOrCreate();
        try {
            List<Row> rows = spark.read()
                    .json(args[0])
                    .where("age > 21")
                    .select("name.first")
                    .takeAsList(21);
            System.out.println("people-query: " + rows.size() + " rows");
        } finally {
            spark.stop();
        }
    }
}
