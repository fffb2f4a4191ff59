package io.kindling.executor.guard;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedExecuteImmediate;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's own parser with one check on what it parses: {@code EXECUTE IMMEDIATE} is refused there, because Spark
 * runs its statement during analysis, before any check rule sees the plan. A proxy passes every other call
 * through, so the parser's interface may grow between Spark versions without changing this class.
 */
final class GuardedParser {
    private GuardedParser() {}

    static ParserInterface wrap(SparkSession session, ParserInterface delegate) {
        return (ParserInterface) Proxy.newProxyInstance(
                GuardedParser.class.getClassLoader(), new Class<?>[] {ParserInterface.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "GuardedParser(" + delegate + ")";
                        };
                    }
                    Object result;
                    try {
                        result = method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof TreeNode<?> plan && SparkGuard.enabled(session)) {
                        refuseExecuteImmediate(plan);
                    }
                    return result;
                });
    }

    private static void refuseExecuteImmediate(TreeNode<?> root) {
        Deque<TreeNode<?>> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            TreeNode<?> node = pending.pop();
            if (node instanceof UnresolvedExecuteImmediate) {
                throw SqlGuardException.refuses(
                        "EXECUTE IMMEDIATE", "it runs SQL built from a string while the statement is being analyzed");
            }
            CollectionConverters.asJava(node.children()).forEach(pending::push);
            CollectionConverters.asJava(node.innerChildren()).forEach(pending::push);
        }
    }
}
