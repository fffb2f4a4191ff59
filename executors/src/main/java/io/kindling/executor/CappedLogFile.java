package io.kindling.executor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An attempt log file that stops growing at {@code limit} bytes and keeps both ends: text is appended as it comes
 * until the file holds half the limit; then a marker line is written and what follows is kept in memory, only its
 * newest half-limit bytes, which are appended behind a second marker when the log is closed. The file only ever
 * grows at its end, so a reader following it by offset never sees a byte change. Its size is read from the file
 * before each write and before the tail: the daemon and a Spark child process may append to the same log, and
 * together they stay within the limit (the first to close keeps the longer tail). A process killed while cutting loses the kept tail (the head and the first marker stay).
 */
final class CappedLogFile {
    /** The smallest limit: room for the markers and some of the head and the tail. */
    static final long MIN_LIMIT = 16 * 1024;

    private final FileChannel channel;
    private final long head;
    private final long limit;
    private byte[] tail; // the ring of kept bytes once cut; made then
    private long tailBytes; // bytes that went into the ring
    private boolean cut;

    CappedLogFile(Path file, long limit) throws IOException {
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("an attempt log limit must be at least " + MIN_LIMIT + " bytes");
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.limit = limit;
        this.head = limit / 2;
    }

    void write(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!cut && channel.size() + bytes.length <= head) {
            channel.write(ByteBuffer.wrap(bytes));
            return;
        }
        if (!cut) {
            cut = true;
            tail = new byte[(int) Math.min(Integer.MAX_VALUE - 8, limit - head - 1024)];
            channel.write(ByteBuffer.wrap(("\n[kindling: this log passed half its limit of " + limit
                            + " bytes; what follows is cut, and its last part is written here when the attempt"
                            + " ends]\n")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        keep(bytes);
    }

    private void keep(byte[] bytes) {
        int from = bytes.length > tail.length ? bytes.length - tail.length : 0;
        tailBytes += from; // bytes the rest would overwrite at once
        for (int i = from; i < bytes.length; ) {
            int at = (int) (tailBytes % tail.length);
            int n = Math.min(bytes.length - i, tail.length - at);
            System.arraycopy(bytes, i, tail, at, n);
            i += n;
            tailBytes += n;
        }
    }

    void close() throws IOException {
        try {
            if (cut) {
                // another writer of the same file may have closed first: keep only what still fits
                long room = Math.max(0, limit - channel.size() - 200);
                int kept = (int) Math.min(Math.min(tailBytes, tail.length), room);
                byte[] last = new byte[kept];
                int start = (int) ((tailBytes - kept) % tail.length);
                int first = Math.min(kept, tail.length - start);
                System.arraycopy(tail, start, last, 0, first);
                System.arraycopy(tail, 0, last, first, kept - first);
                int begin = lineStart(last);
                channel.write(ByteBuffer.wrap(("[kindling: " + (tailBytes - kept + begin)
                                + " bytes left out; the log's last " + (kept - begin) + " bytes follow]\n")
                        .getBytes(StandardCharsets.UTF_8)));
                channel.write(ByteBuffer.wrap(last, begin, kept - begin));
            }
        } finally {
            channel.close();
        }
    }

    /** Where the first whole line of the kept tail starts, so the tail does not begin inside a line or a character. */
    private int lineStart(byte[] last) {
        if (tailBytes == last.length) {
            return 0;
        }
        for (int i = 0; i < last.length; i++) {
            if (last[i] == '\n') {
                return i + 1;
            }
        }
        int i = 0;
        while (i < last.length && (last[i] & 0xC0) == 0x80) {
            i++; // no line end at all: at least not inside a character
        }
        return i;
    }
}
