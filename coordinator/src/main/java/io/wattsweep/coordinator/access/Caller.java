package io.wattsweep.coordinator.access;

/**
 * Who sent a request, as their token says.
 *
 * @param identity the token's name in the tokens file: a sweep's submitter, an alias's mover
 * @param role what the token may do
 */
public record Caller(String identity, Role role) {}
