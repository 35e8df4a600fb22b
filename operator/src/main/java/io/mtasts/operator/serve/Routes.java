package io.mtasts.operator.serve;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Picks the route of a request's path: 404 for an unknown path, 405 for a method it lacks. */
public final class Routes {

  private final Map<String, Route> byPath;

  public Routes(Map<String, Route> byPath) {
    this.byPath = Map.copyOf(byPath);
  }

  public Reply answer(Request request) {
    return respond(request).toCompletableFuture().join();
  }

  /** The answer of the request's route, completed when that route has it. */
  public CompletionStage<Reply> respond(Request request) {
    Route route = byPath.get(request.path());
    if (route == null) {
      return CompletableFuture.completedFuture(Reply.text(404, "not found"));
    }
    if (!route.methods().contains(request.method())) {
      Set<String> allowed = new TreeSet<>(route.methods());
      Reply refused = Reply.text(405, "method " + request.method() + " is not allowed here; "
          + String.join(", ", allowed) + " are");
      return CompletableFuture.completedFuture(new Reply(refused.status(),
          refused.contentType(), refused.body(), Map.of("Allow", String.join(", ", allowed))));
    }
    return route.respond(request);
  }
}
