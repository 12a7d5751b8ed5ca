package io.adjoint.bench.overhead;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads (and links, without initializing) every class of a jar through a class loader of its own, and prints
 * the classes and the milliseconds it took: with the agent attached each class goes through its transformer
 * once (prologues added, checked), so the difference is the agent's cost of first instrumentation.
 */
public final class LoadAll {
    private LoadAll() {
    }

    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(args[0])) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String n = e.nextElement().getName();
                if (n.endsWith(".class") && !n.contains("module-info") && !n.startsWith("META-INF")) {
                    names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                }
            }
        }
        long t0 = System.nanoTime();
        int loaded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {new File(args[0]).toURI().toURL()},
                LoadAll.class.getClassLoader())) {
            for (String n : names) {
                try {
                    Class.forName(n, false, loader).getDeclaredMethods(); // forces loading and linking
                    loaded++;
                } catch (LinkageError | ClassNotFoundException e) {
                    // a class needing an optional dependency: skipped alike with and without the agent
                }
            }
        }
        long t1 = System.nanoTime();
        System.out.println(loaded + " " + (t1 - t0) / 1e6);
    }
}
