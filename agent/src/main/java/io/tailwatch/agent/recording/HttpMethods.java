package io.tailwatch.agent.recording;

/**
 * The HTTP methods that become label values, as the OpenTelemetry semantic conventions list them;
 * any other method becomes {@code _OTHER}, so that a client cannot grow the label set.
 */
public final class HttpMethods {
    static final String[] NAMES = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"};
    public static final int OTHER = NAMES.length - 1;
    static final int COUNT = NAMES.length;

    private HttpMethods() {
    }

    /** The index of a method name; case-sensitive, as HTTP methods are. Allocates nothing. */
    public static int indexOf(String method) {
        if (method == null) {
            return OTHER;
        }
        switch (method) {
            case "GET": return 0;
            case "HEAD": return 1;
            case "POST": return 2;
            case "PUT": return 3;
            case "DELETE": return 4;
            case "CONNECT": return 5;
            case "OPTIONS": return 6;
            case "TRACE": return 7;
            case "PATCH": return 8;
            default: return OTHER;
        }
    }

    /** The index of the method that begins an HTTP request line such as {@code GET / HTTP/1.1}. */
    public static int indexOfRequestLine(String requestLine) {
        if (requestLine == null) {
            return OTHER;
        }
        for (int i = 0; i < OTHER; i++) {
            String name = NAMES[i];
            if (requestLine.length() > name.length() && requestLine.startsWith(name) && requestLine.charAt(name.length()) == ' ') {
                return i;
            }
        }
        return OTHER;
    }

    public static String name(int index) {
        return NAMES[index];
    }
}
