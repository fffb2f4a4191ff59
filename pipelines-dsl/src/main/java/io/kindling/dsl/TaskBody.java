package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a task runs: exactly one of {@code sql}/{@code sql_file}, {@code class}, {@code submit}, {@code stream},
 * {@code condition}, {@code python}, {@code notebook}, {@code run_pipeline} or {@code for_each}.
 */
public sealed interface TaskBody {

    /** The same body with every template rendered for one run. */
    TaskBody render(TemplateContext context);

    /**
     * One or more SQL statements separated by {@code ;}. Inputs become temporary views; the result of the
     * last statement is written to {@code output} when one is given.
     *
     * @param sqlFile the file the SQL was read from, when it came from {@code sql_file}
     * @param args    what the statements' named parameter markers ({@code :name}) bind to, typed as
     *                {@link ParamType} says; empty until rendered for a run
     * @param values  the task values it publishes ({@code values:})
     * @param taskValues upstream values its SQL reads as {@code :tasks.<id>.<name>}, by task id then name: bound as
     *                the struct marker {@code tasks}; empty until rendered for a run, and when it reads none
     */
    record Sql(
            String sql,
            Optional<Path> sqlFile,
            Map<String, DataRef> inputs,
            Optional<DataRef> output,
            Map<String, Object> args,
            SqlValues values,
            Map<String, Map<String, Object>> taskValues)
            implements TaskBody {
        public Sql {
            requireNonNull(sql, "sql is null");
            requireNonNull(sqlFile, "sqlFile is null");
            inputs = Map.copyOf(inputs);
            requireNonNull(output, "output is null");
            args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
            // only values Spark binds as literals; a for-each's :item may be any JSON-like value (a struct, an array)
            args.forEach((name, value) -> {
                if (!name.equals(ForEach.ITEM)) {
                    ParamType.of(value);
                }
            });
            requireNonNull(values, "values is null");
            Map<String, Map<String, Object>> read = new LinkedHashMap<>();
            taskValues.forEach((task, named) -> read.put(task, TaskValues.copy(named)));
            taskValues = Collections.unmodifiableMap(read);
        }

        /** A body that publishes and reads no task values. */
        public Sql(
                String sql,
                Optional<Path> sqlFile,
                Map<String, DataRef> inputs,
                Optional<DataRef> output,
                Map<String, Object> args) {
            this(sql, sqlFile, inputs, output, args, SqlValues.NONE, Map.of());
        }

        /** A body as written, before a run binds its markers. */
        public Sql(String sql, Optional<Path> sqlFile, Map<String, DataRef> inputs, Optional<DataRef> output) {
            this(sql, sqlFile, inputs, output, Map.of());
        }

        @Override
        public Sql render(TemplateContext context) {
            Map<String, Map<String, Object>> read = new LinkedHashMap<>();
            // Scanned only when the text names the marker at all: rendering a task that reads no values stays cheap.
            for (String task : sql.contains(":" + TaskValues.TASKS) ? TaskValues.sqlTasks(sql) : Set.<String>of()) {
                Map<String, Object> named = context.taskValues().get(task);
                if (named == null) {
                    throw new IllegalArgumentException(
                            "the SQL reads :tasks." + task + ", but task '" + task + "' has no values in this run");
                }
                read.put(task, named);
            }
            return new Sql(
                    Templates.renderSql(sql, context),
                    sqlFile,
                    Templates.renderValues(inputs, ref -> ref.render(context)),
                    output.map(ref -> ref.render(context)),
                    Templates.sqlArgs(context),
                    values,
                    read);
        }
    }

    /**
     * A decision the scheduler makes itself, without Spark: the task succeeds with outcome true or false, and
     * publishes it as its value {@code outcome}. Tasks below it choose a branch with {@code run_if}.
     */
    record ConditionCheck(Condition condition) implements TaskBody {
        /** The name of the value a condition task publishes. */
        public static final String OUTCOME = "outcome";

        public ConditionCheck {
            requireNonNull(condition, "condition is null");
        }

        @Override
        public ConditionCheck render(TemplateContext context) {
            return new ConditionCheck(condition.render(context));
        }
    }

