package io.morgana.xen.xenbus;

import io.morgana.runtime.EventLoop;
import io.morgana.xen.store.Watch;
import io.morgana.xen.store.XenStore;
import io.morgana.xen.store.XenStoreException;
import java.util.Optional;

/**
 * The frontend half of the xenbus handshake (Xen {@code io/xenbus.h}; Linux {@code
 * xen-blkfront.c blkback_changed}, {@code xen-netfront.c netback_changed}) for the device at
 * {@code /local/domain/<fe>/device/<type>/<id>}. It watches {@code <backend>/state}, always
 * re-reads it (events coalesce), and moves:
 *
 * <ul>
 *   <li>backend InitWait (or Initialised/Connected seen first) while we are Initialising, or
 *       Closed after a previous connection: {@link FrontendDriver#initialise}, then one
 *       transaction with {@link FrontendDriver#publish} and {@code state = Initialised};
 *   <li>backend Connected while we are Initialised: {@link FrontendDriver#connect}, {@code state
 *       = Connected};
 *   <li>backend Closing, Closed, or gone (Unknown) after we started connecting: {@link
 *       FrontendDriver#disconnect}, {@code state = Closed}; when the backend later returns to
 *       InitWait we initialise again.
 * </ul>
 *
 * A malformed backend state, or one that makes no sense from where we are, is reported to
 * {@link FrontendDriver#onError} and otherwise ignored. Runs on the kernel loop: {@link #start}
 * and {@link #close} may be called from any thread and hand their work to the loop.
 */
public final class XenbusFrontend implements AutoCloseable {

  private final XenStore store;
  private final EventLoop loop;
  private final String path;
  private final FrontendDriver driver;
  private volatile XenbusState state = XenbusState.UNKNOWN;
  private volatile XenbusState backendState = XenbusState.UNKNOWN;
  private volatile String backendPath;
  private volatile int backendDomid = -1;
  private volatile int errors;
  private boolean closingByUs;
  /** Whether the driver was initialised and not disconnected since: it has something to release. */
  private boolean initialised;
  private Watch watch;

  /** A frontend for the device directory {@code frontendPath}, driving {@code driver}. */
  public XenbusFrontend(XenStore store, EventLoop loop, String frontendPath, FrontendDriver driver) {
    this.store = store;
    this.loop = loop;
    this.path = frontendPath;
    this.driver = driver;
  }

  /** Reads {@code backend} and {@code backend-id}, writes {@code state = Initialising}, watches the backend's state. */
  public void start() {
    loop.execute(() -> {
      try {
        backendPath = store.read(path + "/backend");
        backendDomid = Integer.parseInt(store.read(path + "/backend-id"));
        setState(XenbusState.INITIALISING);
        watch = store.watch(backendPath + "/state", "xenbus-front:" + path, (p, t) -> backendChanged());
      } catch (XenStoreException | NumberFormatException e) {
        error(new XenbusException("frontend " + path + " cannot start: " + e.getMessage(), e));
      }
    });
  }

  /** Our own state, as last written. */
  public XenbusState state() {
    return state;
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
    loop.execute(() -> {
      if (state == XenbusState.CLOSED || state == XenbusState.UNKNOWN) {
        return;
      }
      closingByUs = true;
      setState(XenbusState.CLOSING);
    });
  }

  private void backendChanged() {
    XenbusState be;
    try {
      Optional<String> v = store.readIfExists(backendPath + "/state");
      be = v.isPresent() ? XenbusState.parse(v.get()) : XenbusState.UNKNOWN;
    } catch (XenbusException e) {
      error(new XenbusException("backend " + backendPath + ": " + e.getMessage(), e));
      return;
    } catch (XenStoreException e) {
      error(new XenbusException("reading backend state of " + path + " failed: " + e.getMessage(), e));
      return;
    }
    backendState = be;
    try {
      react(be);
    } catch (XenStoreException | XenbusException e) {
      error(new XenbusException("frontend " + path + " at " + state + ", backend " + be + ": " + e.getMessage(), e));
    } catch (RuntimeException e) {
      error(new XenbusException("driver of " + path + " failed at backend " + be, e));
    }
  }

  private void react(XenbusState be) {
    switch (be) {
      case INIT_WAIT, INITIALISED -> {
        if (closingByUs) {
          return;
        }
        if (state == XenbusState.INITIALISING || state == XenbusState.CLOSED) {
          publish();
        }
      }
      case CONNECTED -> {
        if (closingByUs) {
          return;
        }
        if (state == XenbusState.INITIALISING) {
          publish(); // missed InitWait
        }
        if (state == XenbusState.INITIALISED) {
          driver.connect(backendPath);
          setState(XenbusState.CONNECTED);
        } else if (state == XenbusState.CLOSED) {
          error(new XenbusException("backend " + backendPath + " is Connected but frontend " + path
              + " is Closed; waiting for the backend to restart at InitWait"));
        }
      }
      case CLOSING, CLOSED -> {
        if (state == XenbusState.CLOSED) {
          return;
        }
        disconnectDriver();
        closingByUs = false;
        setState(XenbusState.CLOSED);
      }
      case UNKNOWN -> {
        if (state == XenbusState.INITIALISED || state == XenbusState.CONNECTED || state == XenbusState.CLOSING) {
          error(new XenbusException("backend " + backendPath + " disappeared"));
          disconnectDriver();
          closingByUs = false;
          setState(XenbusState.CLOSED);
        }
      }
      case INITIALISING, RECONFIGURING, RECONFIGURED -> {
        // Nothing to do: the backend has not got to us yet, or reconfigures on its own.
      }
    }
  }

  private void publish() {
    driver.initialise(backendDomid);
    initialised = true;
    try {
      store.transaction(tx -> {
        driver.publish(tx, path);
        tx.write(path + "/state", XenbusState.INITIALISED.wire());
        return null;
      });
    } catch (RuntimeException e) {
      disconnectDriver(); // the next attempt initialises afresh
      throw e;
    }
    state = XenbusState.INITIALISED;
  }

  /** {@link FrontendDriver#disconnect}, only if the driver has been initialised since the last one. */
  private void disconnectDriver() {
    if (initialised) {
      initialised = false;
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

  /** Stops watching (after {@link #close} completed, or to abandon the device). */
  public void detach() {
    loop.execute(() -> {
      if (watch != null) {
        watch.close();
        watch = null;
      }
    });
  }
}
