package io.kindling.executor.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.catalyst.catalog.CatalogStorageFormat;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.TryReflect;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.catalyst.plans.logical.TableSpec;
import org.apache.spark.sql.catalyst.plans.logical.TableSpecBase;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.command.AddArchivesCommand;
import org.apache.spark.sql.execution.command.AddFilesCommand;
import org.apache.spark.sql.execution.command.AddJarsCommand;
import org.apache.spark.sql.execution.command.AlterTableSetLocationCommand;
import org.apache.spark.sql.execution.command.CreateFunctionCommand;
import org.apache.spark.sql.execution.command.InsertIntoDataSourceDirCommand;
import org.apache.spark.sql.execution.command.LoadDataCommand;
import org.apache.spark.sql.execution.command.ResetCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The check on an analyzed plan, before Spark executes any of it (commands run after analysis): refuses what
 * runs code or shell commands, replaces folders, loads jars or changes the guard's settings, and every file
 * path outside the allowed roots, wherever the plan holds one (relations, table locations, write targets,
 * options). Views, subqueries and commands' inner plans are walked too.
 */
final class PlanGuard {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkGuard.Settings settings;

    PlanGuard(SparkGuard.Settings settings) {
        this.settings = settings;
    }

    void check(TreeNode<?> node) {
        if (node instanceof LogicalPlan plan) {
            refuseCommand(plan);
            checkPaths(plan);
            for (Expression expression : list(plan.expressions())) {
                checkExpression(expression);
            }
        }
        for (TreeNode<?> child : list(node.children())) {
            check(child);
        }
        for (TreeNode<?> inner : list(node.innerChildren())) {
            check(inner);
        }
    }

    private void checkExpression(Expression expression) {
        if (expression instanceof CallMethodViaReflection || expression instanceof TryReflect) {
            throw SqlGuardException.refuses(expression.prettyName() + "()", "it calls Java methods");
        }
        if (expression instanceof SubqueryExpression subquery) {
            check(subquery.plan());
        }
        for (Expression child : list(expression.children())) {
            checkExpression(child);
        }
    }

    private void refuseCommand(LogicalPlan plan) {
        if (plan instanceof ScriptTransformation) {
            throw SqlGuardException.refuses("TRANSFORM ... USING", "it runs shell commands");
        }
        if (plan instanceof InsertIntoDir || plan instanceof InsertIntoDataSourceDirCommand) {
            throw SqlGuardException.refuses(
                    "INSERT OVERWRITE DIRECTORY",
                    "it replaces a whole folder; write through the task's output instead");
        }
        if (plan instanceof AddJarsCommand || plan instanceof AddFilesCommand || plan instanceof AddArchivesCommand) {
            throw SqlGuardException.refuses("ADD JAR/FILE/ARCHIVE", "it loads code or files into Spark");
        }
        if (plan instanceof CreateFunctionCommand function
                && !function.resources().isEmpty()) {
            throw SqlGuardException.refuses("CREATE FUNCTION ... USING JAR/FILE/ARCHIVE", "it loads code into Spark");
        }
        if (plan instanceof SetCommand set && set.kv().isDefined()) {
            Tuple2<String, Option<String>> kv = set.kv().get();
            if (kv._2().isDefined() && SparkGuard.isGuardSetting(kv._1())) {
                throw SqlGuardException.refuses("SET " + kv._1().strip(), "it is one of the guard's own settings");
            }
        }
        if (plan instanceof ResetCommand reset) {
            if (reset.config().isEmpty()) {
                throw SqlGuardException.refuses("RESET", "it would reset the guard's own settings too; RESET a key");
            }
            if (SparkGuard.isGuardSetting(reset.config().get())) {
                throw SqlGuardException.refuses(
                        "RESET " + reset.config().get().strip(), "it is one of the guard's own settings");
            }
        }
        if (plan instanceof LoadDataCommand load) {
            settings.checkPath(load.path(), "LOAD DATA of");
        }
        if (plan instanceof AlterTableSetLocationCommand alter) {
            settings.checkPath(alter.location(), "the table location");
        }
    }

    /** Paths in the node's own fields, whatever command or relation it is. */
    private void checkPaths(LogicalPlan plan) {
        if (plan instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation files) {
            for (Object root : list(files.location().rootPaths())) {
                settings.checkPath(root.toString(), "reading");
            }
        }
        var fields = plan.productIterator();
        while (fields.hasNext()) {
            checkField(fields.next());
        }
    }

    private void checkField(Object field) {
        Object value = field instanceof Option<?> option ? option.getOrElse(() -> null) : field;
        if (value instanceof CatalogTable table) {
            checkStorage(table.storage());
        } else if (value instanceof CatalogStorageFormat storage) {
            checkStorage(storage);
        } else if (value instanceof TableSpecBase spec) {
            if (spec.location().isDefined()) {
                settings.checkPath(spec.location().get(), "the table location");
            }
            checkOptions(spec.properties());
            if (spec instanceof TableSpec resolved) {
                checkOptions(resolved.options());
            }
        } else if (value instanceof scala.collection.Map<?, ?> options) {
            checkOptions(options);
        } else if (value instanceof java.util.Map<?, ?> options) {
            // DataSourceV2Relation's options: a file table's paths are there
            checkOptions(CollectionConverters.asScala(options));
        } else if (value instanceof org.apache.hadoop.fs.Path path) {
            settings.checkPath(path.toString(), "writing");
        }
    }

    private void checkStorage(CatalogStorageFormat storage) {
        if (storage.locationUri().isDefined()) {
            settings.checkPath(storage.locationUri().get().toString(), "the table location");
        }
        checkOptions(storage.properties());
    }

    /** Data source options: {@code path}, and {@code paths} (a JSON array, as DataFrameReader writes it). */
    private void checkOptions(scala.collection.Map<?, ?> options) {
        var entries = options.iterator();
        while (entries.hasNext()) {
            Tuple2<?, ?> entry = (Tuple2<?, ?>) entries.next();
            String key = String.valueOf(entry._1()).strip();
            String value = String.valueOf(entry._2());
            if (key.equalsIgnoreCase("path")) {
                settings.checkPath(value, "the path option");
            } else if (key.equalsIgnoreCase("paths")) {
                for (String path : paths(value)) {
                    settings.checkPath(path, "the paths option");
                }
            }
        }
    }

    private static List<String> paths(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node != null && node.isArray()) {
                return StreamSupport.stream(node.spliterator(), false)
                        .map(JsonNode::asText)
                        .toList();
            }
        } catch (IOException e) {
            // not JSON: one path
        }
        return List.of(value);
    }

    private static <T> List<T> list(scala.collection.Seq<T> seq) {
        return CollectionConverters.asJava(seq);
    }
}
