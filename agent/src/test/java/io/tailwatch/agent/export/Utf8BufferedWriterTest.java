package io.tailwatch.agent.export;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8BufferedWriterTest {

    /** Writes the same text through both writers, each way the text format uses, and compares the bytes. */
    private static void assertSameBytesAsJdk(String text, int bufferBytes) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Writer jdk = new OutputStreamWriter(expected, StandardCharsets.UTF_8)) {
            writeEachWay(jdk, text);
        }
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        try (Writer ours = new Utf8BufferedWriter(actual, bufferBytes)) {
            writeEachWay(ours, text);
        }
        assertArrayEquals(expected.toByteArray(), actual.toByteArray(), () -> "text " + text.codePoints()
                .mapToObj(Integer::toHexString).toList() + ", buffer " + bufferBytes);
    }

    private static void writeEachWay(Writer writer, String text) throws IOException {
        writer.write(text);
        writer.append('|');
        for (int i = 0; i < text.length(); i++) {
            writer.append(text.charAt(i));
        }
        writer.write(text.toCharArray(), 0, text.length());
        writer.append(text, 0, text.length());
    }

    @Test
    void encodesAsciiTwoAndThreeByteCharactersAndSurrogatePairsAsTheJdkDoes() throws IOException {
        String text = "http_route=\"/owners/{id}\" é ü € 中文 \uD83D\uDE00 end\n";
        for (int buffer : new int[]{8, 9, 10, 11, 13, 64, 16 * 1024}) {
            assertSameBytesAsJdk(text, buffer);
        }
    }

    @Test
    void replacesLoneSurrogatesWithAQuestionMarkAsTheJdkDoes() throws IOException {
        assertSameBytesAsJdk("a\uD83Db", 16);
        assertSameBytesAsJdk("a\uDE00b", 16);
        assertSameBytesAsJdk("\uDE00\uD83D", 16);
        assertSameBytesAsJdk("x\uD83D\uD83D\uDE00y", 16);
    }

    @Test
    void randomTextAcrossBufferBoundariesMatchesTheJdk() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(200);
            for (int i = 0; i < length; i++) {
                text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(0x80)));
            }
            assertSameBytesAsJdk(text.toString(), 8 + random.nextInt(40));
        }
    }

    @Test
    void flushHandsEverythingWrittenToTheStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Writer writer = new Utf8BufferedWriter(out, 1024);
        writer.write("abc");
        assertEquals(0, out.size());
        writer.flush();
        assertEquals("abc", out.toString(StandardCharsets.UTF_8));
    }
}
