package io.adjoint.agent.link;

import io.adjoint.agent.AdjointAgent;
import io.adjoint.agent.TestHooks;
import io.adjoint.agent.report.ReportHook;
import io.adjoint.agent.twin.ClassHierarchy;
import io.adjoint.agent.twin.TwinGenerator;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where twins live: one hidden companion class per host class, defined as the host's nestmate the
 * first time one of its twins is needed. Generating lazily from the class file means classes loaded
 * before the agent attached are handled exactly like the others.
 */
public final class Twins {
    private Twins() {
    }

    /** A defined companion: its lookup and the twin name of each original "name+descriptor". */
    private record Linked(MethodHandles.Lookup lookup, Map<String, String> names,
                          Map<String, MethodHandle> handles) {
    }

    private static final Linked NONE = new Linked(null, Map.of(), Map.of());

    static {
        ReflectionRules.register(); // before any twin is generated: their call sites must see these rows
    }

    private static final ClassValue<Linked> COMPANIONS = new ClassValue<>() {
        @Override
        protected Linked computeValue(Class<?> host) {
            return define(host);
        }
    };

    /**
     * The twin of {@code host}'s method {@code name+desc} (declared there, not inherited) as twin code calls
     * it, or null when the host cannot be instrumented or the method has no body. The twin of a
     * {@code report=} method comes wrapped so that it reports itself when called inside a reported call
     * ({@link ReportHook#nested}).
     */
    public static MethodHandle handle(Class<?> host, String name, String desc) {
        Linked linked = COMPANIONS.get(host);
        if (!linked.names.containsKey(name + desc)) {
            return null;
        }
        if (!desc.endsWith(")D") || !AdjointAgent.options().reports(host.getName(), name)) {
            return twin(host, name, desc);
        }
        return linked.handles.computeIfAbsent("reported " + name + desc, k -> ReportHook.nested(
                twin(host, name, desc), host, name, desc, isStatic(host, name, desc)));
    }

    /** The twin itself, never wrapped; null as for {@link #handle}. */
    public static MethodHandle twin(Class<?> host, String name, String desc) {
        Linked linked = COMPANIONS.get(host);
        String twinName = linked.names.get(name + desc);
        if (twinName == null) {
            return null;
        }
        return linked.handles.computeIfAbsent(name + desc, k -> {
            boolean isStatic = isStatic(host, name, desc);
            String twinDesc = TwinGenerator.twinDescriptor(Type.getInternalName(host), isStatic, desc);
            try {
                return linked.lookup.findStatic(linked.lookup.lookupClass(), twinName,
                        MethodType.fromMethodDescriptorString(twinDesc, host.getClassLoader()));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("twin of " + host.getName() + "." + name + desc + " vanished", e);
            }
        });
    }

    /** True when Adjoint may instrument this class at all. */
    public static boolean instrumentable(Class<?> c) {
        if (c.isPrimitive() || c.isArray() || c.isHidden()) {
            return false;
        }
        return AdjointAgent.options().instruments(c.getName());
    }

    /**
     * Whether a method's code may be inlined into other twins: its class is instrumented (and its companion not made to
     * fail by a test hook), and it is not reported (a report= method reports itself when its twin is called).
     */
    private static boolean mayInline(String className, String method) {
        try {
            TestHooks.failTwin(className);
        } catch (IllegalStateException e) {
            return false;
        }
        return AdjointAgent.options().instruments(className) && !AdjointAgent.options().reports(className, method);
    }

    private static boolean isStatic(Class<?> host, String name, String desc) {
        for (Method m : host.getDeclaredMethods()) {
            if (m.getName().equals(name) && Type.getMethodDescriptor(m).equals(desc)) {
                return Modifier.isStatic(m.getModifiers());
            }
        }
        throw new IllegalStateException(host.getName() + "." + name + desc + " not found");
    }

    private static Linked define(Class<?> host) {
        if (!instrumentable(host)) {
            return NONE;
        }
        String internalName = Type.getInternalName(host);
        try {
            TestHooks.failTwin(host.getName());
            byte[] bytes = new ClassHierarchy(host.getClassLoader()).bytes(internalName);
            if (bytes == null) {
                AdjointAgent.warnClass(host.getName(), "cannot instrument " + host.getName() + ": its class file is not readable "
                        + "through its class loader; calls into it are treated as opaque");
                return NONE;
            }
            TwinGenerator.Companion companion = TwinGenerator.generate(bytes, host.getClassLoader(), Twins::mayInline);
            dump(companion);
            MethodHandles.Lookup hostLookup = HostLookup.of(host);
            MethodHandles.Lookup twinLookup = hostLookup.defineHiddenClass(companion.bytes(), true,
                    MethodHandles.Lookup.ClassOption.NESTMATE);
            JitDirective.requestOnce();
            AdjointAgent.verbose("twins generated for " + companion.twinNames().size() + " method(s) of " + host.getName());
            return new Linked(twinLookup, companion.twinNames(), new ConcurrentHashMap<>());
        } catch (Throwable e) {
            AdjointAgent.warnClass(host.getName(), "cannot instrument " + host.getName() + ": " + AdjointAgent.why(e)
                    + "; calls into it are treated as opaque");
            return NONE;
        }
    }

    private static void dump(TwinGenerator.Companion companion) {
        String dir = AdjointAgent.options().dumpDirectory();
        if (dir == null) {
            return;
        }
        Path file = Path.of(dir, companion.internalName() + ".class");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, companion.bytes());
        } catch (IOException e) {
            AdjointAgent.warn("cannot dump " + file + ": " + e);
        }
    }
}
