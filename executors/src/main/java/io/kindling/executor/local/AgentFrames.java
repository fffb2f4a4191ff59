package io.kindling.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;

/**
 * The agent protocol's framing: each message is a JSON object with a {@code type}, sent as a 4-byte big-endian
 * length and that many bytes of UTF-8. Writes are serialized (attempt threads and the reader both send); one
 * thread reads.
 */
final class AgentFrames implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** A frame carries one attempt's task (its SQL text at most a few MiB) or a status: more is a broken peer. */
    private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    AgentFrames(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    static ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    void send(ObjectNode message) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(message);
        synchronized (out) {
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        }
    }

    /** The next message; {@link EOFException} when the peer closed the connection. */
    JsonNode read() throws IOException {
        int length = in.readInt();
        if (length < 2 || length > MAX_FRAME_BYTES) {
            throw new IOException("bad frame length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        JsonNode message = JSON.readTree(bytes);
        if (!message.isObject() || !message.path("type").isTextual()) {
            throw new IOException("a frame without a type");
        }
        return message;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to tell the peer
        }
    }
}
