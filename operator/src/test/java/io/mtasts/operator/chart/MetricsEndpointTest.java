package io.mtasts.operator.chart;

import static io.mtasts.operator.chart.OperatorChart.NAMESPACE;
import static io.mtasts.operator.chart.OperatorChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

/** Prometheus reaches the operator's /metrics through the chart's Service and ServiceMonitor. */
class MetricsEndpointTest {

  @Test
  void theMetricsServiceSendsToTheOperatorPodsHttpPort() {
    RenderedChart chart = render();

    Service service = chart.one(Service.class);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(service.getSpec().getPorts()).hasSize(1);
    assertThat(port.getPort()).isEqualTo(8080);
    assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
    assertThat(OperatorDeploymentTest.operatorContainer(chart).getPorts())
        .anySatisfy(containerPort -> assertThat(containerPort.getName()).isEqualTo("http"));
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void theServicePortAndTheContainerPortAreIndependent() {
    RenderedChart chart = render(OperatorChart.everyKnobValues());

    ServicePort port = chart.one(Service.class).getSpec().getPorts().get(0);
    assertThat(port.getPort()).isEqualTo(9091);
    assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
    assertThat(OperatorDeploymentTest.operatorContainer(chart).getPorts().get(0).getContainerPort()).isEqualTo(9090);
  }

  @Test
  void theServiceCanBeLeftOut() {
    assertThat(render("metrics.service.enabled=false").all(Service.class)).isEmpty();
  }

  @Test
  void noServiceMonitorUnlessAskedFor() {
    assertThat(render().all(ServiceMonitor.class)).isEmpty();
  }

  @Test
  void theServiceMonitorScrapesMetricsFromTheMetricsService() {
    RenderedChart chart = render(OperatorChart.everyKnobValues());

    ServiceMonitor monitor = chart.one(ServiceMonitor.class);
    Service service = chart.one(Service.class);
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
    assertThat(monitor.getSpec().getNamespaceSelector().getMatchNames()).containsExactly(NAMESPACE);
    Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
    assertThat(monitor.getSpec().getEndpoints()).hasSize(1);
    assertThat(endpoint.getPort()).isEqualTo(service.getSpec().getPorts().get(0).getName());
    assertThat(endpoint.getPath()).isEqualTo("/metrics");
    assertThat(endpoint.getInterval()).isEqualTo("15s");
    assertThat(endpoint.getScrapeTimeout()).isEqualTo("5s");
  }

  @Test
  void aServiceMonitorWithoutTheServiceIsRefused() {
    assertThat(OperatorChart.renderingError("metrics.serviceMonitor.enabled=true", "metrics.service.enabled=false"))
        .contains("metrics.serviceMonitor.enabled=true needs metrics.service.enabled=true");
  }
}
