package org.camelgateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keeps the load test working: {@code src/bench/bench.sh --smoke} (a few seconds, no timing asserted) must run
 * to the end with the gateway answering every request. Skipped where nginx or wrk is not installed.
 */
class BenchSmokeIT {

    @TempDir
    Path dir;

    @Test
    void benchmarkSmokeRunCompletesWithoutGatewayErrors() throws Exception {
        assumeTrue(onPath("wrk") && (onPath("nginx") || Files.isExecutable(Path.of("/usr/sbin/nginx"))),
                "the load test needs nginx and wrk (apt-get install nginx-light wrk)");
        Process bench = new ProcessBuilder("bash", "src/bench/bench.sh", "--smoke")
                .redirectErrorStream(true).redirectOutput(dir.resolve("bench.out").toFile()).start();
        boolean finished = bench.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            bench.destroy(); // the script's trap stops what it started
            bench.waitFor(30, TimeUnit.SECONDS);
        }
        String out = Files.readString(dir.resolve("bench.out"));
        assertThat(finished).as("finished within 180 s:%n%s", out).isTrue();
        assertThat(bench.exitValue()).as("exit status:%n%s", out).isZero();
        assertThat(out).contains("| fast c64 | gateway |").contains("| fast c64 | nginx |");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
