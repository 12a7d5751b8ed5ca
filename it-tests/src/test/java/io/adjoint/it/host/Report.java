package io.adjoint.it.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The lines of a report= file, each parsed strictly and checked for the fields every line must have. */
final class Report {
    /** One line: a reported call. */
    record Call(String method, String descriptor, String thread, int depth, List<Object> args, Double value,
                double[] gradient, String error, String exception, String text) {
        double arg(int i) {
            return (Double) args.get(i);
        }

        double[] arrayArg(int i) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) args.get(i);
            return l.stream().mapToDouble(o -> (Double) o).toArray();
        }
    }

    private static final Set<String> REQUIRED = Set.of("method", "descriptor", "thread", "depth", "args");
    private static final Set<String> KNOWN = Set.of("method", "descriptor", "thread", "depth", "args", "value",
            "gradient", "error", "exception");

    static List<Call> read(Path file) throws IOException {
        assertTrue(Files.exists(file), "report file " + file);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<Call> calls = new ArrayList<>();
        if (text.isEmpty()) {
            return calls;
        }
        assertTrue(text.endsWith("\n"), "the report ends with a complete line");
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            calls.add(parse(line));
        }
        assertEquals(text.split("\n").length, calls.size(), "no empty lines in the report");
        return calls;
    }

    @SuppressWarnings("unchecked")
    static Call parse(String line) {
        Map<String, Object> m = Json.object(line);
        assertTrue(m.keySet().containsAll(REQUIRED), "fields of " + line);
        assertTrue(KNOWN.containsAll(m.keySet()), "only known fields in " + line);
        String exception = (String) m.get("exception");
        if (exception == null) {
            assertTrue(m.get("value") instanceof Double, "a value (a JSON number) in " + line);
            assertTrue(m.containsKey("gradient") != m.containsKey("error"), "a gradient or an error in " + line);
        } else {
            assertTrue(!m.containsKey("value") && !m.containsKey("gradient"), "an exception line has no value: " + line);
        }
        double[] gradient = null;
        if (m.containsKey("gradient")) {
            gradient = ((List<Object>) m.get("gradient")).stream().mapToDouble(o -> (Double) o).toArray();
        }
        double depth = (Double) m.get("depth");
        assertEquals(Math.rint(depth), depth, line);
        return new Call((String) m.get("method"), (String) m.get("descriptor"), (String) m.get("thread"), (int) depth,
                (List<Object>) m.get("args"), (Double) m.get("value"), gradient, (String) m.get("error"),
                exception, line);
    }

    static List<Call> of(List<Call> calls, String method) {
        return calls.stream().filter(c -> c.method().equals(method)).collect(Collectors.toList());
    }

    static Call only(List<Call> calls, String method) {
        List<Call> l = of(calls, method);
        if (l.size() != 1) {
            fail("one line for " + method + " expected, found " + l.size() + ": " + l);
        }
        return l.get(0);
    }

    /** Compares a reported gradient with one derived by hand, entry by entry, to a relative tolerance. */
    static void gradient(double[] expected, Call call, double rel) {
        assertTrue(call.gradient() != null, "a gradient in " + call.text());
        assertEquals(expected.length, call.gradient().length, "gradient length in " + call.text());
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = call.gradient()[i];
            if (!(Math.abs(a - e) <= rel * Math.abs(e))) {
                fail("gradient[" + i + "] of " + call.text() + ": expected " + e + " but was " + a);
            }
        }
    }
}
