package io.morgana.examples.website;

import io.morgana.examples.website.xen.DaggerXenKernel;
import io.morgana.runtime.KernelFactory;

/**
 * The interop suite against the Xen target ({@code XenKernel}): netfront and blkfront on the
 * simulated hypervisor, dom0's netback bridged to the TAP device of the test namespace and its
 * blkback serving the image — every frame and sector through Xen rings.
 */
class XenWebsiteInteropTest extends TapWebsiteInteropTest {

  @Override
  protected KernelFactory<?> factory() {
    return DaggerXenKernel.factory()::create;
  }
}
