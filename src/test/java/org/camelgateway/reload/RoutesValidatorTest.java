package org.camelgateway.reload;

import org.camelgateway.config.GatewayMain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --validate} and the reload name each problem as {@code file:line: message}, the line being where the
 * YAML parser or Camel located it, so a CI log or the reload MBean points at the place to fix.
 */
class RoutesValidatorTest {

    /** A file that does not parse never gets as far as building a gateway. */
    private static final RoutesValidator PARSE_ONLY = new RoutesValidator(dir -> {
        throw new AssertionError("a folder with a file that does not parse was built");
    });

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    void anUnclosedFlowSequenceIsReportedAtTheLineItOpens() throws Exception {
        Path file = write("broken.yaml", "- route:\n    id: broken\n    from: [ nope\n");
        List<String> problems = PARSE_ONLY.validate(dir);
        assertThat(problems).singleElement().asString().startsWith(file + ":3: ").contains("flow sequence");
    }

    @Test
    void aBadIndentDeepInAFileIsReportedAtItsLine() throws Exception {
        Path file = write("gateway.yaml", """
                - route:
                    id: ok
                    from:
                      uri: "direct:a"
                      steps:
                        - to: "log:x"

                - route:
                    id: bad
                     from: x
                """);
        assertThat(PARSE_ONLY.validate(dir)).singleElement().asString().startsWith(file + ":10: ");
    }

    @Test
    void anUnknownDslKeyIsReportedAtItsLine() throws Exception {
        Path file = write("gateway.yaml", "\n\n- rout:\n    id: x\n");
        assertThat(PARSE_ONLY.validate(dir)).singleElement().asString().startsWith(file + ":3: ")
                .contains("rout");
    }

    @Test
    void eachBrokenFileIsNamedOnItsOwnInNameOrder() throws Exception {
        Path b = write("b.yaml", "- route:\n    id: b\n    from: [ x\n");
        Path a = write("a.yaml", "- route:\n\n    id: a\n     from: x\n");
        write("c.yaml", "- route:\n    id: c\n    from:\n      uri: \"direct:c\"\n      steps:\n        - to: \"log:c\"\n");
        List<String> problems = PARSE_ONLY.validate(dir);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith(a + ":4: ");
        assertThat(problems.get(1)).startsWith(b + ":3: ");
    }

    @Test
    void aFolderNamedLikeALineDoesNotMoveTheLine() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("line 9"));
        Path file = Files.writeString(folder.resolve("gateway.yaml"), "- route:\n    id: broken\n    from: [ nope\n");
        assertThat(PARSE_ONLY.validate(folder)).singleElement().asString().startsWith(file + ":3: ");
    }

    @Test
    void theMessageIsOneLine() throws Exception {
        write("broken.yaml", "- route:\n    id: broken\n    from: [ nope\n");
        assertThat(PARSE_ONLY.validate(dir)).singleElement().asString().doesNotContain("\n");
    }

    @Test
    void aFolderWithoutRouteFilesIsOneProblem() throws Exception {
        write("notes.txt", "not routes");
        assertThat(PARSE_ONLY.validate(dir)).containsExactly(dir + ": no *.yaml route files");
    }

    /** Parsed fine, but the route does not build: the place is Camel's source location of the route. */
    @Test
    void aRouteThatDoesNotBuildIsReportedAtItsRouteWithItsId() throws Exception {
        Path file = write("gateway.yaml", """
                - route:
                    id: fine
                    from:
                      uri: "direct:fine"
                      steps:
                        - to: "log:fine"
                - route:
                    id: misconfigured
                    from:
                      uri: "direct:in"
                      steps:
                        - to: "log:x?noSuchOption=1"
                """);
        assertThat(GatewayMain.VALIDATOR.validate(dir)).singleElement().asString()
                .startsWith(file + ":7 (route misconfigured): ").contains("noSuchOption");
    }
}
