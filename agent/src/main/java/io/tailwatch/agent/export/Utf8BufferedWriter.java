package io.tailwatch.agent.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * A {@link Writer} that encodes UTF-8 into its own buffer and hands full buffers to an output
 * stream, for one scrape on one thread.
 *
 * <p>Why not {@code BufferedWriter} over an {@code OutputStreamWriter}: simpleclient's text format
 * writes every label value one character at a time, and each {@code BufferedWriter.write(int)}
 * takes the writer's lock. With 1000 label sets that was two thirds of a scrape's time
 * ({@code ScrapeBenchmark}). This writer takes no lock: it must not be shared between threads.
 *
 * <p>A lone surrogate is written as {@code ?}, as the JDK's UTF-8 encoder replaces it. The
 * {@code append} methods are {@code Writer}'s own, which come here through {@code write}.
 */
final class Utf8BufferedWriter extends Writer {
    private final OutputStream out;
    private final byte[] buffer;
    private int used;
    /** A high surrogate whose low half has not been written yet, or 0. */
    private char pendingHigh;

    Utf8BufferedWriter(OutputStream out, int bufferBytes) {
        this.out = out;
        this.buffer = new byte[Math.max(bufferBytes, 8)];
    }

    @Override
    public void write(int c) throws IOException {
        put((char) c);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            // ASCII runs, the whole of nearly every scrape, are copied without a call per character.
            int stop = pendingHigh != 0 ? i : Math.min(end, i + buffer.length - used);
            while (i < stop) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                buffer[used++] = (byte) c;
                i++;
            }
            if (i < end) {
                put(s.charAt(i++));
            }
        }
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        for (int i = off, end = off + len; i < end; i++) {
            put(chars[i]);
        }
    }

    /** One character; small enough to be inlined where it is ASCII with room in the buffer. */
    private void put(char c) throws IOException {
        if (c < 0x80 && pendingHigh == 0 && used < buffer.length) {
            buffer[used++] = (byte) c;
        } else {
            encode(c);
        }
    }

    private void encode(char c) throws IOException {
        if (used > buffer.length - 4) {
            drain();
        }
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int codePoint = Character.toCodePoint(high, c);
                buffer[used++] = (byte) (0xF0 | (codePoint >> 18));
                buffer[used++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                buffer[used++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                buffer[used++] = (byte) (0x80 | (codePoint & 0x3F));
                return;
            }
            buffer[used++] = '?';
            encode(c);
            return;
        }
        if (c < 0x80) {
            buffer[used++] = (byte) c;
        } else if (c < 0x800) {
            buffer[used++] = (byte) (0xC0 | (c >> 6));
            buffer[used++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            buffer[used++] = '?';
        } else {
            buffer[used++] = (byte) (0xE0 | (c >> 12));
            buffer[used++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            buffer[used++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    private void drain() throws IOException {
        if (used > 0) {
            out.write(buffer, 0, used);
            used = 0;
        }
    }

    /** Writes out what is buffered; a high surrogate still waiting for its low half stays. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Ends the text: a high surrogate left without its low half is written as {@code ?}. */
    @Override
    public void close() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            put('?');
        }
        flush();
    }
}
