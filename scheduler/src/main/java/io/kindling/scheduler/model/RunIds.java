package io.kindling.scheduler.model;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

/**
 * Run ids that sort by creation time (a ULID: 48-bit milliseconds then 80 random bits, Crockford base 32,
 * lower case), so "newest first" paging is an index range scan on the primary key. Ids made in the same
 * millisecond stay ordered by incrementing the random part.
 */
public final class RunIds {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long randomHigh; // 16 bits
    private long randomLow; // 64 bits

    public RunIds(Clock clock) {
        this.clock = clock;
    }

    public synchronized String next() {
        long millis = clock.millis();
        if (millis <= lastMillis) {
            millis = lastMillis;
            randomLow++;
            if (randomLow == 0) {
                randomHigh = (randomHigh + 1) & 0xFFFF;
            }
        } else {
            lastMillis = millis;
            randomHigh = random.nextInt(1 << 16);
            randomLow = random.nextLong();
        }
        char[] out = new char[26];
        // 10 chars of time (50 bits, top 2 zero), then 16 chars of the 80 random bits.
        writeTime(out, millis);
        long low = randomLow;
        long high = randomHigh;
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }

    /** The smallest id a run created at {@code time} can have: run ids below it were created earlier. */
    public static String firstIdAt(Instant time) {
        char[] out = new char[26];
        writeTime(out, Math.max(0, time.toEpochMilli()));
        java.util.Arrays.fill(out, 10, 26, ALPHABET[0]);
        return new String(out);
    }

    private static void writeTime(char[] out, long millis) {
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
    }
}
