package io.tailwatch.testservices;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 server the agent does not know: a hand-written keep-alive loop on a plain
 * {@code ServerSocket}, one thread per connection, answering every GET with "hello, world\n".
 * Arguments: port (0 for any).
 */
public final class PlainSocketHttpService {
    private PlainSocketHttpService() {
    }

    public static void main(String[] args) throws IOException {
        ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getLoopbackAddress());
        System.out.println("LISTENING " + server.getLocalPort());
        while (true) {
            Socket socket = server.accept();
            Thread t = new Thread(() -> serve(socket), "connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(Socket socket) {
        byte[] body = "hello, world\n".getBytes(StandardCharsets.UTF_8);
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))) {
            OutputStream out = socket.getOutputStream();
            String requestLine;
            while ((requestLine = in.readLine()) != null && !requestLine.isEmpty()) {
                boolean close = false;
                String header;
                while ((header = in.readLine()) != null && !header.isEmpty()) {
                    close |= header.equalsIgnoreCase("Connection: close");
                }
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + (close ? "\r\nConnection: close" : "")
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }
}
