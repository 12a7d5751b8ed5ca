package io.adjoint.agent.twin;

import org.objectweb.asm.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers class-hierarchy questions by reading class files through a class loader, never by loading
 * classes: loading in the middle of generating code runs static initialisers in the wrong order and
 * through the wrong loader (engine notes, section 8).
 */
public final class ClassHierarchy {
    private final ClassLoader loader;

    public ClassHierarchy(ClassLoader loader) {
        this.loader = loader;
    }

    /** The bytes of a class file, or null. */
    public byte[] bytes(String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private ClassReader reader(String internalName) {
        byte[] b = bytes(internalName);
        return b == null ? null : new ClassReader(b);
    }

    /** The nearest common superclass, as ASM's frame computation wants it. */
    public String commonSuperClass(String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        ClassReader ra = reader(a), rb = reader(b);
        if (ra == null || rb == null || isInterface(ra) || isInterface(rb)) {
            return "java/lang/Object";
        }
        List<String> supersOfA = new ArrayList<>();
        for (String c = a; c != null; c = superName(c)) {
            supersOfA.add(c);
        }
        for (String c = b; c != null; c = superName(c)) {
            if (supersOfA.contains(c)) {
                return c;
            }
        }
        return "java/lang/Object";
    }

    private String superName(String internalName) {
        ClassReader r = reader(internalName);
        return r == null ? null : r.getSuperName();
    }

    private static boolean isInterface(ClassReader r) {
        return (r.getAccess() & org.objectweb.asm.Opcodes.ACC_INTERFACE) != 0;
    }
}
