package io.adjoint.agent.link;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A lookup on a host class with full privilege access, as {@code defineHiddenClass} requires for the
 * host's companion. {@code privateLookupIn} gives that only when the host is in Adjoint's own module;
 * a class of another class loader (a plug-in, a web application) is in another unnamed module, and the
 * lookup then lacks MODULE access. For those hosts a tiny package-private class is defined in the host's
 * package, through the PACKAGE access that the private lookup does have, and asked for its own lookup:
 * from inside the host's module, {@code privateLookupIn} has full privilege.
 */
final class HostLookup {
    private HostLookup() {
    }

    static final String SUFFIX = "$$AdjointLookup";
    private static final String LOOKUP_DESC = "()Ljava/lang/invoke/MethodHandles$Lookup;";

    static MethodHandles.Lookup of(Class<?> host) throws Throwable {
        MethodHandles.Lookup mine = MethodHandles.lookup();
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(host, mine);
        if (lookup.hasFullPrivilegeAccess()) {
            return lookup;
        }
        Class<?> helper = helper(host, lookup);
        MethodHandles.Lookup inHostModule = (MethodHandles.Lookup) lookup
                .findStatic(helper, "lookup", MethodType.methodType(MethodHandles.Lookup.class)).invokeExact();
        return MethodHandles.privateLookupIn(host, inHostModule);
    }

    private static Class<?> helper(Class<?> host, MethodHandles.Lookup packageAccess) throws ReflectiveOperationException {
        String name = host.getName() + SUFFIX;
        try {
            return packageAccess.defineClass(bytes(name.replace('.', '/')));
        } catch (LinkageError alreadyDefined) { // another thread was first
            return Class.forName(name, false, host.getClassLoader());
        }
    }

    /** {@code final synthetic class Name { static Lookup lookup() { return MethodHandles.lookup(); } }} */
    private static byte[] bytes(String internalName) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, internalName, null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, "lookup", LOOKUP_DESC, null, null);
        mv.visitCode();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", LOOKUP_DESC, false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(1, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
