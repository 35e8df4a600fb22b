package io.mtasts.operator.runtime;

/**
 * Keeps the JDK HTTP client under the Kubernetes client from starting a thread for every API
 * response on machines with two CPUs or fewer, such as a pod with a small CPU limit. The client
 * hands each response to CompletableFuture's default executor, which is the common ForkJoinPool
 * only when that pool's parallelism is at least two, and otherwise a new thread per task.
 */
public final class CommonPoolParallelism {

  static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPoolParallelism() {}

  /**
   * Gives the common pool two threads where it would have one, unless the property is set.
   * Effective only before the first use of CompletableFuture or the common pool: call it first
   * thing in {@code main}.
   */
  public static void atLeastTwo() {
    if (System.getProperty(PROPERTY) == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(PROPERTY, "2");
    }
  }
}
