/** The base every layer uses: secret values that cannot be printed, references, and the agent's error type. */
package io.noxus.secretsagent.secret;
