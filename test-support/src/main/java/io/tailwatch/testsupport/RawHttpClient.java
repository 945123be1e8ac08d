package io.tailwatch.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client on one TCP connection per instance, so that a test knows exactly how many
 * connections it made and how many requests each carried, and measures each request's latency as a
 * client sees it (from writing the request to reading the last byte of the response).
 */
public final class RawHttpClient implements Closeable {
    /** A response; {@code status} is -1 when the server closed the connection without answering. */
    public static final class Response {
        public final int status;
        public final byte[] body;
        public final long nanos;
        public final boolean closed;

        Response(int status, byte[] body, long nanos, boolean closed) {
            this.status = status;
            this.body = body;
            this.nanos = nanos;
            this.closed = closed;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean closedByServer;

    public RawHttpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public Response get(String path, boolean close) throws IOException {
        return send("GET", path, null, close);
    }

    /** Sends one request and reads its whole response; see {@link Response#status} for a connection closed instead. */
    public Response send(String method, String path, byte[] body, boolean close) throws IOException {
        Response response = exchange(method, path, body, close);
        closedByServer |= response.closed;
        return response;
    }

    /** True once a response said the connection closes, or the server closed it. */
    public boolean isClosed() {
        return closedByServer;
    }

    /**
     * HTTP/1.1 pipelining: writes a GET for each path in one go, then reads the responses in order.
     * Latencies are measured from that one write.
     */
    public List<Response> pipeline(List<String> paths) throws IOException {
        StringBuilder all = new StringBuilder();
        for (String path : paths) {
            all.append(requestHead("GET", path, null, false));
        }
        long start = System.nanoTime();
        out.write(all.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            responses.add(readResponse("GET", false, start));
        }
        return responses;
    }

    private static String requestHead(String method, String path, byte[] body, boolean close) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        }
        return head.append("\r\n").toString();
    }

    private Response exchange(String method, String path, byte[] body, boolean close) throws IOException {
        long start = System.nanoTime();
        out.write(requestHead(method, path, body, close).getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return readResponse(method, close, start);
    }

    private Response readResponse(String method, boolean close, long start) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            return new Response(-1, new byte[0], System.nanoTime() - start, true);
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        boolean serverCloses = close;
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                serverCloses = true;
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        // Bodiless by definition (RFC 9110); a 1xx is read as the answer, as a server that sends one as its only response means it.
        if (status < 200 || status == 204 || status == 304 || method.equals("HEAD")) {
            length = 0;
        }
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(readLine().trim(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                content.write(in.readNBytes(size));
                readLine();
            }
        } else if (length >= 0) {
            content.write(in.readNBytes((int) length));
        } else {
            content.write(in.readAllBytes());
            serverCloses = true;
        }
        return new Response(status, content.toByteArray(), System.nanoTime() - start, serverCloses);
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
