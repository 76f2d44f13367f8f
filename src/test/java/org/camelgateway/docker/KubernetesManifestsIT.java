package org.camelgateway.docker;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The deployment artifacts in {@code docker/}: the Kubernetes manifests in {@code docker/k8s/} parsed with
 * fabric8's Kubernetes model, checked against each other, against {@code docker/Dockerfile} and against the
 * gateway's defaults; and the image's entrypoint run on the packaged jar the way a pod runs it.
 */
class KubernetesManifestsIT {

    static final Path K8S = Path.of("docker/k8s");
    static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    static final Path DOCKERIGNORE = Path.of("docker/Dockerfile.dockerignore");
    static final Path ENTRYPOINT = Path.of("docker/entrypoint.sh");
    static final Path ROUTES = Path.of("routes");
    static final Path JAR = Path.of("target/camel-gateway.jar");
    /** The image's runtime (eclipse-temurin:25-jre); where it is not installed the test JVM's java runs instead. */
    static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    // the gateway's defaults (GatewayOptions, application.properties) and the drain it does on SIGTERM
    static final int DEFAULT_TRAFFIC_PORT = 8080;
    static final int DEFAULT_MANAGEMENT_PORT = 8081;
    static final long DEFAULT_DRAIN_GRACE_MS = 5_000;
    static final long DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
    static final long DEFAULT_BODY_SPOOL_LIMIT = 1L << 30;

    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String ROUTES_CONFIG_MAP = "camel-gateway-routes";

    static Map<Path, List<HasMetadata>> manifests;
    static Dockerfile dockerfile;

    @TempDir
    Path dir;

