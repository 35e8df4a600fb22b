/**
 * Small real protocol servers (DNS, HTTPS, SMTP) and a certificate authority that run in-process on
 * 127.0.0.1, so the verifier can be exercised end to end without the network: by its tests, by the
 * {@code demo} command and by the benchmarks. With them, the in-process Kubernetes API server and
 * the stand-in for the Deployment controller that the operator's tests, the demo and the
 * benchmarks share. None of it is in the operator's jar or image.
 *
 * <p>Every server binds an ephemeral port on 127.0.0.1 only, runs on daemon threads, and stops them
 * on {@code close()}. Each can be told to misbehave in the ways real deployments do.
 */
package io.mtasts.operator.localserver;
