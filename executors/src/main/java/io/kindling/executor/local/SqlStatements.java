package io.kindling.executor.local;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements on {@code ;}, ignoring semicolons inside string literals ({@code '...'},
 * {@code "..."}, with backslash escapes), quoted identifiers ({@code `...`}), line comments ({@code -- ...})
 * and bracketed comments (slash-star to star-slash, nested as Spark allows). Statements that hold nothing but
 * whitespace and comments are dropped. An unterminated quote or comment runs to the end of the script, so
 * Spark's parser reports it.
 */
final class SqlStatements {

    /** One statement, trimmed, without its {@code ;}; {@code line} is where it starts (1-based). */
    record Statement(String sql, int line) {
        Statement {
            requireNonNull(sql, "sql is null");
        }
    }

    private SqlStatements() {}

    static List<Statement> split(String script) {
        requireNonNull(script, "script is null");
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean hasCode = false;
        int line = 1;
        int startLine = 1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            int end;
            if (c == '\'' || c == '"') {
                end = skipString(script, i, c);
            } else if (c == '`') {
                end = skipIdentifier(script, i);
            } else if (c == '-' && next == '-') {
                end = skipLineComment(script, i);
            } else if (c == '/' && next == '*') {
                end = skipBracketedComment(script, i);
            } else if (c == ';') {
                add(statements, current, hasCode, startLine);
                current.setLength(0);
                hasCode = false;
                i++;
                continue;
            } else {
                end = i + 1;
            }
            boolean comment = c == '-' && next == '-' || c == '/' && next == '*';
            if (!hasCode && !comment && !Character.isWhitespace(c)) {
                hasCode = true;
                startLine = line;
            }
            for (int k = i; k < end; k++) {
                if (script.charAt(k) == '\n') {
                    line++;
                }
            }
            current.append(script, i, end);
            i = end;
        }
        add(statements, current, hasCode, startLine);
        return List.copyOf(statements);
    }

    private static void add(List<Statement> statements, StringBuilder text, boolean hasCode, int line) {
        if (hasCode) {
            statements.add(new Statement(text.toString().strip(), line));
        }
    }

    /** Index just after the closing quote; a backslash escapes the next character. */
    private static int skipString(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** Backquoted identifiers have no escapes: a doubled backtick reads as close-and-reopen, the same thing here. */
    private static int skipIdentifier(String s, int start) {
        int close = s.indexOf('`', start + 1);
        return close < 0 ? s.length() : close + 1;
    }

    private static int skipLineComment(String s, int start) {
        int newline = s.indexOf('\n', start);
        return newline < 0 ? s.length() : newline;
    }

    private static int skipBracketedComment(String s, int start) {
        int depth = 0;
        int i = start;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }
}
