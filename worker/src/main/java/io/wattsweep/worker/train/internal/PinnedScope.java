package io.wattsweep.worker.train.internal;

import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Scope;

/**
 * A scope that places every op it builds on one device. The native scope TensorFlow Java hands to
 * custom gradients drops {@code withDevice} when building ops, so this sets the device on each
 * builder itself.
 */
final class PinnedScope implements Scope {

  private final Scope delegate;
  private final String device;

  PinnedScope(Scope delegate, DeviceSpec device) {
    this(delegate, device.toString());
  }

  private PinnedScope(Scope delegate, String device) {
    this.delegate = delegate;
    this.device = device;
  }

  @Override
  public ExecutionEnvironment env() {
    return delegate.env();
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    return new PinnedScope(delegate.withSubScope(childScopeName), device);
  }

  @Override
  public Scope withName(String opName) {
    return new PinnedScope(delegate.withName(opName), device);
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    return new PinnedScope(delegate.withNameAsSubScope(defaultName), device);
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return new PinnedScope(delegate, newDevice);
  }

  @Override
  public Scope withInitScope() {
    return delegate.withInitScope();
  }

  @Override
  public String makeOpName(String defaultName) {
    return delegate.makeOpName(defaultName);
  }

  @Override
  public String makeUnique(String id) {
    return delegate.makeUnique(id);
  }

  @Override
  public void refreshNames() {
    delegate.refreshNames();
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    return new PinnedScope(delegate.withControlDependencyOps(controls), device);
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    return delegate.apply(builder).setDevice(device);
  }

  @Override
  public String getDeviceString() {
    return device;
  }

  @Override
  public boolean isInit() {
    return delegate.isInit();
  }
}
