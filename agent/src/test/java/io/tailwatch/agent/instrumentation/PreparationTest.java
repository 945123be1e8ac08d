package io.tailwatch.agent.instrumentation;

import io.tailwatch.agent.instrumentation.net.TcpAcceptInstrumentation;
import io.tailwatch.agent.recording.InstrumentationStatus;
import io.tailwatch.agent.support.AgentThread;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classes transformed before they load: used only for the very class file prepared, and only once. */
class PreparationTest {
    private static final String SERVER_SOCKET = "java/net/ServerSocket";

    private static ModuleGate gate(InstrumentationStatus status) {
        ModuleGate gate = new ModuleGate();
        gate.add(new ModuleTransformer(new TcpAcceptInstrumentation(), status, null));
        return gate;
    }

    private static byte[] serverSocket() throws Exception {
        return ClassFileLocator.ForClassLoader.of(null).locate("java.net.ServerSocket").resolve();
    }

    private static void awaitPrepared(ModuleGate gate) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (gate.preparation.stateOf(null, SERVER_SOCKET) != Preparation.State.DONE && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Preparation.State.DONE, gate.preparation.stateOf(null, SERVER_SOCKET));
    }

    @Test
    void thePreparedClassFileIsWhatTheModuleMakesOfIt() throws Exception {
        InstrumentationStatus status = new InstrumentationStatus();
        status.installed("tcp-accept");
        ModuleGate gate = gate(status);
        gate.prepareModule(null, "tcp-accept");
        awaitPrepared(gate);
        // Preparing has no effect on the JVM: the module applies once the class loads.
        assertEquals(Map.of("tcp-accept", false), status.read());

        byte[] original = serverSocket();
        byte[] taken = gate.transform(null, null, SERVER_SOCKET, null, null, original);
        assertNotNull(taken);
        assertTrue(!Arrays.equals(original, taken), "transformed");
        assertEquals(Preparation.State.TAKEN, gate.preparation.stateOf(null, SERVER_SOCKET));
        assertEquals(Map.of("tcp-accept", true), status.read());
        // The same as transforming it then and there.
        assertArrayEquals(gate(new InstrumentationStatus()).transform(null, null, SERVER_SOCKET, null, null, original), taken);
    }

    @Test
    void anotherClassFileOfTheSameNameIsTransformedAsItLoads() throws Exception {
        ModuleGate gate = gate(new InstrumentationStatus());
        gate.prepareModule(null, "tcp-accept");
        awaitPrepared(gate);
        // A class file that differs (another agent changed it, say): the prepared one does not do,
        // and is dropped.
        assertNull(gate.preparation.take(null, SERVER_SOCKET, new byte[]{1, 2, 3}));
        assertEquals(Preparation.State.TAKEN, gate.preparation.stateOf(null, SERVER_SOCKET));
        assertNotNull(gate.transform(null, null, SERVER_SOCKET, null, null, serverSocket()));
    }

    @Test
    void aClassNotYetBegunIsLeftToTheLoadingThreadAndAnAgentThreadWaits() throws Exception {
        // The preparing thread kept busy, so that the class stays queued.
        ModuleGate gate = gate(new InstrumentationStatus());
        CountDownLatch busy = new CountDownLatch(1);
        gate.preparation.run(() -> await(busy));
        gate.preparation.prepare(null, SERVER_SOCKET);
        assertEquals(Preparation.State.QUEUED, gate.preparation.stateOf(null, SERVER_SOCKET));
        assertNull(gate.preparation.take(null, SERVER_SOCKET, serverSocket()), "the application's thread transforms it itself");
        assertEquals(Preparation.State.TAKEN, gate.preparation.stateOf(null, SERVER_SOCKET));
        busy.countDown();

        ModuleGate other = gate(new InstrumentationStatus());
        CountDownLatch otherBusy = new CountDownLatch(1);
        other.preparation.run(() -> await(otherBusy));
        other.preparation.prepare(null, SERVER_SOCKET);
        AtomicReference<ModuleGate.Result> taken = new AtomicReference<>();
        byte[] classFile = serverSocket();
        Thread agent = AgentThread.create("test", () -> taken.set(other.preparation.take(null, SERVER_SOCKET, classFile)));
        agent.start();
        otherBusy.countDown();
        agent.join(30_000);
        assertNotNull(taken.get(), "the agent's thread waited for the preparation");
        assertEquals(1, taken.get().applied.size());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
