package io.morgana.xen.xenbus;

import static io.morgana.xen.xenbus.Handshake.DONE;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.xen.store.Watch;
import io.morgana.xen.store.XenStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The frontend half of the xenbus handshake (Xen {@code io/xenbus.h}; Linux {@code
 * xen-blkfront.c blkback_changed}, {@code xen-netfront.c netback_changed}) for the device at
 * {@code /local/domain/<fe>/device/<type>/<id>}: a state machine confined to the kernel loop,
 * driven by the watch on {@code <backend>/state}. Each event re-reads the backend's state (events
 * coalesce) and moves:
 *
 * <ul>
 *   <li>backend InitWait (or Initialised/Connected seen first) while we are Initialising, or
 *       Closed after a previous connection: {@link FrontendDriver#initialise}, then one
 *       transaction with {@link FrontendDriver#publish} and {@code state = Connected} — straight
 *       to Connected, as Linux's {@code xen-netfront.c} ({@code netback_changed}: {@code
 *       xennet_connect}, then {@code xenbus_switch_state(dev, XenbusStateConnected)}) and
 *       mirage-net-xen do. Linux netback ignores a frontend in Initialised ({@code
 *       frontend_changed}: {@code case XenbusStateInitialised: break;}) and connects only at
 *       Connected; blkback accepts either, so one rule serves every device;
 *   <li>backend Connected once we published: {@link FrontendDriver#connect} (read the backend's
 *       keys: {@code mac}, {@code sectors}...), once per connection;
 *   <li>backend Closing, Closed, or gone (Unknown) after we started connecting: {@link
 *       FrontendDriver#disconnect}, {@code state = Closed}; when the backend later returns to
 *       InitWait we initialise again.
 * </ul>
 *
 * Every XenStore step is asynchronous: the loop runs rings, timers and other devices while a
 * request is outstanding, and the steps of one device run one after the other. A malformed
 * backend state, or one that makes no sense from where we are, is reported to {@link
 * FrontendDriver#onError} and otherwise ignored. {@link #start}, {@link #close} and {@link
 * #detach} may be called from any thread: they hand their work to the loop.
 */
public final class XenbusFrontend implements AutoCloseable {

  private final XenStore store;
  private final LoopBridge bridge;
  private final String path;
  private final FrontendDriver driver;
  private final Handshake steps;
  private volatile XenbusState state = XenbusState.UNKNOWN;
  private volatile XenbusState backendState = XenbusState.UNKNOWN;
  private volatile String backendPath;
  private volatile int backendDomid = -1;
  private volatile int errors;
  private boolean closingByUs;
  /** Whether the driver was initialised and not disconnected since: it has something to release. */
  private boolean initialised;
  /** Whether {@link FrontendDriver#connect} ran (the backend reached Connected) since {@link #initialised}. */
  private volatile boolean driverConnected;
  private volatile boolean claimedElsewhere;
  private Watch watch;

  /** A frontend for the device directory {@code frontendPath}, driving {@code driver} on {@code loop}. */
  public XenbusFrontend(XenStore store, EventLoop loop, String frontendPath, FrontendDriver driver) {
    this.store = store;
    this.bridge = new LoopBridge(loop);
    this.path = frontendPath;
    this.driver = driver;
    this.steps = new Handshake(e -> error(e instanceof XenbusException x ? x
        : new XenbusException("frontend " + path + " at " + state + ", backend " + backendState + ": " + e.getMessage(), e)));
  }

  /**
   * Reads {@code backend} and {@code backend-id}, writes {@code state = Initialising}, watches the
   * backend's state. A device already Initialised or Connected is another driver's (in a Linux
   * guest, the kernel's xen-netfront or xen-blkfront claimed it): the frontend leaves it alone and
   * reports one error naming how to unbind it ({@link #claimedElsewhere}).
   */
  public void start() {
    bridge.post(() -> steps.then(() -> store.read(path + "/backend")
        .thenCompose(be -> {
          backendPath = be;
          return store.read(path + "/backend-id");
        })
        .thenCompose(id -> {
          backendDomid = Integer.parseInt(id);
          return store.readIfExists(path + "/state");
        })
        .thenCompose(own -> {
          XenbusState was = own.map(v -> {
            try {
              return XenbusState.parse(v);
            } catch (XenbusException e) {
              return XenbusState.UNKNOWN;
            }
          }).orElse(XenbusState.UNKNOWN);
          if (was == XenbusState.INITIALISED || was == XenbusState.CONNECTED) {
            claimedElsewhere = true;
            String type = path.substring(0, path.lastIndexOf('/'));
            type = type.substring(type.lastIndexOf('/') + 1);
            String id = path.substring(path.lastIndexOf('/') + 1);
            throw new XenbusException(path + " is already " + was + ": another driver owns it (in a Linux guest, the"
                + " kernel's xen-" + (type.equals("vif") ? "netfront" : type.equals("vbd") ? "blkfront" : type + "front")
                + "); unbind it first: echo " + type + "-" + id + " > /sys/bus/xen/drivers/" + type + "/unbind");
          }
          return setState(XenbusState.INITIALISING);
        })
        .thenCompose(x -> store.watch(backendPath + "/state", "xenbus-front:" + path,
            (p, t) -> steps.refresh(this::backendChanged)))
        .thenAccept(w -> watch = w)
        .exceptionally(e -> {
          Throwable c = io.morgana.xen.store.XenStoreException.unwrap(e);
          error(c instanceof XenbusException x && claimedElsewhere ? x
              : new XenbusException("frontend " + path + " cannot start: " + c.getMessage(), c));
          return null;
        })));
  }

  /** Our own state, as last written. */
  public XenbusState state() {
    return state;
  }

  /**
   * Whether the connection is up: we published (state Connected), the backend is Connected and
   * {@link FrontendDriver#connect} completed.
   */
  public boolean isConnected() {
    return driverConnected;
  }

  /**
   * Whether {@link #start} found the device already Initialised or Connected — driven by another
   * driver (the Linux kernel's own frontend) — and left it alone, reporting how to unbind it.
   */
  public boolean claimedElsewhere() {
    return claimedElsewhere;
  }

  /** The backend's state, as last read. */
  public XenbusState backendState() {
    return backendState;
  }

  /** The backend directory, once started. */
  public Optional<String> backendPath() {
    return Optional.ofNullable(backendPath);
  }

  /** The backend's domid, or -1 before start. */
  public int backendDomid() {
    return backendDomid;
  }

  /** Errors reported so far. */
  public int errorCount() {
    return errors;
  }

  /** Closes the device: {@code state = Closing}; once the backend closes too, disconnect and {@code state = Closed}. */
  @Override
  public void close() {
    bridge.post(() -> steps.then(() -> {
      if (state == XenbusState.CLOSED || state == XenbusState.UNKNOWN) {
        return DONE;
      }
      closingByUs = true;
      return setState(XenbusState.CLOSING);
    }));
  }

  private CompletionStage<Void> backendChanged() {
    return store.readIfExists(backendPath + "/state").handle((v, e) -> {
      if (e != null) {
        Throwable c = io.morgana.xen.store.XenStoreException.unwrap(e);
        error(new XenbusException("reading backend state of " + path + " failed: " + c.getMessage(), c));
        return DONE;
      }
      XenbusState be;
      try {
        be = v.isPresent() ? XenbusState.parse(v.get()) : XenbusState.UNKNOWN;
      } catch (XenbusException x) {
        error(new XenbusException("backend " + backendPath + ": " + x.getMessage(), x));
        return DONE;
      }
      backendState = be;
      return react(be);
    }).thenCompose(s -> s);
  }

  private CompletionStage<Void> react(XenbusState be) {
    switch (be) {
      case INIT_WAIT, INITIALISED -> {
        if (!closingByUs && (state == XenbusState.INITIALISING || state == XenbusState.CLOSED)) {
          return publish();
        }
        return DONE;
      }
      case CONNECTED -> {
        if (closingByUs) {
          return DONE;
        }
        if (state == XenbusState.CLOSED) {
          error(new XenbusException("backend " + backendPath + " is Connected but frontend " + path
              + " is Closed; waiting for the backend to restart at InitWait"));
          return DONE;
        }
        CompletionStage<Void> published = state == XenbusState.INITIALISING ? publish() : DONE; // missed InitWait
        return published.thenCompose(x -> {
          if (state == XenbusState.CONNECTED && initialised && !driverConnected) {
            return connectDriver();
          }
          return DONE;
        });
      }
      case CLOSING, CLOSED -> {
        if (state == XenbusState.CLOSED) {
          return DONE;
        }
        disconnectDriver();
        closingByUs = false;
        return setState(XenbusState.CLOSED);
      }
      case UNKNOWN -> {
        if (state == XenbusState.CONNECTED || state == XenbusState.CLOSING) {
          error(new XenbusException("backend " + backendPath + " disappeared"));
          disconnectDriver();
          closingByUs = false;
          return setState(XenbusState.CLOSED);
        }
        return DONE;
      }
      default -> {
        // Initialising, Reconfiguring, Reconfigured: the backend has not got to us yet, or
        // reconfigures on its own.
        return DONE;
      }
    }
  }

  private CompletionStage<Void> connectDriver() {
    try {
      return driver.connect(backendPath).handle((v, e) -> {
        driverConnected = e == null;
        if (e != null) {
          throw new XenbusException("driver of " + path + " failed at backend Connected",
              io.morgana.xen.store.XenStoreException.unwrap(e));
        }
        return null;
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new XenbusException("driver of " + path + " failed at backend Connected", e));
    }
  }

  private CompletionStage<Void> publish() {
    driver.initialise(backendDomid);
    initialised = true;
    return store.<Void>transaction(tx -> driver.publish(tx, path)
            .thenCompose(x -> tx.write(path + "/state", XenbusState.CONNECTED.wire())))
        .handle((v, e) -> {
          if (e != null) {
            disconnectDriver(); // the next attempt initialises afresh
            throw io.morgana.xen.store.XenStoreException.propagate(io.morgana.xen.store.XenStoreException.unwrap(e));
          }
          state = XenbusState.CONNECTED;
          return null;
        });
  }

  /** {@link FrontendDriver#disconnect}, only if the driver has been initialised since the last one. */
  private void disconnectDriver() {
    driverConnected = false;
    if (initialised) {
      initialised = false;
      driver.disconnect();
    }
  }

  private CompletionStage<Void> setState(XenbusState s) {
    return store.write(path + "/state", s.wire()).thenRun(() -> state = s);
  }

  private void error(XenbusException e) {
    errors++;
    driver.onError(e);
  }

  /** Stops watching (after {@link #close} completed, or to abandon the device). */
  public void detach() {
    bridge.post(() -> steps.then(() -> {
      if (watch != null) {
        watch.close();
        watch = null;
      }
      return DONE;
    }));
  }
}