    @BeforeAll
    static void parseManifests() throws IOException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        manifests = new TreeMap<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.(yaml|yml|json)")).sorted().toList()) {
                manifests.put(file, documents(serialization.unmarshal(Files.readString(file))));
            }
        }
        dockerfile = Dockerfile.parse(Files.readString(DOCKERFILE));
    }

    @Test
    void everyManifestParsesToItsKindWithNoUnknownFields() {
        assertThat(manifests).as("manifests in %s", K8S).isNotEmpty();
        manifests.forEach((file, docs) -> {
            assertThat(docs).as("%s", file).isNotEmpty();
            for (HasMetadata doc : docs) {
                // an unknown apiVersion/kind (a typo, a removed API version) comes back as a generic resource
                assertThat(doc).as("%s: %s/%s is a kind the Kubernetes model knows", file, doc.getApiVersion(),
                        doc.getKind()).isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(doc.getKind()).as("%s", file).isEqualTo(doc.getClass().getSimpleName());
                // a misspelt field (readinesProbe, mountpath) parses without error into additionalProperties
                assertThat(unknownFields(doc, doc.getKind())).as("%s: fields the %s model does not have", file,
                        doc.getKind()).isEmpty();
                assertThat(doc.getMetadata().getNamespace()).as("%s: namespace-less, kubectl -n chooses", file)
                        .isNull();
                assertThat(doc.getMetadata().getLabels()).as("%s labels", file)
                        .containsEntry(NAME_LABEL, "camel-gateway");
            }
        });
        assertThat(manifests.values().stream().flatMap(List::stream).map(HasMetadata::getKind))
                .containsExactlyInAnyOrder("ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                        "PodDisruptionBudget", "Service");
    }

    @Test
    void containerPortsAreTheGatewayDefaultsAndTheImagesExposedPorts() {
        Container gateway = gatewayContainer();
        assertThat(port(gateway, "http").getContainerPort()).isEqualTo(DEFAULT_TRAFFIC_PORT);
        assertThat(port(gateway, "management").getContainerPort()).isEqualTo(DEFAULT_MANAGEMENT_PORT);
        assertThat(gateway.getPorts()).hasSize(2);
        // ports set through the environment would have to move with the container ports
        assertThat(env(gateway, "GATEWAY_PORT")).isEmpty();
        assertThat(env(gateway, "GATEWAY_MANAGEMENT_PORT")).isEmpty();
        assertThat(dockerfile.all("EXPOSE").stream().flatMap(e -> Stream.of(e.split("\\s+"))).toList())
                .containsExactlyInAnyOrder(Integer.toString(DEFAULT_TRAFFIC_PORT),
                        Integer.toString(DEFAULT_MANAGEMENT_PORT));
    }

    @Test
    void probesPointAtTheManagementPortDefaults() {
        Container gateway = gatewayContainer();
        assertHttpProbe(gateway.getLivenessProbe(), "liveness", "/health/live");
        assertHttpProbe(gateway.getReadinessProbe(), "readiness", "/health/ready");
        if (gateway.getStartupProbe() != null) {
            assertHttpProbe(gateway.getStartupProbe(), "startup", "/health/live");
        }
        assertThat(port(gateway, "management").getContainerPort()).isEqualTo(DEFAULT_MANAGEMENT_PORT);
    }

    @Test
    void serviceExposesOnlyTheTrafficPortOfTheDeploymentsPods() {
        assertThat(service().getSpec().getPorts()).hasSize(1);
        ServicePort port = service().getSpec().getPorts().get(0);
        assertThat(port.getPort()).isEqualTo(80);
        Object target = port.getTargetPort().getStrVal() != null ? port.getTargetPort().getStrVal()
                : port.getTargetPort().getIntVal();
        assertThat(target).as("targetPort").isIn("http", DEFAULT_TRAFFIC_PORT);
        assertThat(service().getSpec().getSelector()).isEqualTo(deployment().getSpec().getSelector().getMatchLabels());
        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service().getSpec().getSelector());
    }

    @Test
    void routesConfigMapIsMountedWhereTheGatewayAndTheImageReadRoutes() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container gateway = gatewayContainer();
        Volume routes = pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && ROUTES_CONFIG_MAP.equals(v.getConfigMap().getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume of ConfigMap " + ROUTES_CONFIG_MAP));
        assertThat(routesConfigMap().getMetadata().getName()).isEqualTo(ROUTES_CONFIG_MAP);
        VolumeMount mount = mount(gateway, routes.getName());
        assertThat(mount.getSubPath()).as("subPath mounts never see ConfigMap updates").isNull();
        assertThat(mount.getReadOnly()).isTrue();

        String routesPath = mount.getMountPath();
        assertThat(routesPath).isEqualTo("/deployments/routes");
        assertThat(env(gateway, "GATEWAY_ROUTES")).contains(routesPath);
        assertThat(dockerfile.env().get("GATEWAY_ROUTES")).as("Dockerfile ENV GATEWAY_ROUTES").isEqualTo(routesPath);
        String workdir = dockerfile.last("WORKDIR");
        assertThat(workdir).isEqualTo("/deployments");
        assertThat(Path.of(routesPath).getParent()).isEqualTo(Path.of(workdir));
        // the image's own routes sit where the ConfigMap goes, so the image runs the demo without Kubernetes
        assertThat(dockerfile.all("COPY")).anySatisfy(c -> assertThat(c.split("\\s+"))
                .containsExactly("routes/", routesPath + "/"));
        // the jar the image copies is the one the entrypoint runs
        String jar = workdir + "/camel-gateway.jar";
        assertThat(dockerfile.all("COPY")).anySatisfy(c -> assertThat(c).endsWith(" " + jar));
        assertThat(entrypointScript()).contains("${GATEWAY_JAR:-" + jar + "}");
        assertThat(dockerfile.last("ENTRYPOINT")).isEqualTo("[\"" + workdir + "/entrypoint.sh\"]");
    }

    @Test
    void terminationGracePeriodCoversPreStopPauseDrainGraceAndDrainTimeout() {
        Container gateway = gatewayContainer();
        long preStop = preStopPauseSeconds(gateway.getLifecycle() == null ? null : gateway.getLifecycle().getPreStop());
        long grace = env(gateway, "GATEWAY_DRAIN_GRACE_PERIOD").map(Long::parseLong).orElse(DEFAULT_DRAIN_GRACE_MS);
        long timeout = env(gateway, "GATEWAY_DRAIN_TIMEOUT").map(Long::parseLong).orElse(DEFAULT_DRAIN_TIMEOUT_MS);
        assertThat(preStop).as("preStop pause: endpoints removal reaches the load balancers").isPositive();
        assertThat(grace).isGreaterThanOrEqualTo(DEFAULT_DRAIN_GRACE_MS);
        long needed = preStop + TimeUnit.MILLISECONDS.toSeconds(grace) + TimeUnit.MILLISECONDS.toSeconds(timeout);
        assertThat(deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .as("terminationGracePeriodSeconds > preStop %d s + grace %d ms + drain timeout %d ms", preStop,
                        grace, timeout)
                .isGreaterThan(needed);
    }

    @Test
    void atLeastTwoReplicasThatTheDisruptionBudgetAndAutoscalerKeep() {
        Map<String, String> podSelector = deployment().getSpec().getSelector().getMatchLabels();
        assertThat(podSelector).containsEntry(NAME_LABEL, "camel-gateway");
        assertThat(deployment().getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(podSelector);
        int replicas = deployment().getSpec().getReplicas();
        assertThat(replicas).isGreaterThanOrEqualTo(2);

        assertThat(pdb().getSpec().getSelector().getMatchLabels()).isEqualTo(podSelector);
        assertThat(pdb().getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
        assertThat(pdb().getSpec().getMinAvailable().getIntVal()).as("PDB minAvailable")
                .isEqualTo(1).isLessThan(replicas);

        assertThat(hpa().getSpec().getScaleTargetRef().getApiVersion()).isEqualTo(deployment().getApiVersion());
        assertThat(hpa().getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa().getSpec().getScaleTargetRef().getName()).isEqualTo(deployment().getMetadata().getName());
        assertThat(hpa().getSpec().getMinReplicas()).isEqualTo(replicas);
        assertThat(hpa().getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa().getSpec().getMetrics()).singleElement().satisfies((MetricSpec m) -> {
            assertThat(m.getType()).isEqualTo("Resource");
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getType()).isEqualTo("Utilization");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });
        // CPU utilization is a share of the request: without one the autoscaler cannot compute it
        assertThat(gatewayContainer().getResources().getRequests()).containsKey("cpu");
    }

    @Test
    void podRunsAsTheImagesNonRootUserOnAReadOnlyRootFilesystem() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container gateway = gatewayContainer();
        String[] user = dockerfile.last("USER").split(":");
        assertThat(user[0]).as("Dockerfile USER is numeric, so runAsNonRoot can be verified").matches("[1-9][0-9]*");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(user[0]));
        assertThat(gateway.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(gateway.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        Volume tmp = pod.getVolumes().stream().filter(v -> v.getName().equals(mountAt(gateway, "/tmp").getName()))
                .findFirst().orElseThrow();
        assertThat(tmp.getEmptyDir()).as("/tmp is a writable emptyDir").isNotNull();
        assertThat(gateway.getImage()).isEqualTo("camel-gateway:latest");
        assertThat(gateway.getImagePullPolicy()).isEqualTo("IfNotPresent");
    }

    @Test
    void requestBodiesBufferedInTmpCannotOverfillItsVolume() {
        Container gateway = gatewayContainer();
        Volume tmp = deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mountAt(gateway, "/tmp").getName())).findFirst().orElseThrow();
        assertThat(tmp.getEmptyDir().getSizeLimit()).as("/tmp emptyDir sizeLimit").isNotNull();
        long volume = Quantity.getAmountInBytes(tmp.getEmptyDir().getSizeLimit()).longValueExact();
        long spool = env(gateway, "GATEWAY_BODY_SPOOL_LIMIT").map(Long::parseLong).orElse(DEFAULT_BODY_SPOOL_LIMIT);
        // the kubelet evicts a pod whose emptyDir passes its sizeLimit; the JVM's and Netty's own files need room
        assertThat(spool).as("gateway.body-spool-limit").isLessThanOrEqualTo(volume - 64L * 1024 * 1024);
    }

    @Test
    void buildContextFilterSendsEverythingTheDockerfileCopies() throws IOException {
        List<String> rules = Files.readAllLines(DOCKERIGNORE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> sources = dockerfile.inAnyStage("COPY").stream().filter(c -> !c.startsWith("--from"))
                .map(c -> c.split("\\s+")[0].replaceAll("/+$", "")).toList();
        assertThat(sources).contains("pom.xml", "src", "routes", "docker/entrypoint.sh");
        for (String source : sources) {
            int included = rules.lastIndexOf("!" + source);
            assertThat(included).as("%s re-includes %s", DOCKERIGNORE, source).isNotNegative();
            assertThat(rules.subList(included + 1, rules.size())).as("rules after !%s", source)
                    .noneMatch(r -> r.equals(source) || r.equals("*"));
        }
    }

    @Test
    void configMapHoldsTheRoutesFolderByteForByte() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
                expected.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        assertThat(expected).containsKey("gateway.camel.yaml");
        assertThat(new TreeMap<>(routesConfigMap().getData()))
                .as("ConfigMap %s in docker/k8s/configmap-routes.yaml equals routes/*.yaml; "
                        + "regenerate it with docker/routes-configmap.sh", ROUTES_CONFIG_MAP)
                .isEqualTo(expected);
        assertThat(routesConfigMap().getBinaryData()).isNullOrEmpty();
    }

    @Test
    void configMapRoutesPassTheJarsValidate() throws Exception {
        Path routes = writeConfigMapFiles(dir.resolve("routes"));
        assertValidateAcceptsRoutes(routes);
    }

    @Test
    void imageEntrypointRunsTheGatewayOnAKubeletStyleConfigMapMount() throws Exception {
        Path mount = kubeletStyleMount(dir.resolve("routes"));
        int port = freePort();
        Map<String, String> env = containerEnv();
        env.put("GATEWAY_ROUTES", mount.toString());
        env.put("GATEWAY_PORT", Integer.toString(port));
        env.put("GATEWAY_MANAGEMENT_PORT", Integer.toString(freePort()));
        Process gateway = startEntrypoint(env);
        try {
            awaitListening(gateway, port);
            // exec: the JVM itself is the process the container runtime signals, not a shell around it
            assertThat(gateway.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/no-such-route"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            // the gateway route from the ConfigMap answers: the listener is up and nothing matched
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.headers().firstValue("content-type"))
                    .hasValueSatisfying(c -> assertThat(c).startsWith("application/problem+json"));
            // the image's JAVA_OPTS keep Java 25 from warning about Netty's use of sun.misc.Unsafe on every start
            assertThat(Files.readString(dir.resolve("gateway.log"))).doesNotContain("sun.misc.Unsafe");
        } finally {
            stop(gateway);
        }
    }

    @Test
    void remoteJmxShowsRouteCountersAndAPoolsState() throws Exception {
        int port = freePort();
        int jmxPort = freePort();
        Map<String, String> env = containerEnv();
        env.put("GATEWAY_ROUTES", ROUTES.toAbsolutePath().toString());
        env.put("GATEWAY_PORT", Integer.toString(port));
        env.put("GATEWAY_MANAGEMENT_PORT", Integer.toString(freePort()));
        env.put("JMX_PORT", Integer.toString(jmxPort));
        Process gateway = startEntrypoint(env);
        try {
            awaitListening(gateway, port);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
            try (JMXConnector jmx = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
                // camel.main.name = gateway in application.properties
                assertThat(mbeans.queryNames(new ObjectName("org.apache.camel:context=gateway,type=context,*"),
                        null)).isNotEmpty();
                // a request through svc-app1 (its demo backend is not running here: 502) shows in its counters
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/app1/x")).build(), HttpResponse.BodyHandlers.discarding());
                ObjectName app1 = new ObjectName("org.apache.camel:context=gateway,type=routes,name=\"svc-app1\"");
                assertThat((Long) mbeans.getAttribute(app1, "ExchangesTotal")).isEqualTo(1L);
                ObjectName checkout = new ObjectName("org.apache.camel:context=gateway,type=pools,name=\"checkout\"");
                assertThat((String[]) mbeans.getAttribute(checkout, "Members"))
                        .containsExactly("checkout-primary", "checkout-standby");
                assertThat((int[]) mbeans.getAttribute(checkout, "Weights")).containsExactly(1, 0);
                assertThat((String[]) mbeans.getAttribute(checkout, "Health")).containsExactly("up", "up");
            }
        } finally {
            stop(gateway);
        }
    }

    // --- --validate ---------------------------------------------------------------------------------------

    /** Runs {@code java -jar target/camel-gateway.jar --validate DIR} and expects exit code 0. */
    void assertValidateAcceptsRoutes(Path routes) throws Exception {
        Path out = dir.resolve("validate.log");
        Process p = new ProcessBuilder(java().toString(), "-jar", JAR.toString(), "--validate", routes.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("--validate finished").isTrue();
        assertThat(p.exitValue()).as("--validate %s exit code; output:%n%s", routes, Files.readString(out))
                .isZero();
    }

    // --- the ConfigMap as files ----------------------------------------------------------------------------

    Path writeConfigMapFiles(Path target) throws IOException {
        Files.createDirectories(target);
        for (Map.Entry<String, String> e : routesConfigMap().getData().entrySet()) {
            Files.writeString(target.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        return target;
    }

    /**
     * The layout the kubelet gives a ConfigMap volume: the files in a timestamped folder, {@code ..data} a
     * symlink to it, and each key a symlink through {@code ..data}, so updates swap one link atomically.
     */
    Path kubeletStyleMount(Path mount) throws IOException {
        Path version = writeConfigMapFiles(mount.resolve("..2026_01_01_00_00_00.000000001"));
        Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
        for (String key : routesConfigMap().getData().keySet()) {
            Files.createSymbolicLink(mount.resolve(key), Path.of("..data", key));
        }
        return mount;
    }

    // --- running docker/entrypoint.sh --------------------------------------------------------------------

    /** The environment the image gives the entrypoint, with the jar and a loopback listener for this machine. */
    Map<String, String> containerEnv() {
        Map<String, String> env = new HashMap<>(dockerfile.env());
        env.put("GATEWAY_JAR", JAR.toAbsolutePath().toString());
        env.put("JAVA_OPTS_APPEND", "-Dgateway.host=127.0.0.1");
        // no grace period in tests: stop at once
        env.put("GATEWAY_DRAIN_GRACE_PERIOD", "0");
        env.put("PATH", java().getParent() + ":" + System.getenv("PATH"));
        return env;
    }

    Process startEntrypoint(Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", ENTRYPOINT.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("JAVA_OPTS")
                || k.startsWith("JMX_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    static Path java() {
        return Files.isExecutable(JAVA_25) ? JAVA_25
                : Path.of(ProcessHandle.current().info().command().orElseThrow());
    }

    void awaitListening(Process gateway, int port) throws IOException {
        try {
            await("gateway listening on " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .until(() -> {
                        assertThat(gateway.isAlive()).as("gateway alive; log:%n%s", log()).isTrue();
                        try (Socket s = new Socket("127.0.0.1", port)) {
                            return true;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            fail("gateway did not listen on %d within 60 s; log:%n%s", port, log());
        }
    }

    String log() throws IOException {
        Path log = dir.resolve("gateway.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGTERM, as on a pod's stop; children too, so a broken entrypoint (no exec) leaves no JVM behind. */
    static void stop(Process gateway) throws InterruptedException {
        List<ProcessHandle> children = gateway.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        gateway.destroy();
        if (!gateway.waitFor(60, TimeUnit.SECONDS)) {
            gateway.destroyForcibly().waitFor();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String entrypointScript() {
        try {
            return Files.readString(ENTRYPOINT);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // --- reading the manifests ---------------------------------------------------------------------------

    static List<HasMetadata> documents(Object parsed) {
        if (parsed instanceof KubernetesList list) {
            return list.getItems();
        }
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return parsed == null ? List.of() : List.of((HasMetadata) parsed);
    }

    static <T extends HasMetadata> T only(Class<T> kind) {
        List<T> found = manifests.values().stream().flatMap(List::stream).filter(kind::isInstance).map(kind::cast)
                .toList();
        assertThat(found).as("one %s in %s", kind.getSimpleName(), K8S).hasSize(1);
        return found.get(0);
    }

    static Deployment deployment() {
        return only(Deployment.class);
    }

    static Service service() {
        return only(Service.class);
    }

    static ConfigMap routesConfigMap() {
        return only(ConfigMap.class);
    }

    static PodDisruptionBudget pdb() {
        return only(PodDisruptionBudget.class);
    }

    static HorizontalPodAutoscaler hpa() {
        return only(HorizontalPodAutoscaler.class);
    }

    static Container gatewayContainer() {
        List<Container> containers = deployment().getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    static ContainerPort port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
    }

    static Optional<String> env(Container c, String name) {
        return Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().filter(e -> name.equals(e.getName()))
                .map(EnvVar::getValue).findFirst();
    }

    static VolumeMount mount(Container c, String volume) {
        return c.getVolumeMounts().stream().filter(m -> volume.equals(m.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("volume " + volume + " is not mounted"));
    }

    static VolumeMount mountAt(Container c, String path) {
        return c.getVolumeMounts().stream().filter(m -> path.equals(m.getMountPath())).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
    }

    static void assertHttpProbe(Probe probe, String what, String path) {
        assertThat(probe).as("%s probe", what).isNotNull();
        assertThat(probe.getHttpGet()).as("%s probe is httpGet", what).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as("%s probe path", what).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as("%s probe port (by name)", what)
                .isEqualTo("management");
    }

    /** Seconds the preStop hook holds the container before SIGTERM: {@code exec sleep N} or {@code sleep}. */
    static long preStopPauseSeconds(LifecycleHandler preStop) {
        assertThat(preStop).as("preStop hook").isNotNull();
        if (preStop.getSleep() != null) {
            return preStop.getSleep().getSeconds();
        }
        assertThat(preStop.getExec()).as("preStop is exec sleep N or sleep").isNotNull();
        List<String> command = preStop.getExec().getCommand();
        assertThat(command).as("preStop exec").hasSize(2).first().isIn("sleep", "/bin/sleep");
        return Long.parseLong(command.get(1));
    }

    /**
     * Paths of fields the model did not know: fabric8 keeps them in {@code additionalProperties} instead of
     * failing, so a misspelt field would otherwise pass unnoticed.
     */
    static List<String> unknownFields(Object node, String path) {
        List<String> unknown = new ArrayList<>();
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknown.addAll(unknownFields(item, path + "[" + i++ + "]"));
            }
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknown.addAll(unknownFields(v, path + "." + k)));
        } else if (node != null && node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            for (Method getter : node.getClass().getMethods()) {
                if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                        || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                    continue;
                }
                Object value;
                try {
                    value = getter.invoke(node);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                if (field.equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                } else {
                    unknown.addAll(unknownFields(value, path + "." + field));
                }
            }
        }
        return unknown;
    }

    /** The instructions of a Dockerfile that the manifests must agree with. */
    record Dockerfile(List<Map.Entry<String, String>> instructions) {

        static Dockerfile parse(String text) {
            List<Map.Entry<String, String>> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text.split("\n")) {
                String stripped = line.strip();
                if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (stripped.endsWith("\\")) {
                    current.append(stripped, 0, stripped.length() - 1).append(' ');
                    continue;
                }
                current.append(stripped);
                String instruction = current.toString().strip();
                current.setLength(0);
                if (!instruction.isEmpty()) {
                    String[] parts = instruction.split("\\s+", 2);
                    instructions.add(Map.entry(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
                }
            }
            return new Dockerfile(instructions);
        }

        /** Arguments of every instruction of this name in the last stage, the image that runs. */
        List<String> all(String name) {
            int lastFrom = 0;
            for (int i = 0; i < instructions.size(); i++) {
                if (instructions.get(i).getKey().equals("FROM")) {
                    lastFrom = i;
                }
            }
            return instructions.subList(lastFrom, instructions.size()).stream()
                    .filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).collect(Collectors.toList());
        }

        /** Arguments of every instruction of this name, in any stage. */
        List<String> inAnyStage(String name) {
            return instructions.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
        }

        String last(String name) {
            List<String> all = all(name);
            assertThat(all).as("Dockerfile %s in the runtime stage", name).isNotEmpty();
            return all.get(all.size() - 1);
        }

        /** ENV of the runtime stage: KEY=value pairs, values optionally in double quotes. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String args : all("ENV")) {
                int i = 0;
                while (i < args.length()) {
                    while (i < args.length() && Character.isWhitespace(args.charAt(i))) {
                        i++;
                    }
                    int eq = args.indexOf('=', i);
                    if (i >= args.length() || eq < 0) {
                        break;
                    }
                    String key = args.substring(i, eq);
                    StringBuilder value = new StringBuilder();
                    i = eq + 1;
                    boolean quoted = false;
                    for (; i < args.length(); i++) {
                        char ch = args.charAt(i);
                        if (ch == '"') {
                            quoted = !quoted;
                        } else if (!quoted && Character.isWhitespace(ch)) {
                            break;
                        } else {
                            value.append(ch);
                        }
                    }
                    env.put(key, value.toString());
                }
            }
            return env;
        }
    }
}
