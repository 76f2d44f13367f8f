package org.camelgateway.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    public Socket connect(int port) {
        return await("gateway listening on " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                .until(() -> {
                    assertThat(process.isAlive()).as("gateway process alive; log:%n%s", log()).isTrue();
                    return new Socket(InetAddress.getLoopbackAddress(), port);
                }, socket -> true);
    }

    public void awaitListening(int port) throws IOException {
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
