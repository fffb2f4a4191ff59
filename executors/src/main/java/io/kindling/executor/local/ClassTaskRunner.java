package io.kindling.executor.local;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.spark.SparkTask;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Map;

/** Loads, creates and runs a {@code class:} task. */
final class ClassTaskRunner {

    private ClassTaskRunner() {}

    /** @return the task values it published */
    static Map<String, Object> run(
            TaskBody.JavaClass body, ClassLoader loader, ClassTaskContext context, AttemptLog log) throws Exception {
        SparkTask task = create(body.className(), loader);
        log.line("running " + body.className() + (body.args().isEmpty() ? "" : " with args " + body.args()));
        task.run(context);
        Map<String, Object> values = context.values();
        if (!values.isEmpty()) {
            log.line("task values: " + String.join(", ", values.keySet()));
        }
        return values;
    }

    static SparkTask create(String className, ClassLoader loader) throws AttemptFailure {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new AttemptFailure("class " + className + " was not found on the executor's classpath", e);
        } catch (LinkageError e) {
            throw new AttemptFailure("class " + className + " could not be loaded: " + Failures.message(e), e);
        }
        if (!SparkTask.class.isAssignableFrom(type)) {
            throw new AttemptFailure("class " + className + " does not implement " + SparkTask.class.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new AttemptFailure("class " + className + " is abstract; a class task needs a concrete class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new AttemptFailure("class " + className + " needs a public no-argument constructor", e);
        }
        try {
            return (SparkTask) constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new AttemptFailure(
                    "the constructor of " + className + " failed: " + Failures.message(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AttemptFailure("class " + className + " cannot be created: " + Failures.message(e), e);
        }
    }
}
