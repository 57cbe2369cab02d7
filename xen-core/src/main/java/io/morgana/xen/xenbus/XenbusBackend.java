package io.morgana.xen.xenbus;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.store.Watch;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreException;
import java.util.Optional;

/**
 * The backend half of the xenbus handshake (Xen {@code io/xenbus.h}; Linux {@code
 * xen-blkback/xenbus.c frontend_changed}, {@code xen-netback/xenbus.c}) for the device at
 * {@code /local/domain/<be>/backend/<type>/<fe>/<id>}. It advertises its features with {@code
 * state = InitWait}, watches {@code <frontend>/state} and moves:
 *
 * <ul>
 *   <li>frontend Initialised or Connected while we are InitWait: {@link BackendDriver#connect},
 *       {@code state = Connected} (a driver that throws makes us Closing);
 *   <li>frontend Closing: {@code state = Closing}; frontend Closed or gone: {@link
 *       BackendDriver#disconnect}, {@code state = Closed};
 *   <li>frontend Initialising while we are Closed (it re-initialises): InitWait again.
 * </ul>
 *
 * {@link #close()} takes the backend away (Closing, then Closed once the frontend closed) and
 * {@link #restart()} brings it back (InitWait): the frontend then connects again.
 */
public final class XenbusBackend implements AutoCloseable {

  private final XenStore store;
  private final EventLoop loop;
  private final String path;
  private final BackendDriver driver;
  private volatile XenbusState state = XenbusState.UNKNOWN;
  private volatile XenbusState frontendState = XenbusState.UNKNOWN;
  private volatile String frontendPath;
  private volatile int frontendDomid = -1;
  private volatile int errors;
  private boolean connected;
  private boolean closingByUs;
  private Watch watch;

  /** A backend for the device directory {@code backendPath}, driving {@code driver}. */
  public XenbusBackend(XenStore store, EventLoop loop, String backendPath, BackendDriver driver) {
    this.store = store;
    this.loop = loop;
    this.path = backendPath;
    this.driver = driver;
  }

  /** Reads {@code frontend} and {@code frontend-id}, advertises (InitWait), watches the frontend's state. */
  public void start() {
    loop.execute(() -> {
      try {
        frontendPath = store.read(path + "/frontend");
        frontendDomid = Integer.parseInt(store.read(path + "/frontend-id"));
        advertise();
        watch = store.watch(frontendPath + "/state", "xenbus-back:" + path, (p, t) -> frontendChanged());
      } catch (XenStoreException | NumberFormatException e) {
        error(new XenbusException("backend " + path + " cannot start: " + e.getMessage(), e));
      }
    });
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
    loop.execute(() -> {
      if (state == XenbusState.CLOSED) {
        return;
      }
      closingByUs = true;
      disconnect();
      setState(XenbusState.CLOSING);
      if (frontendState == XenbusState.CLOSED || frontendState == XenbusState.UNKNOWN) {
        setState(XenbusState.CLOSED);
      }
    });
  }

  /** Brings a closed backend back: advertise again and {@code state = InitWait}. */
  public void restart() {
    loop.execute(() -> {
      if (state != XenbusState.CLOSED) {
        error(new XenbusException("restart of backend " + path + " in state " + state + " ignored; close it first"));
        return;
      }
      closingByUs = false;
      advertise();
    });
  }

  private void advertise() {
    store.transaction(tx -> {
      driver.advertise(tx, path);
      tx.write(path + "/state", XenbusState.INIT_WAIT.wire());
      return null;
    });
    state = XenbusState.INIT_WAIT;
  }

  private void frontendChanged() {
    XenbusState fe;
    try {
      Optional<String> v = store.readIfExists(frontendPath + "/state");
      fe = v.isPresent() ? XenbusState.parse(v.get()) : XenbusState.UNKNOWN;
    } catch (XenbusException e) {
      error(new XenbusException("frontend " + frontendPath + ": " + e.getMessage(), e));
      return;
    } catch (XenStoreException e) {
      error(new XenbusException("reading frontend state of " + path + " failed: " + e.getMessage(), e));
      return;
    }
    frontendState = fe;
    try {
      react(fe);
    } catch (XenStoreException e) {
      error(new XenbusException("backend " + path + " at " + state + ", frontend " + fe + ": " + e.getMessage(), e));
    }
  }

  private void react(XenbusState fe) {
    switch (fe) {
      case INITIALISED, CONNECTED -> {
        if (state == XenbusState.INIT_WAIT && !closingByUs) {
          try {
            driver.connect(frontendPath, frontendDomid);
          } catch (RuntimeException e) {
            error(new XenbusException("backend " + path + " cannot connect to " + frontendPath + ": " + e.getMessage(), e));
            setState(XenbusState.CLOSING);
            return;
          }
          connected = true;
          setState(XenbusState.CONNECTED);
        }
      }
      case CLOSING -> {
        if (state != XenbusState.CLOSED && state != XenbusState.CLOSING) {
          disconnect();
          setState(XenbusState.CLOSING);
        }
      }
      case CLOSED, UNKNOWN -> {
        if (state != XenbusState.CLOSED && state != XenbusState.UNKNOWN) {
          disconnect();
          setState(XenbusState.CLOSED);
        }
      }
      case INITIALISING -> {
        if (state == XenbusState.CLOSED && !closingByUs) {
          advertise(); // the frontend re-initialises: prepare for reconnect
        }
      }
      case INIT_WAIT, RECONFIGURING, RECONFIGURED -> {
        if (fe == XenbusState.INIT_WAIT) {
          error(new XenbusException("frontend " + frontendPath + " in InitWait, a backend-only state; ignored"));
        }
      }
    }
  }

  private void disconnect() {
    if (connected) {
      connected = false;
      driver.disconnect();
    }
  }

  private void setState(XenbusState s) {
    store.write(path + "/state", s.wire());
    state = s;
  }

  private void error(XenbusException e) {
    errors++;
    driver.onError(e);
  }

  /** Stops watching. */
  public void detach() {
    loop.execute(() -> {
      if (watch != null) {
        watch.close();
        watch = null;
      }
    });
  }
}
