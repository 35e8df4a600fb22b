package io.mtasts.operator.serve;

import java.util.Set;

/** The answer for one path; further paths (such as a report receiver) are further routes. */
public interface Route {

  /** The methods the path accepts; others get 405 with an Allow header. */
  Set<String> methods();

  Reply answer(Request request);
}
