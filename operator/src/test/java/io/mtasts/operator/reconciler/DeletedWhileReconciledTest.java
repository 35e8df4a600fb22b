package io.mtasts.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mtasts.operator.api.v1alpha1.MtaStsPolicy;
import io.mtasts.operator.testing.Policies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Given a policy deleted while a reconcile of it runs (its cached copy lags the API server),
 * when that reconcile writes status and finds the policy gone, then it ends quietly: no warning
 * with a stack trace, no error status write, no retry.
 */
class DeletedWhileReconciledTest {

  private static final String NAME = "example";
  private static final String CHILD = "mta-sts-example";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level reconcilerLevel;
  private OperatorHarness cluster;

  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(context);
    logs.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
    Logger reconciler = context.getLogger(MtaStsPolicyReconciler.class);
    reconcilerLevel = reconciler.getLevel();
    reconciler.setLevel(Level.DEBUG);
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
    context.getLogger(MtaStsPolicyReconciler.class).setLevel(reconcilerLevel);
  }

  @Test
  void aStatusWriteThatFindsThePolicyDeletedEndsTheReconcileQuietly() throws Exception {
    cluster = new OperatorHarness().start();
    cluster.dns.addMx("example.com", 10, "mail.example.com");
    cluster.create(Policies.basic(NAME, "example.com"));
    cluster.awaitChild(Deployment.class, CHILD, x -> true);
    // the reconcile that finds the policy served is about to advertise its id when the user
    // deletes it; nothing was advertised yet, so no finalizer holds it
    cluster.probe.beforeNextFetch(() -> cluster.client.resources(MtaStsPolicy.class)
        .inNamespace(OperatorHarness.NAMESPACE).withName(NAME).delete());
    cluster.completeRollout(CHILD);

    await().atMost(OperatorHarness.TIMEOUT).until(() -> cluster.get(NAME) == null
        && messages(Level.DEBUG).stream().anyMatch(m -> m.contains(
            NAME + " was deleted while it was reconciled (HTTP 404)")));
    // what the framework logs of a failed reconcile, and a retry's error status, come after
    Thread.sleep(2000);
    assertThat(logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(e -> e.getThrowableProxy() != null
            || e.getFormattedMessage().contains(OperatorHarness.NAMESPACE + "/" + NAME)
            || e.getFormattedMessage().contains("name='" + NAME + "'"))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList())
        .as("warnings and errors after the policy was deleted mid-reconcile")
        .isEmpty();
  }

  private List<String> messages(Level level) {
    return logs.list.stream().filter(e -> e.getLevel().equals(level))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
