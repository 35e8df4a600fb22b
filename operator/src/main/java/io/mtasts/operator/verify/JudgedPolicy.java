package io.mtasts.operator.verify;

import io.mtasts.operator.policy.Policy;

/**
 * The policy the mode, mx and TLS-RPT checks judge: the desired one when the caller gave it (that
 * is what the caller can change), else the one fetched.
 *
 * @param policy the policy
 * @param source "the desired policy" or "the served policy", for messages
 */
record JudgedPolicy(Policy policy, String source) {

  static JudgedPolicy desired(Policy policy) {
    return new JudgedPolicy(policy, "the desired policy");
  }

  static JudgedPolicy served(Policy policy) {
    return new JudgedPolicy(policy, "the served policy");
  }
}
