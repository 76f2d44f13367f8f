package org.camelgateway;

import org.camelgateway.support.Backend;
import org.camelgateway.support.PackagedGateway;
import org.camelgateway.support.RawHttp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The packaged jar as users run it: {@code java -jar target/camel-gateway.jar}, nothing else on the class path. */
class PackagedJarIT {

    static final Path JAR = Path.of("target/camel-gateway.jar");
    static final String JAVA_25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    @TempDir
    Path dir;

    static Stream<String> javas() {
        return Stream.of(ProcessHandle.current().info().command().orElse("java"), JAVA_25);
    }

    record Result(int exit, String out, String err) {
    }

    Result run(String... args) throws Exception {
        return runWith(javas().findFirst().orElseThrow(), args);
    }

    Result runWith(String java, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (!List.of(args).contains("-jar")) {
            cmd.addAll(List.of("-jar", JAR.toString()));
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Result(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: java -jar camel-gateway.jar", "--routes DIR", "--port N",
                "--management-port N", "GATEWAY_ROUTES");
    }

    @Test
    void classDataArchiveFromTheBuildLoadsWithThePackagedJar() throws Exception {
        // -Xshare:on refuses to start when the archive does not belong to this jar and JVM
        Result r = run("-Xshare:on", "-XX:SharedArchiveFile=target/camel-gateway.jsa", "-jar", JAR.toString(),
                "--validate", "routes");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 route files OK");
    }

    @ParameterizedTest
    @MethodSource("javas")
    void trainingRunProxiesEveryRequestAndStopsCleanly(String java) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(java)) || !java.startsWith("/"), java + " is not installed");
        Result r = runWith(java, "-jar", JAR.toString(), "--training-run");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("training run: 200 requests answered as expected");
        // nothing logged on the way down: a backend client stopped after the event loops it used is quiet
        assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContainPattern("\\d (WARN|ERROR) ");
    }

    @Test
    void unknownFlagExitsTwoWithAClearMessage() throws Exception {
        Result r = run("--prot", "8080");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option: --prot").contains("Usage:");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void missingRoutesFolderExitsTwoWithAClearMessage() throws Exception {
        Result r = run("--routes", dir.resolve("missing").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("routes folder not found");
    }

    @ParameterizedTest
    @MethodSource("javas")
    void demoRoutesAnswerThroughThePackagedJar(String java) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(java)) || !java.startsWith("/"), java + " is not installed");
        int port = AvailablePortFinder.getNextAvailable();
        try (Backend app1 = Backend.start("app1");
                PackagedGateway gateway = PackagedGateway.start(java, dir.resolve("gateway.log"),
                        List.of("-Dgateway.host=127.0.0.1", "-Dapp1.url=" + app1.url()), "--routes", "routes",
                        "--port", Integer.toString(port),
                        "--management-port", Integer.toString(AvailablePortFinder.getNextAvailable()))) {
            gateway.awaitListening(port);
            try (RawHttp http = new RawHttp(port)) {
                RawHttp.Response r = http.exchange("GET /app1/ HTTP/1.1\r\nHost: localhost");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("app1");
            }
        }
    }

    @Test
    void routeThatWritesItsPortLiterallyWorks() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        try (Backend backend = Backend.start("literal")) {
            Files.writeString(dir.resolve("literal.yaml"), """
                    - route:
                        id: literal
                        from:
                          uri: "netty-http:http://127.0.0.1:%d?matchOnUriPrefix=true"
                          steps:
                            - to: "%s"
                    """.formatted(port, backend.url()), StandardCharsets.UTF_8);
            // a file that is not *.yaml and a sub-folder (a ConfigMap mount's ..data) are not loaded
            Files.writeString(dir.resolve("notes.txt"), "not a route");
            Files.createDirectories(dir.resolve("..data"));
            Files.writeString(dir.resolve("..data/broken.yaml"), "- route: [ this is not valid");
            try (PackagedGateway gateway = PackagedGateway.start(dir.resolve("gateway.log"), List.of(),
                    "--routes", dir.toString(), "--management-port",
                    Integer.toString(AvailablePortFinder.getNextAvailable()))) {
                gateway.awaitListening(port);
                try (RawHttp http = new RawHttp(port)) {
                    assertThat(http.exchange("GET /x HTTP/1.1\r\nHost: localhost").bodyText()).isEqualTo("literal");
                }
            }
        }
    }

    @Test
    void logbackConfigurationFileReplacesTheBuiltInLogSetUp() throws Exception {
        Path config = dir.resolve("logback.xml");
        Files.writeString(config, """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>custom|%level|%logger|%msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="out"/></root>
                </configuration>
                """);
        int port = AvailablePortFinder.getNextAvailable();
        try (Backend app1 = Backend.start("app1");
                PackagedGateway gateway = PackagedGateway.start(dir.resolve("gateway.log"),
                        List.of("-Dlogback.configurationFile=" + config, "-Dgateway.host=127.0.0.1",
                                "-Dapp1.url=" + app1.url()),
                        "--routes", "routes", "--port", Integer.toString(port),
                        "--management-port", Integer.toString(AvailablePortFinder.getNextAvailable()))) {
            gateway.awaitListening(port);
            try (RawHttp http = new RawHttp(port)) {
                assertThat(http.exchange("GET /app1/ HTTP/1.1\r\nHost: localhost").status()).isEqualTo(200);
            }
            // the access line is written after the response: wait for it rather than for a fixed time
            await("the access line in the custom format").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(gateway::log, log -> log.contains("custom|INFO|gateway.access|{"));
            String log = gateway.log();
            assertThat(log).contains("custom|INFO|gateway.access|{").contains("custom|INFO|org.apache.camel.");
            assertThat(log.lines().filter(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")))
                    .as("no line in the built-in format").isEmpty();
        }
    }
}
