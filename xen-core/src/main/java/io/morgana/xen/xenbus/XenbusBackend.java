package io.morgana.xen.xenbus;

import static io.morgana.xen.xenbus.Handshake.DONE;

import io.morgana.runtime.EventLoop;
import io.morgana.runtime.LoopBridge;
import io.morgana.xen.store.Watch;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The backend half of the xenbus handshake (Xen {@code io/xenbus.h}; Linux {@code
 * xen-blkback/xenbus.c frontend_changed}, {@code xen-netback/xenbus.c}) for the device at
 * {@code /local/domain/<be>/backend/<type>/<fe>/<id>}: a loop-confined state machine driven by
 * the watch on {@code <frontend>/state}. It advertises its features with {@code state =
 * InitWait}, then, re-reading the frontend's state at each event:
 *
 * <ul>
 *   <li>frontend Connected — or Initialised, if {@link BackendDriver#connectsOnInitialised} (as
 *       blkback; netback ignores Initialised) — while we are InitWait: {@link
 *       BackendDriver#connect}, {@code state = Connected} (a driver that refuses makes us
 *       Closing);
 *   <li>frontend Closing: {@code state = Closing}; frontend Closed or gone: {@link
 *       BackendDriver#disconnect}, {@code state = Closed};
 *   <li>frontend Initialising while we are Closed (it re-initialises): InitWait again.
 * </ul>
 *
 * {@link #close()} takes the backend away (Closing, then Closed once the frontend closed) and
 * {@link #restart()} brings it back (InitWait): the frontend then connects again. Every XenStore
 * step is asynchronous; public methods may be called from any thread and hand their work to the
 * loop.
 */
public final class XenbusBackend implements AutoCloseable {

  private final XenStore store;
  private final LoopBridge bridge;
  private final String path;
  private final BackendDriver driver;
  private final Handshake steps;
  private volatile XenbusState state = XenbusState.UNKNOWN;
  private volatile XenbusState frontendState = XenbusState.UNKNOWN;
  private volatile String frontendPath;
  private volatile int frontendDomid = -1;
  private volatile int errors;
  private boolean connected;
  private boolean closingByUs;
  /** A restart asked for while our own close waits for the frontend to close (see {@link #restart}). */
  private boolean restartWhenClosed;
  private Watch watch;

  /** A backend for the device directory {@code backendPath}, driving {@code driver} on {@code loop}. */
  public XenbusBackend(XenStore store, EventLoop loop, String backendPath, BackendDriver driver) {
    this.store = store;
    this.bridge = new LoopBridge(loop);
    this.path = backendPath;
    this.driver = driver;
    this.steps = new Handshake(e -> error(e instanceof XenbusException x ? x
        : new XenbusException("backend " + path + " at " + state + ", frontend " + frontendState + ": " + e.getMessage(), e)));
  }

  /** Reads {@code frontend} and {@code frontend-id}, advertises (InitWait), watches the frontend's state. */
  public void start() {
    bridge.post(() -> steps.then(() -> store.read(path + "/frontend")
        .thenCompose(fe -> {
          frontendPath = fe;
          return store.read(path + "/frontend-id");
        })
        .thenCompose(id -> {
          frontendDomid = Integer.parseInt(id);
          return advertise();
        })
        .thenCompose(x -> store.watch(frontendPath + "/state", "xenbus-back:" + path,
            (p, t) -> steps.refresh(this::frontendChanged)))
        .thenAccept(w -> watch = w)
        .exceptionally(e -> {
          Throwable c = XenStoreException.unwrap(e);
          error(new XenbusException("backend " + path + " cannot start: " + c.getMessage(), c));
          return null;
        })));
  }

  /** Our own state. */
  public XenbusState state() {
    return state;
  }

  /** The frontend's state, as last read. */
  public XenbusState frontendState() {
    return frontendState;
  }

  /** The frontend directory, once started. */
  public Optional<String> frontendPath() {
    return Optional.ofNullable(frontendPath);
  }

  /** Errors reported so far. */
  public int errorCount() {
    return errors;
  }

  /** Takes the backend away: disconnect, {@code state = Closing}, then Closed once the frontend is Closed. */
  @Override
  public void close() {
    bridge.post(() -> steps.then(() -> {
      if (state == XenbusState.CLOSED) {
        return DONE;
      }
      closingByUs = true;
      restartWhenClosed = false;
      disconnect();
      return setState(XenbusState.CLOSING).thenCompose(x ->
          frontendState == XenbusState.CLOSED || frontendState == XenbusState.UNKNOWN
              ? setState(XenbusState.CLOSED) : DONE);
    }));
  }

  /**
   * Brings a closed backend back: advertise again and {@code state = InitWait}. Asked while our own
   * {@link #close} still waits in Closing for the frontend to close, it happens once the backend
   * reaches Closed (asking to close and then to restart must not depend on how fast the frontend
   * answers); in any other state but Closed it is an error, reported and ignored.
   */
  public void restart() {
    bridge.post(() -> steps.then(() -> {
      if (state == XenbusState.CLOSING && closingByUs) {
        restartWhenClosed = true;
        return DONE;
      }
      if (state != XenbusState.CLOSED) {
        error(new XenbusException("restart of backend " + path + " in state " + state + " ignored; close it first"));
        return DONE;
      }
      closingByUs = false;
      return advertise();
    }));
  }

  private CompletionStage<Void> advertise() {
    return store.<Void>transaction(tx -> driver.advertise(tx, path)
            .thenCompose(x -> tx.write(path + "/state", XenbusState.INIT_WAIT.wire())))
        .thenRun(() -> state = XenbusState.INIT_WAIT);
  }

  private CompletionStage<Void> frontendChanged() {
    return store.readIfExists(frontendPath + "/state").handle((v, e) -> {
      if (e != null) {
        Throwable c = XenStoreException.unwrap(e);
        error(new XenbusException("reading frontend state of " + path + " failed: " + c.getMessage(), c));
        return DONE;
      }
      XenbusState fe;
      try {
        fe = v.isPresent() ? XenbusState.parse(v.get()) : XenbusState.UNKNOWN;
      } catch (XenbusException x) {
        error(new XenbusException("frontend " + frontendPath + ": " + x.getMessage(), x));
        return DONE;
      }
      frontendState = fe;
      return react(fe);
    }).thenCompose(s -> s);
  }

  private CompletionStage<Void> react(XenbusState fe) {
    switch (fe) {
      case INITIALISED, CONNECTED -> {
        if (fe == XenbusState.INITIALISED && !driver.connectsOnInitialised()) {
          return DONE; // Linux netback: "case XenbusStateInitialised: break;"
        }
        if (state == XenbusState.INIT_WAIT && !closingByUs) {
          CompletionStage<Void> c;
          try {
            c = driver.connect(frontendPath, frontendDomid);
          } catch (RuntimeException e) {
            c = CompletableFuture.failedFuture(e);
          }
          return c.handle((v, e) -> {
            if (e != null) {
              Throwable cause = XenStoreException.unwrap(e);
              error(new XenbusException("backend " + path + " cannot connect to " + frontendPath + ": "
                  + cause.getMessage(), cause));
              return setState(XenbusState.CLOSING);
            }
            connected = true;
            return setState(XenbusState.CONNECTED);
          }).thenCompose(s -> s);
        }
        return DONE;
      }
      case CLOSING -> {
        if (state != XenbusState.CLOSED && state != XenbusState.CLOSING) {
          disconnect();
          return setState(XenbusState.CLOSING);
        }
        return DONE;
      }
      case CLOSED, UNKNOWN -> {
        if (state != XenbusState.CLOSED && state != XenbusState.UNKNOWN) {
          disconnect();
          return setState(XenbusState.CLOSED).thenCompose(x -> restartIfAsked());
        }
        return DONE;
      }
      case INITIALISING -> {
        if (state == XenbusState.CLOSED && !closingByUs) {
          return advertise(); // the frontend re-initialises: prepare for reconnect
        }
        return DONE;
      }
      default -> {
        if (fe == XenbusState.INIT_WAIT) {
          error(new XenbusException("frontend " + frontendPath + " in InitWait, a backend-only state; ignored"));
        }
        return DONE;
      }
    }
  }

  private CompletionStage<Void> restartIfAsked() {
    if (!restartWhenClosed) {
      return DONE;
    }
    restartWhenClosed = false;
    closingByUs = false;
    return advertise();
  }

  private void disconnect() {
    if (connected) {
      connected = false;
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

  /** Stops watching. */
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
