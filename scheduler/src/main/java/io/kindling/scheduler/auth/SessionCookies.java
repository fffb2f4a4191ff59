package io.kindling.scheduler.auth;

import java.time.Duration;
import java.util.Optional;

/**
 * The dashboard's session cookie. HttpOnly (scripts never see it), SameSite=Strict (no other site's page can
 * make the browser send it: the CSRF defence for cookie-authenticated POSTs), Path=/, and Secure over https.
 */
public final class SessionCookies {
    public static final String NAME = "kindling_session";

    private SessionCookies() {}

    /** A {@code Set-Cookie} value that opens the session. */
    public static String open(String sessionId, Duration maxAge, boolean secure) {
        return NAME + "=" + sessionId + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** A {@code Set-Cookie} value that makes the browser forget the session. */
    public static String clear(boolean secure) {
        return NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The session id in a {@code Cookie} request header, if any. */
    public static Optional<String> sessionId(String cookieHeader) {
        if (cookieHeader == null) {
            return Optional.empty();
        }
        for (String part : cookieHeader.split(";")) {
            String cookie = part.strip();
            if (cookie.startsWith(NAME + "=")) {
                return Optional.of(cookie.substring(NAME.length() + 1)).filter(s -> !s.isEmpty());
            }
        }
        return Optional.empty();
    }
}
