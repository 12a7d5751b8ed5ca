package io.adjoint.agent.twin;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every class of two real numeric libraries (commons-math3, Java 5 class files with JSR/RET; Hipparchus, Java 8)
 * through the whole twin pipeline (inlining, scalar replacement, element sums, preaccumulation, the twin adapter,
 * accumulation runs): generation must not fail and every companion must pass ASM's verifier with data flow, types
 * resolved through the libraries' own classes. The passes that rewrite code keep a method as it was when their
 * analysis refuses it; this is where code nobody wrote for them shows whether what they do emit is well formed.
 */
class LibraryTwinsTest {
    private static void twinAll(Class<?> anyClassOfTheJar, int atLeast) throws Exception {
        File jar = new File(anyClassOfTheJar.getProtectionDomain().getCodeSource().getLocation().toURI());
        ClassLoader loader = anyClassOfTheJar.getClassLoader();
        int classes = 0;
        List<String> problems = new ArrayList<>();
        try (ZipFile z = new ZipFile(jar)) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class") || entry.getName().contains("module-info")) {
                    continue;
                }
                byte[] host = z.getInputStream(entry).readAllBytes();
                classes++;
                byte[] companion;
                try {
                    companion = TwinGenerator.generate(host, loader).bytes();
                } catch (RuntimeException | Error ex) {
                    problems.add(entry.getName() + ": generation failed: " + ex);
                    continue;
                }
                StringWriter errors = new StringWriter();
                CheckClassAdapter.verify(new ClassReader(companion), loader, false, new PrintWriter(errors));
                if (!errors.toString().isEmpty()) {
                    problems.add(entry.getName() + ": " + errors.toString().lines().limit(8)
                            .reduce("", (a, b) -> a + "\n  " + b));
                }
            }
        }
        assertTrue(classes >= atLeast, jar + ": " + classes + " classes");
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), problems.size() + " of " + classes
                + " classes of " + jar.getName());
    }

    @Test
    void commonsMath3() throws Exception {
        twinAll(org.apache.commons.math3.util.FastMath.class, 1200);
    }

    @Test
    void hipparchusCore() throws Exception {
        twinAll(org.hipparchus.util.FastMath.class, 600);
    }
}
