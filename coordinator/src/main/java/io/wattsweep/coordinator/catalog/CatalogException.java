package io.wattsweep.coordinator.catalog;

/** A catalog operation failed; nothing of it was written. */
public final class CatalogException extends RuntimeException {
  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
