package io.kindling.scheduler.core;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import org.jdbi.v3.core.ConnectionException;

/**
 * Tells the database being away (unreachable, restarting, read-only, full) from a bug in a step: only the first is
 * worth waiting out, since the same write will work once the database is back.
 */
final class DatabaseFailures {
    /** SQLSTATE classes: connection exception, insufficient resources, operator intervention (a server restart). */
    private static final List<String> STATES = List.of("08", "53", "57P");
    /** What sqlite-jdbc puts in the message of a database that cannot be written now. */
    private static final List<String> SQLITE = List.of(
            "SQLITE_BUSY", "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_LOCKED");

    private DatabaseFailures() {}

    static boolean isDatabaseFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ConnectionException
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && STATES.stream().anyMatch(state::startsWith)) {
                    return true;
                }
                String message = String.valueOf(sql.getMessage());
                if (SQLITE.stream().anyMatch(message::contains)) {
                    return true;
                }
            }
        }
        return false;
    }
}
