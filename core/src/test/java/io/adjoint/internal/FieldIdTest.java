package io.adjoint.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Field ids key the shadows of double fields: distinct fields must get distinct ids, whatever the threads. */
class FieldIdTest {

    @Test
    void distinctFieldsGetDistinctIdsUnderConcurrentTwinGeneration() throws Exception {
        int threads = 8, perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<int[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    int[] ids = new int[perThread];
                    for (int i = 0; i < perThread; i++) {
                        ids[i] = Ops.fieldId("test.Class" + thread + ".field" + i);
                    }
                    return ids;
                }));
            }
            Set<Integer> seen = new HashSet<>();
            for (Future<int[]> f : futures) {
                for (int id : f.get()) {
                    seen.add(id);
                }
            }
            assertEquals(threads * perThread, seen.size(), "ids handed out twice");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Ops.fieldId("test.Class0.field7"), Ops.fieldId("test.Class0.field7"), "stable per field");
    }
}
