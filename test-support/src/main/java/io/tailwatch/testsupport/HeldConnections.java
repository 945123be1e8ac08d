package io.tailwatch.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many keep-alive HTTP/1.1 connections held open at once by one thread, on non-blocking channels
 * and one selector, so that ten thousand connections cost ten thousand sockets and not ten thousand
 * threads. Each connection carries one request at a time ({@code GET} with {@code Host}, no
 * pipelining) and must be answered with a {@code Content-Length} body; a connection the server
 * closes, or a response it cannot read, fails the call with an {@link AssertionError} naming the
 * connection.
 *
 * <p>At most {@code window} requests are unanswered at once: a server's accept backlog (1024 in the
 * test services) is then never overrun, so no connection waits for a SYN retransmission.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class HeldConnections implements AutoCloseable {
    private final InetSocketAddress server;
    private final Selector selector;
    private final List<Held> connections = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Map<Integer, Integer> statuses = new TreeMap<>();

    private static final class Held {
        final int index;
        final SocketChannel channel;
        SelectionKey key;
        byte[] pending;
        boolean awaiting;

        Held(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }
    }

    private HeldConnections(int port) throws IOException {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.selector = Selector.open();
    }

    /**
     * Opens {@code count} connections to {@code 127.0.0.1:port}, sends {@code GET path} on each as
     * soon as it is connected, and returns once every one has been answered; all stay open.
     *
     * @return the connections, with {@link #statuses()} of the responses read so far
     */
    public static HeldConnections open(int port, int count, int window, String path, Duration timeout) throws IOException {
        HeldConnections held = new HeldConnections(port);
        try {
            held.run(count, window, path, timeout, true);
        } catch (IOException | RuntimeException | Error e) {
            held.close();
            throw e;
        }
        return held;
    }

    /** Sends {@code GET path} once on every held connection and reads every response. */
    public void requestEach(String path, int window, Duration timeout) throws IOException {
        run(connections.size(), window, path, timeout, false);
    }

    /** How many responses of each status were read, over all calls. */
    public Map<Integer, Integer> statuses() {
        return new TreeMap<>(statuses);
    }

    /** Responses read, over all calls. */
    public long responses() {
        long n = 0;
        for (int c : statuses.values()) {
            n += c;
        }
        return n;
    }

    public int size() {
        return connections.size();
    }

    /** Connections still open from this side whose server has not closed them (no end of stream seen while idle). */
    public int stillOpen() throws IOException {
        // Whatever the server sent on an idle connection: its end of stream, or bytes nobody asked for.
        for (Held h : connections) {
            h.key.interestOps(SelectionKey.OP_READ);
        }
        selector.selectNow();
        int closed = 0;
        for (SelectionKey key : selector.selectedKeys()) {
            Held h = (Held) key.attachment();
            readBuffer.clear();
            int n;
            try {
                n = h.channel.read(readBuffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n != 0) {
                closed++;
            }
        }
        selector.selectedKeys().clear();
        for (Held h : connections) {
            h.key.interestOps(0);
        }
        return connections.size() - closed;
    }

    private void run(int count, int window, String path, Duration timeout, boolean opening) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        long deadline = System.nanoTime() + timeout.toNanos();
        int started = 0;
        int answered = 0;
        int inFlight = 0;
        while (answered < count) {
            while (inFlight < window && started < count) {
                if (opening) {
                    connect(request);
                } else {
                    Held h = connections.get(started);
                    send(h, request);
                }
                started++;
                inFlight++;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError((opening ? "opening " : "requests on ") + count + " connections: " + answered
                        + " answered, " + inFlight + " waiting after " + timeout);
            }
            selector.select(Math.max(1, left / 1_000_000));
            for (SelectionKey key : selector.selectedKeys()) {
                Held h = (Held) key.attachment();
                if (key.isConnectable()) {
                    try {
                        h.channel.finishConnect();
                    } catch (IOException e) {
                        throw new AssertionError("connection " + h.index + " failed to connect: " + e, e);
                    }
                    send(h, request);
                } else if (key.isReadable() && read(h)) {
                    inFlight--;
                    answered++;
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private void connect(byte[] request) throws IOException {
        SocketChannel channel = SocketChannel.open();
        Held h = new Held(connections.size(), channel);
        connections.add(h);
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        boolean connected = channel.connect(server);
        h.key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, h);
        if (connected) {
            send(h, request);
        }
    }

    private void send(Held h, byte[] request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request);
        h.channel.write(out);
        // A request of a few dozen bytes on an idle connection always fits its send buffer.
        if (out.hasRemaining()) {
            throw new AssertionError("connection " + h.index + " took only " + out.position() + " of " + request.length + " bytes");
        }
        h.awaiting = true;
        h.key.interestOps(SelectionKey.OP_READ);
    }

    /** @return whether the response on {@code h} is now complete */
    private boolean read(Held h) throws IOException {
        readBuffer.clear();
        int n;
        try {
            n = h.channel.read(readBuffer);
        } catch (IOException e) {
            throw new AssertionError("connection " + h.index + " failed while reading: " + e, e);
        }
        if (n < 0) {
            throw new AssertionError("connection " + h.index + " was closed by the server"
                    + (h.awaiting ? " before its response" : ""));
        }
        if (!h.awaiting) {
            throw new AssertionError("connection " + h.index + " received " + n + " bytes nobody asked for");
        }
        readBuffer.flip();
        byte[] data = h.pending == null ? new byte[0] : h.pending;
        int old = data.length;
        data = Arrays.copyOf(data, old + readBuffer.remaining());
        readBuffer.get(data, old, data.length - old);
        int length = responseLength(h, data);
        if (length < 0 || data.length < length) {
            h.pending = data;
            return false;
        }
        if (data.length > length) {
            throw new AssertionError("connection " + h.index + " received " + (data.length - length) + " bytes after its response");
        }
        h.pending = null;
        h.awaiting = false;
        h.key.interestOps(0);
        return true;
    }

    /** The whole response's length once its head is complete, else -1; records its status. */
    private int responseLength(Held h, byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return -1;
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            String lower = lines[i].toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                throw new AssertionError("connection " + h.index + " is to be closed by the server: " + lines[0]);
            }
        }
        if (contentLength < 0) {
            throw new AssertionError("connection " + h.index + ": response without Content-Length: " + lines[0]);
        }
        int length = headEnd + 4 + (int) contentLength;
        if (data.length >= length) {
            statuses.merge(status, 1, Integer::sum);
        }
        return length;
    }

    /**
     * Closes every connection (an orderly close: the server reads end of stream). The selector is
     * closed first, so that each channel's socket is released at once rather than at a next select.
     */
    @Override
    public void close() throws IOException {
        selector.close();
        IOException first = null;
        for (Held h : connections) {
            try {
                h.channel.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
