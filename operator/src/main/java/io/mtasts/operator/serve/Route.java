package io.mtasts.operator.serve;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The answer for one path; further paths (such as a report receiver) are further routes. */
public interface Route {

  /** The methods the path accepts; others get 405 with an Allow header. */
  Set<String> methods();

  Reply answer(Request request);

  /**
   * The answer, once it is known: a route whose answer waits for something (a report being
   * stored) completes it later, and the server answers other connections meanwhile.
   */
  default CompletionStage<Reply> respond(Request request) {
    return CompletableFuture.completedFuture(answer(request));
  }
}
