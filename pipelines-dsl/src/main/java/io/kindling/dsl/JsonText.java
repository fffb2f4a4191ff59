package io.kindling.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) for the files a pipeline names, such as a notebook: objects become
 * {@code Map<String, Object>} (in order), arrays {@code List<Object>}, numbers {@code Double}, and a syntax error
 * says its 1-based line and column. The DSL depends on no JSON library; notebooks need no more than this.
 */
final class JsonText {
    private static final int MAX_NESTING = 200;

    /** Where the text is not JSON. */
    static final class SyntaxError extends Exception {
        final int line;
        final int column;

        SyntaxError(int line, int column, String message) {
            super(message);
            this.line = line;
            this.column = column;
        }
    }

    private final String text;
    private int at;

    private JsonText(String text) {
        this.text = text;
    }

    static Object parse(String text) throws SyntaxError {
        JsonText reader = new JsonText(text);
        reader.space();
        Object value = reader.value(0);
        reader.space();
        if (reader.at < text.length()) {
            throw reader.error("unexpected text after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws SyntaxError {
        if (depth > MAX_NESTING) {
            throw error("nested more than " + MAX_NESTING + " levels deep");
        }
        if (at >= text.length()) {
            throw error("unexpected end of the file");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            case 'n':
                return word("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object(int depth) throws SyntaxError {
        Map<String, Object> object = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}') {
            at++;
            return object;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("expected a double-quoted member name");
            }
            String name = string();
            space();
            expect(':');
            space();
            object.put(name, value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
            } else if (peek() == '}') {
                at++;
                return object;
            } else {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws SyntaxError {
        List<Object> array = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return array;
        }
        while (true) {
            space();
            array.add(value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
            } else if (peek() == ']') {
                at++;
                return array;
            } else {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws SyntaxError {
        StringBuilder out = new StringBuilder();
        at++;
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at);
            if (c == '"') {
                at++;
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string (escape it)");
            }
            if (c != '\\') {
                out.append(c);
                at++;
                continue;
            }
            if (at + 1 >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(at + 1);
            at += 2;
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9A-Fa-f]{4}")) {
                        at -= 2;
                        throw error("invalid \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> {
                    at -= 2;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private Double number() throws SyntaxError {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String number = text.substring(start, at);
        if (!number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            at = start;
            throw error("invalid number '" + number + "'");
        }
        return Double.valueOf(number);
    }

    private Object word(String word, Object value) throws SyntaxError {
        if (!text.startsWith(word, at)) {
            throw error("unexpected character '" + text.charAt(at) + "'");
        }
        at += word.length();
        return value;
    }

    private void expect(char c) throws SyntaxError {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private SyntaxError error(String message) {
        int[] position = TextPositions.ofCodePoint(text, text.codePointCount(0, Math.min(at, text.length())));
        return new SyntaxError(position[0], position[1], message);
    }
}
