package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.executor.local.SqlStatements.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    private static List<String> split(String script) {
        return SqlStatements.split(script).stream().map(Statement::sql).toList();
    }

    @Test
    void splitsOnSemicolonsAndTrims() {
        assertThat(split("SELECT 1;  SELECT 2 ;\n\nSELECT 3")).containsExactly("SELECT 1", "SELECT 2", "SELECT 3");
    }

    @Test
    void dropsEmptyStatementsAndATrailingSemicolon() {
        assertThat(split(";;SELECT 1;;\n ;SELECT 2;\n")).containsExactly("SELECT 1", "SELECT 2");
        assertThat(split("")).isEmpty();
        assertThat(split("  ;\n;  ")).isEmpty();
    }

    @Test
    void keepsSemicolonsInStringLiterals() {
        assertThat(split("SELECT 'a;b', \"c;d\"; SELECT 2")).containsExactly("SELECT 'a;b', \"c;d\"", "SELECT 2");
    }

    @Test
    void backslashEscapesAQuoteInsideAString() {
        assertThat(split("SELECT 'it\\'s; fine'; SELECT \"say \\\"hi;\\\"\"; SELECT 'ends with \\\\'; SELECT 4"))
                .containsExactly(
                        "SELECT 'it\\'s; fine'", "SELECT \"say \\\"hi;\\\"\"", "SELECT 'ends with \\\\'", "SELECT 4");
    }

    @Test
    void doubledQuotesStayInsideTheString() {
        assertThat(split("SELECT 'it''s; fine'; SELECT 2")).containsExactly("SELECT 'it''s; fine'", "SELECT 2");
    }

    @Test
    void keepsSemicolonsInBacktickIdentifiers() {
        assertThat(split("SELECT `a;b`, `it's` FROM t; SELECT `x``;y`; SELECT 3"))
                .containsExactly("SELECT `a;b`, `it's` FROM t", "SELECT `x``;y`", "SELECT 3");
    }

    @Test
    void ignoresSemicolonsAndQuotesInLineComments() {
        assertThat(split("SELECT 1 -- one; it's\nFROM t; SELECT 2 -- last;"))
                .containsExactly("SELECT 1 -- one; it's\nFROM t", "SELECT 2 -- last;");
    }

    @Test
    void ignoresSemicolonsInBracketedCommentsIncludingNestedOnes() {
        assertThat(split("SELECT /* a; 'b */ 1; SELECT /* outer /* inner; */ still; comment */ 2; SELECT 3"))
                .containsExactly(
                        "SELECT /* a; 'b */ 1", "SELECT /* outer /* inner; */ still; comment */ 2", "SELECT 3");
    }

    @Test
    void keepsHints() {
        assertThat(split("SELECT /*+ BROADCAST(s) */ * FROM t JOIN s USING (id)"))
                .containsExactly("SELECT /*+ BROADCAST(s) */ * FROM t JOIN s USING (id)");
    }

    @Test
    void dropsStatementsOfOnlyComments() {
        assertThat(split("-- header; comment\n/* block; */\n;\nSELECT 1;\n-- trailing; comment\n"))
                .containsExactly("SELECT 1");
    }

    @Test
    void commentMarkersInsideStringsAreText() {
        assertThat(split("SELECT '--;', '/*;'; SELECT 2")).containsExactly("SELECT '--;', '/*;'", "SELECT 2");
    }

    @Test
    void operatorsAreNotComments() {
        assertThat(split("SELECT 4-1, 8/2, 2*3; SELECT 2")).containsExactly("SELECT 4-1, 8/2, 2*3", "SELECT 2");
    }

    @Test
    void unterminatedQuotesAndCommentsRunToTheEnd() {
        assertThat(split("SELECT 1; SELECT 'open; SELECT 3")).containsExactly("SELECT 1", "SELECT 'open; SELECT 3");
        assertThat(split("SELECT 1; /* open; SELECT 3")).containsExactly("SELECT 1");
        assertThat(split("SELECT `open; SELECT 3")).containsExactly("SELECT `open; SELECT 3");
    }

    @Test
    void reportsTheLineWhereEachStatementStarts() {
        List<Statement> statements = SqlStatements.split("""
                -- setup
                CREATE TEMP VIEW v AS
                  SELECT 'x;
                y' AS s;

                SELECT * FROM v""");

        assertThat(statements).extracting(Statement::line).containsExactly(2, 6);
    }
}
