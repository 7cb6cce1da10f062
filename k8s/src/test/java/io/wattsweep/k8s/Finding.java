package io.wattsweep.k8s;

/**
 * One mistake in a rendered overlay: where (overlay, resource as Kind/name, field path) and why.
 */
record Finding(String overlay, String resource, String field, String message) {
  @Override
  public String toString() {
    return "overlay " + overlay + ": " + resource + " " + field + ": " + message;
  }
}
