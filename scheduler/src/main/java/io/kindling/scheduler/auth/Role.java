package io.kindling.scheduler.auth;

import java.util.Locale;

/** What a token or user may do; each role can do everything the ones before it can. */
public enum Role {
    /** Every GET. */
    VIEWER,
    /** + trigger, pause, resume, cancel, repair, backfill, retry deliveries. */
    OPERATOR,
    /** + tokens, users, sources sync, the audit log and the admin port. */
    ADMIN;

    /** The names {@code @RolesAllowed} takes (annotations need constants). */
    public static final String VIEWER_NAME = "viewer";

    public static final String OPERATOR_NAME = "operator";
    public static final String ADMIN_NAME = "admin";

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** @throws IllegalArgumentException for anything but viewer, operator or admin */
    public static Role parse(String name) {
        if (name != null) {
            for (Role role : values()) {
                if (role.wireName().equals(name)) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("role must be one of viewer, operator, admin; got '" + name + "'");
    }
}
