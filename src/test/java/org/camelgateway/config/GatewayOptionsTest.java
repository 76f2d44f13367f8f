package org.camelgateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayOptionsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreRoutes8080And8081() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        GatewayOptions o = GatewayOptions.parse(new String[0], Map.of("GATEWAY_ROUTES", dir.resolve("routes").toString()));
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.managementPort()).isEqualTo(8081);
        assertThat(o.properties()).containsEntry("gateway.port", "8080")
                .containsEntry("camel.main.routesIncludePattern", "file:" + dir.resolve("routes") + "/*.yaml");
    }

    @Test
    void flagsWinOverEnvironment() throws Exception {
        GatewayOptions o = GatewayOptions.parse(new String[] {"--routes", dir.toString(), "--port=9000",
            "--management-port", "9001"}, Map.of("GATEWAY_PORT", "7000", "GATEWAY_MANAGEMENT_PORT", "7001"));
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.managementPort()).isEqualTo(9001);
    }

    @Test
    void environmentWinsOverDefaults() throws Exception {
        GatewayOptions o = GatewayOptions.parse(new String[0], Map.of("GATEWAY_ROUTES", dir.toString(),
                "GATEWAY_PORT", "7000"));
        assertThat(o.port()).isEqualTo(7000);
        assertThat(o.routes()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void unknownFlagMissingValueBadPortAndMissingFolderAreUsageErrors() {
        assertThatThrownBy(() -> GatewayOptions.parse(new String[] {"--bogus"}, Map.of()))
                .hasMessageContaining("unknown option: --bogus");
        assertThatThrownBy(() -> GatewayOptions.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> GatewayOptions.parse(new String[] {"--routes", dir.toString(), "--port", "70000"},
                Map.of())).hasMessageContaining("must be a port number");
        assertThatThrownBy(() -> GatewayOptions.parse(new String[] {"--routes", dir.resolve("nope").toString()},
                Map.of())).hasMessageContaining("routes folder not found");
    }

    @Test
    void helpNeedsNoRoutesFolder() throws Exception {
        assertThat(GatewayOptions.parse(new String[] {"--help"}, Map.of("GATEWAY_ROUTES", "/nonexistent")).help())
                .isTrue();
    }

    @Test
    void trainingRunNeedsNoRoutesFolder() throws Exception {
        GatewayOptions o = GatewayOptions.parse(new String[] {"--training-run"},
                Map.of("GATEWAY_ROUTES", "/nonexistent"));
        assertThat(o.trainingRun()).isTrue();
        assertThat(GatewayOptions.parse(new String[] {"--routes", dir.toString()}, Map.of()).trainingRun()).isFalse();
    }
}
