package io.tailwatch.agent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little the agent needs to know of a class file before any of its classes is loaded: which
 * classes it names, and its superclass and interfaces. Reads the constant pool only.
 */
final class ClassFile {
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+);");

    private final String[] utf8;
    private final int[] classNameIndex;
    private final String superName;
    private final List<String> interfaces = new ArrayList<>();

    private ClassFile(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        in.getShort();
        in.getShort();
        int count = in.getShort() & 0xFFFF;
        utf8 = new String[count];
        classNameIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.get() & 0xFF;
            switch (tag) {
                case 1: {
                    byte[] text = new byte[in.getShort() & 0xFFFF];
                    in.get(text);
                    utf8[i] = modifiedUtf8(text);
                    break;
                }
                case 7: classNameIndex[i] = in.getShort() & 0xFFFF; break;
                case 8: case 16: case 19: case 20: in.getShort(); break;
                case 15: in.get(); in.getShort(); break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: in.getInt(); break;
                case 5: case 6: in.getLong(); i++; break;
                default: throw new IllegalArgumentException("unknown constant pool tag " + tag);
            }
        }
        in.getShort();
        in.getShort();
        int superIndex = in.getShort() & 0xFFFF;
        superName = superIndex == 0 ? null : utf8[classNameIndex[superIndex]];
        int interfaceCount = in.getShort() & 0xFFFF;
        for (int i = 0; i < interfaceCount; i++) {
            interfaces.add(utf8[classNameIndex[in.getShort() & 0xFFFF]]);
        }
    }

    static ClassFile parse(byte[] bytes) {
        return new ClassFile(bytes);
    }

    /** Internal names of every class this one names: class constants and types inside descriptors. */
    Set<String> referencedClasses() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < classNameIndex.length; i++) {
            if (classNameIndex[i] != 0) {
                String name = utf8[classNameIndex[i]];
                names.add(name.startsWith("[") ? stripArray(name) : name);
            }
        }
        for (String text : utf8) {
            if (text != null && text.indexOf(';') > 0) {
                Matcher m = DESCRIPTOR_TYPE.matcher(text);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        names.remove(null);
        return names;
    }

    /** Superclass then interfaces, internal names; the superclass is absent for java/lang/Object. */
    List<String> superTypes() {
        List<String> types = new ArrayList<>();
        if (superName != null) {
            types.add(superName);
        }
        types.addAll(interfaces);
        return types;
    }

    private static String stripArray(String descriptor) {
        Matcher m = DESCRIPTOR_TYPE.matcher(descriptor);
        return m.find() ? m.group(1) : null;
    }

    /** Class-file UTF-8 differs from standard UTF-8 only in ways that do not matter for names. */
    private static String modifiedUtf8(byte[] text) {
        return new String(text, java.nio.charset.StandardCharsets.UTF_8);
    }
}
