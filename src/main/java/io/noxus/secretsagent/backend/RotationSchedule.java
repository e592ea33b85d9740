package io.noxus.secretsagent.backend;

import java.time.Instant;
import java.util.Optional;

/**
 * What a backend says about its own rotation of a secret (AWS Secrets Manager's DescribeSecret: RotationEnabled,
 * LastRotatedDate, NextRotationDate). Asked only by a report ({@code check --rotation}), never by a render.
 */
public record RotationSchedule(boolean enabled, Optional<Instant> lastRotated, Optional<Instant> nextRotation) {
}
