package io.morgana.xen.xenbus;

import io.morgana.xen.store.Permission;
import io.morgana.xen.store.Permission.Access;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStorePaths;
import java.util.List;

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

  /** Creates both directories in one transaction; returns the frontend path. */
  public static String createDevice(XenStore dom0, int frontDomid, int backDomid, String type, int devid) {
    String fe = frontendPath(frontDomid, type, devid);
    String be = backendPath(backDomid, type, frontDomid, devid);
    List<Permission> fePerms = List.of(new Permission(frontDomid, Access.NONE), new Permission(backDomid, Access.READ));
    List<Permission> bePerms = List.of(new Permission(backDomid, Access.NONE), new Permission(frontDomid, Access.READ));
    dom0.transaction(tx -> {
      tx.mkdir(fe);
      tx.setPerms(fe, fePerms);
      tx.write(fe + "/backend", be);
      tx.write(fe + "/backend-id", Integer.toString(backDomid));
      tx.write(fe + "/state", XenbusState.INITIALISING.wire());
      tx.mkdir(be);
      tx.setPerms(be, bePerms);
      tx.write(be + "/frontend", fe);
      tx.write(be + "/frontend-id", Integer.toString(frontDomid));
      tx.write(be + "/online", "1");
      tx.write(be + "/state", XenbusState.INITIALISING.wire());
      for (String key : List.of("backend", "backend-id", "state")) {
        tx.setPerms(fe + "/" + key, fePerms);
      }
      for (String key : List.of("frontend", "frontend-id", "online", "state")) {
        tx.setPerms(be + "/" + key, bePerms);
      }
      return null;
    });
    return fe;
  }
}
