package io.mtasts.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar that the image and {@code run} use, as packaged: it carries the operator and its
 * run-time libraries, and nothing that only tests, the demo or the benchmarks need (the in-process
 * servers, the test CA, the mock API server and what it brings). Jib builds the image from the
 * same run-time dependencies, so a library that shows up here would ship to every cluster.
 */
class ProductionJarIT {

  /** Entry prefixes of test infrastructure, each with what it is. */
  private static final List<List<String>> FORBIDDEN = List.of(
      List.of("io/mtasts/operator/localserver/", "the in-process servers and test CA"),
      List.of("io/mtasts/operator/cli/DemoCommand", "the demo command"),
      List.of("io/fabric8/kubernetes/client/server/mock/", "Fabric8's mock API server"),
      List.of("io/fabric8/mockwebserver/", "Fabric8's mock web server"),
      List.of("okhttp3/mockwebserver/", "OkHttp's mock web server"),
      List.of("io/vertx/", "Vert.x"),
      // Netty's HTTP/1.1 server codec is the policy server's (serve); the modules only Vert.x
      // uses stay out
      List.of("io/netty/handler/codec/http2/", "Netty's HTTP/2 codec (Vert.x's)"),
      List.of("io/netty/resolver/dns/", "Netty's DNS resolver (Vert.x's)"),
      List.of("io/netty/handler/proxy/", "Netty's proxy handlers (Vert.x's)"),
      List.of("io/netty/handler/codec/socks/", "Netty's SOCKS codec (Vert.x's)"),
      List.of("org/bouncycastle/", "BouncyCastle"));

  private static Path jar;
  private static List<String> entries;

  @BeforeAll
  static void openTheJar() throws IOException {
    String property = System.getProperty("mtasts.productionJar");
    assertThat(property).as("system property mtasts.productionJar (set by operator/pom.xml)")
        .isNotBlank();
    jar = Path.of(property);
    assertThat(jar).as("the packaged operator jar").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void holdsTheOperatorAndItsRuntimeLibraries() {
    assertThat(entries).contains(
        "io/mtasts/operator/cli/Main.class",
        "io/mtasts/operator/runtime/OperatorRuntime.class",
        "io/fabric8/kubernetes/client/KubernetesClient.class",
        "io/fabric8/kubernetes/client/jdkhttp/JdkHttpClientFactory.class",
        "org/xbill/DNS/Message.class",
        "io/mtasts/operator/serve/PolicyHttpServer.class",
        "io/netty/handler/codec/http/HttpServerCodec.class",
        "META-INF/fabric8/mtastspolicies.mtasts.io-v1.yml");
  }

  @Test
  void holdsNoTestInfrastructure() {
    for (List<String> forbidden : FORBIDDEN) {
      assertThat(entries.stream().filter(e -> e.startsWith(forbidden.get(0))).limit(3))
          .as("%s (%s*) in %s", forbidden.get(1), forbidden.get(0), jar)
          .isEmpty();
    }
  }

  @Test
  void helpListsTheOperatorsCommandsAndNotTheDemo() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--help")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("java -jar --help finished").isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    List<String> commands = output.lines()
        .dropWhile(line -> !line.equals("Commands:"))
        .skip(1)
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .map(line -> line.split("\\s+")[0])
        .toList();
    assertThat(commands).as(output).contains("run", "serve", "check", "lint", "render")
        .doesNotContain("demo");
  }

  /** Shading merges the mail library's service files; a report mail read proves they survived. */
  @Test
  void readsAReportMail(@TempDir Path dir) throws Exception {
    Path mail = dir.resolve("report.eml");
    try (InputStream in = ProductionJarIT.class.getResourceAsStream("/tlsrpt/report-gzip.eml")) {
      Files.copy(in, mail);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "report",
        "--json", mail.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("java -jar report finished").isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("\"reportId\":\"5065427c-23d3-47ca-b6e0-946ea0e8c4be\"",
        "\"failed\":303");
  }
}
