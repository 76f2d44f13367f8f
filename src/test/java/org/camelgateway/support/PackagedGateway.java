package org.camelgateway.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar in a JVM of its own, as users run it: {@code java [options] -jar target/camel-gateway.jar
 * [flags]}, its output in a log file. For what only a whole process shows: heap and direct memory limits, flags,
 * signals.
 */
public final class PackagedGateway implements AutoCloseable {

    public static final String JAR = "target/camel-gateway.jar";

    private final Process process;
    private final Path log;

    private PackagedGateway(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The JVM running the tests. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static PackagedGateway start(Path log, List<String> jvmOptions, String... flags) throws IOException {
        return start(java(), log, jvmOptions, flags);
    }

    public static PackagedGateway start(String java, Path log, List<String> jvmOptions, String... flags)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR);
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PackagedGateway(process, log);
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Connects once the gateway listens on {@code port}, failing at once, with its log, if the process died. */
    public Socket connect(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertThat(process.isAlive()).as("gateway process alive; log:%n%s", log()).isTrue();
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException notYet) {
                assertThat(System.nanoTime()).as("gateway listening on %d within 60 s", port).isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    public void awaitListening(int port) throws Exception {
        connect(port).close();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
