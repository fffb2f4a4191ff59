package io.kindling.scheduler.db;

import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A parser for SQL that Kindling generates with positional {@code ?} parameters and no quoted text. JDBI's own
 * parsers lex every character with ANTLR, which for a long generated statement (the pipeline list's 100-branch
 * UNION, about 10,000 characters) took about 100 ms on a cold JVM and 50 ms warm, for each new length.
 */
final class PositionalSql implements SqlParser {

    static final PositionalSql INSTANCE = new PositionalSql();

    private PositionalSql() {}

    @Override
    public ParsedSql parse(String sql, StatementContext ctx) {
        ParsedSql.Builder parsed = ParsedSql.builder();
        int from = 0;
        for (int at = sql.indexOf('?'); at >= 0; at = sql.indexOf('?', from)) {
            parsed.append(sql.substring(from, at)).appendPositionalParameter();
            from = at + 1;
        }
        return parsed.append(sql.substring(from)).build();
    }

    @Override
    public String nameParameter(String rawName, StatementContext ctx) {
        throw new UnsupportedOperationException("positional SQL has no named parameters: " + rawName);
    }
}
