package io.adjoint.it;

import io.adjoint.Gradients;
import io.adjoint.ScalarFunction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

import static io.adjoint.it.Check.ANALYTIC;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** Code loaded by a class loader other than the one that loaded Adjoint (plug-ins, application servers). */
class ClassLoadersTest {

    /** Defines the classes of io.adjoint.it.isolated itself, from the test class files; delegates the rest. */
    static final class IsolatingLoader extends ClassLoader {
        IsolatingLoader(ClassLoader parent) {
            super("isolating", parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.adjoint.it.isolated.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String resource = name.replace('.', '/') + ".class";
                    try (InputStream in = getParent().getResourceAsStream(resource)) {
                        byte[] b = in.readAllBytes();
                        c = defineClass(name, b, 0, b.length);
                    } catch (IOException | NullPointerException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return getParent().getResourceAsStream(name);
        }
    }

    @Test
    void lambdaOfAClassInAnotherClassLoader() throws Exception {
        ClassLoader loader = new IsolatingLoader(ClassLoadersTest.class.getClassLoader());
        Class<?> model = loader.loadClass("io.adjoint.it.isolated.PluginModel");
        assertNotSame(ClassLoadersTest.class.getClassLoader(), model.getClassLoader());
        ScalarFunction f = (ScalarFunction) model.getMethod("function").invoke(null);
        Method gradient = model.getMethod("gradient", double[].class);
        double[] x = {2.5, -0.75};
        Check.gradient((double[]) gradient.invoke(null, (Object) x), Gradients.of(f).at(x), ANALYTIC, "plug-in lambda");
    }
}
