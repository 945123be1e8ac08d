package io.tailwatch.dashboards;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 on one loopback TCP connection, so that the load knows how many connections it opens
 * and how many requests each carries (the agent's connection setup and reuse metrics count them).
 */
final class LoadClient implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean closedByServer;

    LoadClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Sends one request and reads its whole response. Returns the status, or -1 when the server
     * closed the connection without answering (a handler that threw before sending headers).
     */
    int send(String method, String path, byte[] body, boolean close) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        String statusLine = readLine();
        if (statusLine == null) {
            closedByServer = true;
            return -1;
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closedByServer = true;
            }
        }
        if (status == 204 || status == 304 || method.equals("HEAD")) {
            length = 0;
        }
        if (chunked) {
            while (true) {
                int size = Integer.parseInt(readLine().trim(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                in.skipNBytes(size);
                readLine();
            }
        } else if (length >= 0) {
            in.skipNBytes(length);
        } else {
            in.readAllBytes();
            closedByServer = true;
        }
        closedByServer |= close;
        return status;
    }

    int get(String path, boolean close) throws IOException {
        return send("GET", path, null, close);
    }

    /** True once the connection cannot carry another request. */
    boolean isClosed() {
        return closedByServer;
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
