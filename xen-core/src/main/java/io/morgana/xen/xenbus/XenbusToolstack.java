package io.morgana.xen.xenbus;

import io.morgana.xen.store.Permission;
import io.morgana.xen.store.Permission.Access;
import io.morgana.xen.store.BlockingXenStore;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStorePaths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The toolstack's part of a device (what libxl does before the guest boots), for simulated
 * setups: creates the frontend directory {@code /local/domain/<fe>/device/<type>/<id>} (owned by
 * the frontend, readable by the backend) with {@code backend}, {@code backend-id} and {@code
 * state = 1}, and the backend directory {@code /local/domain/<be>/backend/<type>/<fe>/<id>}
 * (owned by the backend, readable by the frontend) with {@code frontend}, {@code frontend-id},
 * {@code online = 1} and {@code state = 1}. Needs a dom0 connection.
 */
public final class XenbusToolstack {

  private XenbusToolstack() {}

  /** {@code /local/domain/<frontDomid>/device/<type>/<devid>}. */
  public static String frontendPath(int frontDomid, String type, int devid) {
    return XenStorePaths.domainPath(frontDomid) + "/device/" + type + "/" + devid;
  }

  /** {@code /local/domain/<backDomid>/backend/<type>/<frontDomid>/<devid>}. */
  public static String backendPath(int backDomid, String type, int frontDomid, int devid) {
    return XenStorePaths.domainPath(backDomid) + "/backend/" + type + "/" + frontDomid + "/" + devid;
  }

  /**
   * Creates both directories in one transaction, asynchronously (on the loop of {@code dom0});
   * the stage gives the frontend path.
   */
  public static CompletionStage<String> createDevice(XenStore dom0, int frontDomid, int backDomid, String type, int devid) {
    String fe = frontendPath(frontDomid, type, devid);
    String be = backendPath(backDomid, type, frontDomid, devid);
    List<Permission> fePerms = List.of(new Permission(frontDomid, Access.NONE), new Permission(backDomid, Access.READ));
    List<Permission> bePerms = List.of(new Permission(backDomid, Access.NONE), new Permission(frontDomid, Access.READ));
    return dom0.<Void>transaction(tx -> {
      List<Supplier<CompletionStage<Void>>> steps = new ArrayList<>();
      steps.add(() -> tx.mkdir(fe));
      steps.add(() -> tx.setPerms(fe, fePerms));
      steps.add(() -> tx.write(fe + "/backend", be));
      steps.add(() -> tx.write(fe + "/backend-id", Integer.toString(backDomid)));
      steps.add(() -> tx.write(fe + "/state", XenbusState.INITIALISING.wire()));
      steps.add(() -> tx.mkdir(be));
      steps.add(() -> tx.setPerms(be, bePerms));
      steps.add(() -> tx.write(be + "/frontend", fe));
      steps.add(() -> tx.write(be + "/frontend-id", Integer.toString(frontDomid)));
      steps.add(() -> tx.write(be + "/online", "1"));
      steps.add(() -> tx.write(be + "/state", XenbusState.INITIALISING.wire()));
      for (String key : List.of("backend", "backend-id", "state")) {
        steps.add(() -> tx.setPerms(fe + "/" + key, fePerms));
      }
      for (String key : List.of("frontend", "frontend-id", "online", "state")) {
        steps.add(() -> tx.setPerms(be + "/" + key, bePerms));
      }
      CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
      for (Supplier<CompletionStage<Void>> step : steps) {
        chain = chain.thenCompose(x -> step.get());
      }
      return chain;
    }).thenApply(x -> fe);
  }

  /** {@link #createDevice(XenStore, int, int, String, int)} from an application thread (a tool, a test). */
  public static String createDevice(BlockingXenStore dom0, int frontDomid, int backDomid, String type, int devid) {
    return dom0.call("XenbusToolstack.createDevice", () -> createDevice(dom0.async(), frontDomid, backDomid, type, devid));
  }
}