    /**
     * A run of another pipeline, made by the scheduler itself (no executor slot, no Spark): with {@code wait: true} ({@code waitForEnd}) the
     * task ends as that run ends, without it the task succeeds once the run is created.
     *
     * @param pipeline the pipeline to run (checked across files when pipelines are loaded)
     * @param params   its params, templates rendered for a run; checked against the pipeline's declared ones
     * @param line     where {@code pipeline:} is written (1-based), for problems found across files
     * @param column   the same, its column
     */
    record RunPipeline(String pipeline, Map<String, String> params, boolean waitForEnd, int line, int column)
            implements TaskBody {
        public RunPipeline {
            requireNonNull(pipeline, "pipeline is null");
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        @Override
        public RunPipeline render(TemplateContext context) {
            return new RunPipeline(
                    pipeline,
                    Templates.renderValues(params, v -> Templates.render(v, context)),
                    waitForEnd,
                    line,
                    column);
        }
    }

    /**
     * One run of {@code task} (or of the small DAG {@code tasks}) per item of a list, made by the scheduler itself (no
     * executor slot of its own): each iteration's task is a task run of its own, {@code <id>[<index>]} (with several
     * tasks {@code <id>[<index>].<task>}), with {@code {{ item }}} and {@code :item} bound to its item. The list is
     * {@code literal}, or what the one placeholder {@code items} names (a task value or a param) evaluates to when the
     * for-each starts.
     *
     * @param items       a template naming one task value or param; empty when the list is written out
     * @param literal     the list as written; empty when {@code items} names it
     * @param concurrency how many iterations may run at once (at least 1)
     * @param tasks       what each iteration runs, settings over the for-each's: one task with the for-each's id
     *                    ({@code task:}), or several with their own ids and dependencies among them ({@code tasks:})
     * @param several     whether {@code tasks} is a body of several tasks ({@code tasks:}), even of one
     * @param maxIterations how many items the list may have (the daemon's limit when the pipeline was loaded)
     */
    record ForEach(
            Optional<String> items,
            List<Object> literal,
            int concurrency,
            List<Task> tasks,
            boolean several,
            int maxIterations)
            implements TaskBody {
        /** The name iterations read their item by: {@code {{ item }}} and the parameter marker {@code :item}. */
        public static final String ITEM = "item";

        public ForEach {
            requireNonNull(items, "items is null");
            literal = Collections.unmodifiableList(new java.util.ArrayList<>(literal));
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
            tasks = List.copyOf(tasks);
            if (tasks.isEmpty() || (!several && tasks.size() > 1)) {
                throw new IllegalArgumentException("a for_each runs one task, or a body of at least one");
            }
        }

        /** A for-each whose iterations run one task. */
        public ForEach(Optional<String> items, List<Object> literal, int concurrency, Task task, int maxIterations) {
            this(items, literal, concurrency, List.of(task), false, maxIterations);
        }

        /** The task each iteration runs (the first, for a body of several). */
        public Task task() {
            return tasks.get(0);
        }

        /** The id of {@code task}'s run in iteration {@code index} of the for-each task {@code forEach}. */
        public String iterationId(String forEach, int index, Task task) {
            return iterationId(forEach, index) + (several ? "." + task.id() : "");
        }

        /** Items are evaluated once, by {@link #items(TemplateContext)}, when the for-each starts. */
        @Override
        public ForEach render(TemplateContext context) {
            return this;
        }

        /**
         * The items of a run: the literal list, or the value the placeholder names.
         *
         * @throws IllegalArgumentException when that names nothing in this run, or is not a list (naming what it is)
         */
        public List<Object> items(TemplateContext context) {
            if (items.isEmpty()) {
                return literal;
            }
            Object value = Templates.value(items.get(), context);
            if (value instanceof List<?> list) {
                if (list.size() > maxIterations) {
                    throw new IllegalArgumentException("for_each.items: " + items.get() + " has " + list.size()
                            + " items, more than the " + maxIterations + " iterations a for_each may have"
                            + " (forEachMaxIterations in config.yml)");
                }
                return Collections.unmodifiableList(new java.util.ArrayList<Object>(list));
            }
            throw new IllegalArgumentException(
                    "for_each.items: " + items.get() + " must evaluate to a list, but it is " + describe(value));
        }

        /** The id of iteration {@code index} of the for-each task {@code forEach}. */
        public static String iterationId(String forEach, int index) {
            return forEach + "[" + index + "]";
        }

        private static String describe(Object value) {
            String kind = value == null
                    ? "null"
                    : value instanceof String
                            ? "a string"
                            : value instanceof Map<?, ?>
                                    ? "an object"
                                    : value instanceof Boolean
                                            ? "a boolean"
                                            : value instanceof Number ? "a number" : "a value";
            String text = TaskValues.text(value);
            return value == null
                    ? kind
                    : kind + " (" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + ")";
        }
    }

    /** A class implementing the executors' {@code SparkTask} interface; {@code args} are passed to it. */
    record JavaClass(String className, Map<String, String> args) implements TaskBody {
        public JavaClass {
            requireNonNull(className, "className is null");
            args = Map.copyOf(args);
        }

        @Override
        public JavaClass render(TemplateContext context) {
            return new JavaClass(className, Templates.renderValues(args, v -> Templates.render(v, context)));
        }
    }

    /** A whole Spark application: a jar, its main class and arguments. */
    record Submit(String jar, String mainClass, List<String> args) implements TaskBody {
        public Submit {
            requireNonNull(jar, "jar is null");
            requireNonNull(mainClass, "mainClass is null");
            args = List.copyOf(args);
        }

        @Override
        public Submit render(TemplateContext context) {
            return new Submit(
                    Templates.renderPath(jar, context),
                    mainClass,
                    args.stream().map(a -> Templates.render(a, context)).toList());
        }
    }

    /**
     * A Structured Streaming query: {@code source} read as a stream into the view {@code source}, {@code sql} over it,
     * its rows appended to {@code sink}. It runs until cancelled or timed out (a micro-batch every {@code interval}),
     * or, with no interval ({@code trigger: available_now}), until what the source holds now is processed.
     *
     * @param schema     the source's columns as Spark DDL ({@code id INT, name STRING}); file sources need it
     *                   unless Spark may infer it from files already there
     * @param checkpoint where the query keeps its progress, relative to the executor's {@code checkpoints} folder;
     *                   empty means {@code <pipeline>/<task>}, so every run of the task resumes where the last stopped
     * @param args       what the SQL's named parameter markers bind to; empty until rendered for a run
     */
    record Stream(
            DataRef source,
            Optional<String> schema,
            String sql,
            DataRef sink,
            Optional<Duration> interval,
            Optional<String> checkpoint,
            Map<String, Object> args)
            implements TaskBody {
        /** The view the source is read into. */
        public static final String SOURCE_VIEW = "source";

        public Stream {
            requireNonNull(source, "source is null");
            requireNonNull(schema, "schema is null");
            requireNonNull(sql, "sql is null");
            requireNonNull(sink, "sink is null");
            requireNonNull(interval, "interval is null");
            requireNonNull(checkpoint, "checkpoint is null");
            args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
            args.values().forEach(ParamType::of);
        }

        @Override
        public Stream render(TemplateContext context) {
            return new Stream(
                    source.render(context),
                    schema,
                    Templates.renderSql(sql, context),
                    sink.render(context),
                    interval,
                    checkpoint,
                    Templates.sqlArgs(context));
        }
    }

    /**
     * A PySpark script ({@code python: {file: ...}}) or module ({@code python: {module: ...}}) run by the executor's
     * Python against its Spark through Spark Connect, with a ready {@code spark} session and the {@code kindling}
     * helper module.
     *
     * @param file   the script's real path, inside the pipeline file's folder; empty for a module
     * @param module a module of the executor's Python environment, run as {@code python -m} would; empty for a file
     * @param args   the script's arguments ({@code sys.argv[1:]}), templates rendered for a run
     * @param run    what the {@code kindling} module tells the script about its run ({@link #RUN_KEYS}); empty until
     *               rendered for a run
     */
    record Python(Optional<Path> file, Optional<String> module, List<String> args, Map<String, String> run)
            implements TaskBody {
        /** The names of {@link #run}: the run's pipeline, id, logical time (ISO-8601 with offset) and date. */
        public static final List<String> RUN_KEYS = List.of("pipeline", "run_id", "logical_time", "ds");

        public Python {
            requireNonNull(file, "file is null");
            requireNonNull(module, "module is null");
            if (file.isPresent() == module.isPresent()) {
                throw new IllegalArgumentException("a python body has exactly one of file and module");
            }
            file.ifPresent(f -> {
                if (!f.isAbsolute()) {
                    throw new IllegalArgumentException("python file must be an absolute path: " + f);
                }
            });
            args = List.copyOf(args);
            run = Collections.unmodifiableMap(new LinkedHashMap<>(run));
        }

        /** A body as written, before a run renders it. */
        public Python(Optional<Path> file, Optional<String> module, List<String> args) {
            this(file, module, args, Map.of());
        }

        @Override
        public Python render(TemplateContext context) {
            Map<String, String> facts = new LinkedHashMap<>();
            RUN_KEYS.forEach(key -> facts.put(key, Templates.render("{{ " + key + " }}", context)));
            return new Python(
                    file,
                    module,
                    args.stream().map(a -> Templates.render(a, context)).toList(),
                    facts);
        }

        /** The script's path or {@code -m module}, for logs and the run history. */
        public String describe() {
            return file.map(Path::toString).orElseGet(() -> "-m " + module.orElseThrow());
        }
    }

    /**
     * A Jupyter notebook ({@code notebook: {path: ..., params: {...}}}) run by the executor's Python as a
     * {@link Python} script is, with {@code spark} and {@code kindling} ready: its code cells run in order in one
     * namespace, after a cell tagged {@code injected-parameters} that sets {@code params} (as Python literals of their
     * YAML types), placed after the cell tagged {@code parameters} (papermill's convention), or first when there is
     * none. The executed copy, outputs included, is the attempt's artifact; the first failing cell fails the attempt
     * with its error.
     *
     * @param path   the notebook's real path, inside the pipeline file's folder
     * @param params the values the injected cell assigns, by Python name: text, {@code Long}, {@code Double},
     *               {@code Boolean}, null, and lists and maps of those; templates in text rendered for a run
     * @param run    as {@link Python#run}; empty until rendered for a run
     */
    record Notebook(Path path, Map<String, Object> params, Map<String, String> run) implements TaskBody {
        public Notebook {
            requireNonNull(path, "path is null");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("notebook path must be an absolute path: " + path);
            }
            params = frozen(params);
            run = Collections.unmodifiableMap(new LinkedHashMap<>(run));
        }

        /** A body as written, before a run renders it. */
        public Notebook(Path path, Map<String, Object> params) {
            this(path, params, Map.of());
        }

        @Override
        public Notebook render(TemplateContext context) {
            Map<String, String> facts = new LinkedHashMap<>();
            Python.RUN_KEYS.forEach(key -> facts.put(key, Templates.render("{{ " + key + " }}", context)));
            return new Notebook(path, Templates.renderValues(params, v -> rendered(v, context)), facts);
        }

        /** The texts in {@code value}, at any depth, rendered; numbers, booleans and nulls as they are. */
        private static Object rendered(Object value, TemplateContext context) {
            if (value instanceof String text) {
                return Templates.render(text, context);
            }
            if (value instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                list.forEach(item -> out.add(rendered(item, context)));
                return out;
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put((String) k, rendered(v, context)));
                return out;
            }
            return value;
        }

        /**
         * An unmodifiable copy, nested lists and maps included, of JSON-like values (nulls kept), whole numbers as
         * {@code Long} and decimals as {@code Double}, so a body read back from JSON equals the one parsed.
         */
        @SuppressWarnings("unchecked")
        private static <T> T frozen(T value) {
            if (value instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                list.forEach(item -> out.add(frozen(item)));
                return (T) Collections.unmodifiableList(out);
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), frozen(v)));
                return (T) Collections.unmodifiableMap(out);
            }
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return (T) Long.valueOf(((Number) value).longValue()); // one type per kind, as the parser reads them
            }
            if (value instanceof Float number) {
                return (T) Double.valueOf(number.doubleValue());
            }
            if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
                return value;
            }
            throw new IllegalArgumentException("a notebook param is text, a number, a boolean, null, a list or a map,"
                    + " not " + value.getClass().getSimpleName());
        }
    }
}
