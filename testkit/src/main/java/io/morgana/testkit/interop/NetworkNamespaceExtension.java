package io.morgana.testkit.interop;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a fresh {@link NetworkNamespace} as a parameter, and deletes it afterwards even
 * when the test failed.
 *
 * <pre>{@code
 * @ExtendWith(NetworkNamespaceExtension.class)
 * class TapInteropTest {
 *   @Test
 *   void answersPing(NetworkNamespace ns) throws Exception {
 *     int fd = ns.callInside(() -> openTapDevice("tap0")); // created inside the namespace
 *     ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", "tap0");
 *     ns.execOk("ip", "link", "set", "tap0", "up");
 *     ns.execOk("ping", "-c", "1", "192.0.2.2");
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A parameter of a test method, a {@code @BeforeEach}/{@code @AfterEach} method or the test
 * constructor gets a namespace deleted after that test (the same one for all of them within one
 * test); a parameter of a {@code @BeforeAll}/{@code @AfterAll} method gets one deleted after the
 * class. Before a test that asks for a namespace runs, root and {@code ip} are checked with
 * {@link HostTools}: the test is skipped with the reason, or fails when {@code
 * -Dmorgana.interop=required}.
 */
public final class NetworkNamespaceExtension
    implements ParameterResolver, BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(NetworkNamespaceExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> cls = context.getRequiredTestClass();
    if (anyAnnotatedTakesNamespace(cls, BeforeAll.class) || anyAnnotatedTakesNamespace(cls, AfterAll.class)) {
      checkPreconditions();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Class<?> cls = context.getRequiredTestClass();
    boolean needed = context.getTestMethod().map(NetworkNamespaceExtension::takesNamespace).orElse(false)
        || anyAnnotatedTakesNamespace(cls, BeforeEach.class)
        || anyAnnotatedTakesNamespace(cls, AfterEach.class);
    for (Constructor<?> c : cls.getDeclaredConstructors()) {
      needed |= takesNamespace(c);
    }
    if (needed) {
      checkPreconditions();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == NetworkNamespace.class;
  }

  @Override
  public NetworkNamespace resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    if (!HostTools.isRoot() || HostTools.find("ip").isEmpty()) {
      throw new ParameterResolutionException(
          "a NetworkNamespace needs root and the ip command (iproute2); not available here");
    }
    // One namespace per test (or per class for @BeforeAll/@AfterAll parameters).
    ExtensionContext owner = isClassLevel(parameterContext) ? classContext(context) : context;
    List<NetworkNamespace> list = namespaces(owner);
    synchronized (list) {
      if (list.isEmpty()) {
        list.add(NetworkNamespace.create());
      }
      return list.get(0);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeAll(context);
  }

  private static void checkPreconditions() {
    HostTools.require("ip");
    HostTools.requireRoot();
  }

  private static boolean isClassLevel(ParameterContext pc) {
    Executable e = pc.getDeclaringExecutable();
    return e.isAnnotationPresent(BeforeAll.class) || e.isAnnotationPresent(AfterAll.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent()) {
      Optional<ExtensionContext> parent = c.getParent();
      if (parent.isEmpty()) {
        break;
      }
      c = parent.get();
    }
    return c;
  }

  @SuppressWarnings("unchecked")
  private static List<NetworkNamespace> namespaces(ExtensionContext context) {
    // Keyed by unique id: a method's store would otherwise see its class's namespaces.
    return (List<NetworkNamespace>) context.getStore(STORE)
        .getOrComputeIfAbsent(context.getUniqueId(), k -> new ArrayList<NetworkNamespace>(), List.class);
  }

  private static void closeAll(ExtensionContext context) {
    Object value = context.getStore(STORE).remove(context.getUniqueId());
    if (!(value instanceof List<?> list)) {
      return;
    }
    RuntimeException failure = null;
    synchronized (list) {
      for (Object o : list) {
        try {
          ((NetworkNamespace) o).close();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static boolean takesNamespace(Executable e) {
    for (Class<?> t : e.getParameterTypes()) {
      if (t == NetworkNamespace.class) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyAnnotatedTakesNamespace(Class<?> cls, Class<? extends java.lang.annotation.Annotation> a) {
    for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(a) && takesNamespace(m)) {
          return true;
        }
      }
    }
    return false;
  }
}
