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
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short-connection flood with an exact connection count, which {@code ab} does not give (it
 * opens up to its concurrency in spare connections that carry no request): {@code connections}
 * TCP connections, {@code concurrency} at a time, each carrying one {@code GET} with
 * {@code Connection: close}, as the reference study's {@code Connection: close} runs. Each
 * connection's response is read whole, then the client waits for the server to close it (end of
 * stream, or a reset after the response, as the JDK server sends) and closes its own side: exactly
 * one request on each of exactly {@code connections} connections.
 *
 * <p>One thread, non-blocking channels on one selector. Not thread-safe.
 */
public final class ConnectionFlood {
    /** Responses by status. */
    public final Map<Integer, Integer> statuses = new TreeMap<>();
    /** Connections that completed: answered, then closed by the server. */
    public int completed;

    private ConnectionFlood() {
    }

    private static final class Flow {
        final SocketChannel channel;
        byte[] data = new byte[0];
        int responseLength = -1;

        Flow(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * Runs the flood to the end; a connection that fails, or is closed before its whole response,
     * fails the call with an {@link AssertionError}.
     */
    public static ConnectionFlood run(int port, int connections, int concurrency, String path, Duration timeout)
            throws IOException {
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        ConnectionFlood result = new ConnectionFlood();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Selector selector = Selector.open()) {
            int started = 0;
            int open = 0;
            while (result.completed < connections) {
                while (open < concurrency && started < connections) {
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Flow flow = new Flow(channel);
                    if (channel.connect(server)) {
                        send(flow, request);
                        channel.register(selector, SelectionKey.OP_READ, flow);
                    } else {
                        channel.register(selector, SelectionKey.OP_CONNECT, flow);
                    }
                    started++;
                    open++;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("flood of " + connections + " connections: " + result.completed
                            + " completed, " + open + " open after " + timeout);
                }
                selector.select(Math.max(1, left / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    Flow flow = (Flow) key.attachment();
                    if (key.isConnectable()) {
                        try {
                            flow.channel.finishConnect();
                        } catch (IOException e) {
                            throw new AssertionError("a connection failed to connect: " + e, e);
                        }
                        send(flow, request);
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable() && result.read(flow, buffer)) {
                        key.cancel();
                        flow.channel.close();
                        open--;
                        result.completed++;
                    }
                }
                selector.selectedKeys().clear();
            }
        }
        return result;
    }

    private static void send(Flow flow, byte[] request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request);
        flow.channel.write(out);
        if (out.hasRemaining()) {
            throw new AssertionError("a new connection took only " + out.position() + " of " + request.length + " bytes");
        }
    }

    /** @return whether the server has closed the connection after the whole response */
    private boolean read(Flow flow, ByteBuffer buffer) {
        buffer.clear();
        int n;
        try {
            n = flow.channel.read(buffer);
        } catch (IOException e) {
            // The JDK server resets a connection it closes: fine once the response is all here.
            n = -1;
        }
        if (n < 0) {
            if (flow.responseLength < 0 || flow.data.length < flow.responseLength) {
                throw new AssertionError("the server closed a connection after " + flow.data.length
                        + " bytes, before its whole response: " + new String(flow.data, StandardCharsets.ISO_8859_1));
            }
            return true;
        }
        buffer.flip();
        int old = flow.data.length;
        flow.data = Arrays.copyOf(flow.data, old + buffer.remaining());
        buffer.get(flow.data, old, flow.data.length - old);
        if (flow.responseLength < 0) {
            String text = new String(flow.data, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                String[] lines = text.substring(0, headEnd).split("\r\n");
                long contentLength = -1;
                for (int i = 1; i < lines.length; i++) {
                    String lower = lines[i].toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        contentLength = Long.parseLong(lower.substring(15).trim());
                    }
                }
                if (contentLength < 0) {
                    throw new AssertionError("response without Content-Length: " + lines[0]);
                }
                flow.responseLength = headEnd + 4 + (int) contentLength;
                statuses.merge(Integer.parseInt(lines[0].split(" ")[1]), 1, Integer::sum);
            }
        }
        if (flow.responseLength >= 0 && flow.data.length > flow.responseLength) {
            throw new AssertionError("bytes after the response on a Connection: close connection");
        }
        return false;
    }
}
