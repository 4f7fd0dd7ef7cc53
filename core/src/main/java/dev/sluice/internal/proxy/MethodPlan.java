package dev.sluice.internal.proxy;

import java.util.Objects;
import com.fasterxml.jackson.databind.JavaType;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.SluiceCall;
import dev.sluice.outcome.SluiceException;
import dev.sluice.SluiceResponse;
import dev.sluice.SluiceStream;
import dev.sluice.model.ChatChunk;
import java.util.concurrent.Flow;
import dev.sluice.subject.Subject;
import dev.sluice.annotation.LlmRoute;
import dev.sluice.annotation.RoutingKey;
import dev.sluice.annotation.SubjectAttribute;
import dev.sluice.internal.Failures;
import dev.sluice.internal.MappedStream;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ChatResponse;
import dev.sluice.model.Role;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code @LlmRoute} method reduces to, worked out once when the proxy is built: the
 * route, where the subject and the text come from, which parameter takes the {@link SluiceCall},
 * how the answer maps back to the return type, and the fallback method. Every misuse fails here,
 * naming the method.
 */
public final class MethodPlan {

  private enum Kind { TEXT, CHAT, SLUICE, VALUE, TEXT_STREAM, CHUNK_STREAM }

  private final String name;
  private final Method method;
  private final String route;
  private final boolean async;
  private final Kind kind;
  private final JavaType valueType;
  private final int routingKey;
  private final int subject;
  private final int callParameter;
  private final int requestParameter;
  private final int[] attributes;
  private final String[] attributeNames;
  private final int[] texts;
  private final @Nullable Method fallback;

  private MethodPlan(Method method, LlmRoute annotation, Class<?> targetClass, Collection<String> routes) {
    this.method = method;
    this.name = describe(method);
    this.route = annotation.value();
    if (!routes.contains(route)) {
      throw misuse("names unknown route '" + route + "'; known routes: " + routes);
    }
    Class<?> returns = method.getReturnType();
    if (returns == void.class || returns == Void.class) {
      throw misuse("returns void; an @LlmRoute method returns its answer: String, ChatResponse, SluiceResponse, a type Jackson "
          + "can read, or a CompletionStage of one");
    }
    boolean streams = returns == Flow.Publisher.class || returns.getName().equals(REACTOR_FLUX);
    this.async = !streams && CompletionStage.class.isAssignableFrom(returns);
    if (async && !returns.isAssignableFrom(CompletableFuture.class)) {
      throw misuse("returns " + returns.getSimpleName() + "; an async @LlmRoute method returns CompletionStage or CompletableFuture");
    }
    Type value = async ? stageValue(method.getGenericReturnType()) : method.getGenericReturnType();
    this.valueType = Answers.type(value);
    Class<?> raw = valueType.getRawClass();
    if (streams) {
      Class<?> element = Answers.type(stageValue(method.getGenericReturnType())).getRawClass();
      if (element != String.class && element != ChatChunk.class) {
        throw misuse("returns " + returns.getSimpleName() + "<" + element.getSimpleName() + ">; a streaming @LlmRoute method returns "
            + returns.getSimpleName() + "<String> (the text) or " + returns.getSimpleName() + "<ChatChunk>");
      }
      if (!annotation.fallbackMethod().isEmpty()) {
        throw misuse("streams and names a fallbackMethod; a stream that fails after its first chunk cannot be answered again, so "
            + "streaming methods use the route's fallback links, which run before the first chunk");
      }
      this.kind = element == String.class ? Kind.TEXT_STREAM : Kind.CHUNK_STREAM;
    } else {
      this.kind = raw == String.class ? Kind.TEXT : raw == ChatResponse.class ? Kind.CHAT : raw == SluiceResponse.class ? Kind.SLUICE
          : Kind.VALUE;
    }

    int key = -1;
    int subj = -1;
    int call = -1;
    int request = -1;
    List<Integer> attrs = new ArrayList<>();
    List<String> attrNames = new ArrayList<>();
    List<Integer> text = new ArrayList<>();
    Parameter[] params = method.getParameters();
    for (int i = 0; i < params.length; i++) {
      Parameter p = params[i];
      String where = "parameter " + i + " (" + p.getType().getSimpleName() + ")";
      if (p.isAnnotationPresent(RoutingKey.class)) {
        if (key >= 0) {
          throw misuse("has two @RoutingKey parameters (" + key + " and " + i + "); a call has one routing key");
        }
        key = i;
      } else if (p.isAnnotationPresent(SubjectAttribute.class)) {
        SubjectAttribute a = p.getAnnotation(SubjectAttribute.class);
        if (a.value().isBlank()) {
          throw misuse(where + " has a blank @SubjectAttribute name; name it, e.g. @SubjectAttribute(\"tenant\")");
        }
        if (attrNames.contains(a.value())) {
          throw misuse("has two @SubjectAttribute(\"" + a.value() + "\") parameters");
        }
        attrs.add(i);
        attrNames.add(a.value());
      } else if (p.getType() == Subject.class) {
        if (subj >= 0) {
          throw misuse("has two Subject parameters (" + subj + " and " + i + ")");
        }
        subj = i;
      } else if (p.getType() == SluiceCall.class) {
        if (call >= 0) {
          throw misuse("has two SluiceCall parameters (" + call + " and " + i + ")");
        }
        call = i;
      } else if (p.getType() == ChatRequest.class) {
        if (request >= 0) {
          throw misuse("has two ChatRequest parameters (" + request + " and " + i + ")");
        }
        request = i;
      } else if (p.getType() == String.class || p.getType() == CharSequence.class) {
        text.add(i);
      }
    }
    if (key >= 0 && subj >= 0) {
      throw misuse("has both a @RoutingKey parameter (" + key + ") and a Subject parameter (" + subj + "); that is two routing keys, keep one");
    }
    if (subj >= 0 && !attrs.isEmpty()) {
      throw misuse("has both a Subject parameter and @SubjectAttribute parameters; put the attributes on the Subject");
    }
    this.routingKey = key;
    this.subject = subj;
    this.callParameter = call;
    this.requestParameter = request;
    this.attributes = attrs.stream().mapToInt(Integer::intValue).toArray();
    this.attributeNames = attrNames.toArray(String[]::new);
    this.texts = request >= 0 ? new int[0] : text.stream().mapToInt(Integer::intValue).toArray();
    this.fallback = annotation.fallbackMethod().isEmpty() ? null : fallback(targetClass, annotation.fallbackMethod());
  }

  /** Reactor's Flux, named so core needs no Reactor: a framework converts it to and from {@code Flow.Publisher}. */
  static final String REACTOR_FLUX = "reactor.core.publisher.Flux";

  /** Whether the method streams (returns a publisher); its {@link #invoke} then returns a {@code Flow.Publisher}. */
  public boolean streams() {
    return kind == Kind.TEXT_STREAM || kind == Kind.CHUNK_STREAM;
  }

  /** Checks and plans {@code method}, run on instances of {@code targetClass}. */
  public static MethodPlan of(Method method, LlmRoute annotation, Class<?> targetClass, Collection<String> routes) {
    return new MethodPlan(method, annotation, targetClass, routes);
  }

  public String route() {
    return route;
  }

  public Method method() {
    return method;
  }

  /**
   * Calls the route with this method's body. Blocks for a synchronous method (interrupting the
   * caller cancels the call); returns at once with a {@link CompletableFuture} for an async one.
   */
  public @Nullable Object invoke(@Nullable Object[] arguments, MethodTarget target, @Nullable Object fallbackTarget, RouteCaller caller)
      throws Throwable {
    @Nullable Object[] args = arguments == null ? new Object[0] : arguments;
    ChatRequest request = request(args);
    Invocation invocation = new Invocation(args, request, target);
    if (kind == Kind.TEXT_STREAM || kind == Kind.CHUNK_STREAM) {
      SluiceStream stream = caller.stream(route, request, subject(args), invocation);
      // A text stream: the chunks' text; chunks without text (the end, tool calls) are skipped.
      return kind == Kind.CHUNK_STREAM ? stream : new MappedStream<ChatChunk, String>(stream, c -> c.text().isEmpty() ? null : c.text());
    }
    CompletableFuture<SluiceResponse> pending = caller.call(route, request, subject(args), invocation);
    if (async) {
      CompletableFuture<Object> result = new CompletableFuture<>();
      pending.whenComplete((response, failure) -> {
        try {
          if (failure == null) {
            result.complete(result(response, invocation));
            return;
          }
          Throwable visible = invocation.visible(Failures.unwrap(failure));
          if (fallback == null || !fallbackHandles(visible)) {
            result.completeExceptionally(visible);
            return;
          }
          Object stage = callFallback(fallbackTarget, args, visible);
          if (stage == null) {
            result.completeExceptionally(new SluiceException("fallback method of " + name + " returned null instead of a CompletionStage", visible));
            return;
          }
          ((CompletionStage<?>) stage).whenComplete((v, e) -> {
            if (e != null) {
              result.completeExceptionally(Failures.unwrap(e));
            } else {
              result.complete(v);
            }
          });
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
      result.whenComplete((ignored, failure) -> {
        if (failure instanceof CancellationException) {
          pending.cancel(true);
        }
      });
      return result;
    }
    SluiceResponse response;
    try {
      response = pending.get();
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while calling route '" + route + "' from " + name + "; the call was cancelled", e);
    } catch (ExecutionException | CancellationException e) {
      Throwable visible = invocation.visible(e instanceof ExecutionException ? Failures.fromStep(e.getCause() != null ? e.getCause() : e) : e);
      if (fallback == null || !fallbackHandles(visible)) {
        throw visible;
      }
      return callFallback(fallbackTarget, args, visible);
    }
    return result(response, invocation);
  }

  private @Nullable Object result(SluiceResponse response, Invocation invocation) {
    return switch (kind) {
      case TEXT -> response.text();
      case CHAT -> response.chatResponse();
      case SLUICE -> response;
      case VALUE -> {
        Object own = invocation.valueFor(response.chatResponse());
        yield own != null ? own : Answers.read(response.text(), valueType, name);
      }
      case TEXT_STREAM, CHUNK_STREAM -> throw new IllegalStateException(name + " streams; its result is the stream");
    };
  }

  private boolean fallbackHandles(Throwable failure) {
    Class<?>[] types = Objects.requireNonNull(fallback, "fallback").getParameterTypes();
    return types[types.length - 1].isInstance(failure);
  }

  private @Nullable Object callFallback(@Nullable Object target, @Nullable Object[] args, Throwable failure) throws Throwable {
    Object[] withFailure = Arrays.copyOf(args, args.length + 1);
    withFailure[args.length] = failure;
    Method method = Objects.requireNonNull(fallback, "fallback");
    try {
      return method.invoke(Modifier.isStatic(method.getModifiers()) ? null : target, withFailure);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Subject subject(@Nullable Object[] args) {
    if (subject >= 0 && args[subject] instanceof Subject s) {
      return s;
    }
    if (routingKey < 0 && attributes.length == 0) {
      return CurrentCall.subject().orElse(Subject.anonymous());
    }
    Subject.Builder b = Subject.builder();
    if (routingKey >= 0 && args[routingKey] != null) {
      b.routingKey(String.valueOf(args[routingKey]));
    } else if (routingKey < 0) {
      CurrentCall.subject().flatMap(Subject::routingKey).ifPresent(b::routingKey);
    }
    for (int i = 0; i < attributes.length; i++) {
      Object v = args[attributes[i]];
      if (v != null) {
        b.attribute(attributeNames[i], String.valueOf(v));
      }
    }
    return b.build();
  }

  private ChatRequest request(@Nullable Object[] args) {
    if (requestParameter >= 0) {
      if (!(args[requestParameter] instanceof ChatRequest r)) {
        throw new IllegalArgumentException("the ChatRequest argument (parameter " + requestParameter + ") of " + name + " is null");
      }
      return r;
    }
    ChatRequest.Builder b = ChatRequest.builder();
    boolean any = false;
    for (int i : texts) {
      if (args[i] != null) {
        b.user(args[i].toString());
        any = true;
      }
    }
    return any ? b.build() : b.user("").build();
  }

  private InvalidConfigurationException misuse(String problem) {
    return new InvalidConfigurationException("@LlmRoute " + name, problem);
  }

  private Method fallback(Class<?> targetClass, String fallbackName) {
    Class<?>[] params = method.getParameterTypes();
    List<Method> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Class<?> c = targetClass; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(fallbackName) && seen.add(Arrays.toString(m.getParameterTypes()))) {
          found.add(m);
        }
      }
    }
    for (Method m : targetClass.getMethods()) {
      if (m.getName().equals(fallbackName) && seen.add(Arrays.toString(m.getParameterTypes()))) {
        found.add(m);
      }
    }
    String wanted = "(" + Arrays.stream(params).map(Class::getSimpleName).map(s -> s + ", ").collect(Collectors.joining())
        + "Throwable) returning " + method.getReturnType().getSimpleName();
    List<Method> matching = found.stream().filter(m -> {
      Class<?>[] p = m.getParameterTypes();
      return p.length == params.length + 1 && Arrays.equals(Arrays.copyOf(p, params.length), params)
          && Throwable.class.isAssignableFrom(p[params.length]) && method.getReturnType().isAssignableFrom(m.getReturnType());
    }).toList();
    if (matching.isEmpty()) {
      throw misuse(found.isEmpty()
          ? "fallback method '" + fallbackName + "' does not exist on " + targetClass.getName() + "; expected " + fallbackName + wanted
          : "fallback method '" + fallbackName + "' has the wrong signature " + found.stream().map(MethodPlan::describe).toList()
              + "; expected " + fallbackName + wanted);
    }
    if (matching.size() > 1) {
      throw misuse("fallback method '" + fallbackName + "' is overloaded " + matching.stream().map(MethodPlan::describe).toList()
          + "; keep one");
    }
    Method m = matching.get(0);
    if (!m.trySetAccessible()) {
      throw misuse("fallback method " + describe(m) + " is not accessible; make it public");
    }
    return m;
  }

  private static Type stageValue(Type stage) {
    if (stage instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[0];
    }
    return Object.class;
  }

  /** {@code SupportAssistant.answer(String, String)}. */
  public static String describe(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "("
        + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
  }

  /** One call of the method: its arguments, and what its attempts returned and threw. */
  private final class Invocation implements AttemptBody {
    private final @Nullable Object[] args;
    private final ChatRequest request;
    private final MethodTarget target;
    private final List<Object[]> results = new ArrayList<>(1);
    private final List<Throwable> thrown = new ArrayList<>(1);

    Invocation(@Nullable Object[] args, ChatRequest request, MethodTarget target) {
      this.args = args;
      this.request = request;
      this.target = target;
    }

    @Override
    public CompletionStage<?> run(SluiceCall attempt) throws Throwable {
      Object out = target.invoke(argumentsFor(attempt));
      if (kind == Kind.TEXT_STREAM || kind == Kind.CHUNK_STREAM) {
        if (out == null) {
          throw new SluiceException(name + " returned null instead of a publisher");
        }
        return CompletableFuture.completedFuture(out);
      }
      if (!async) {
        return CompletableFuture.completedFuture(out);
      }
      if (out == null) {
        throw new SluiceException(name + " returned null instead of a CompletionStage");
      }
      return (CompletionStage<?>) out;
    }

    /** The caller's arguments with the attempt filled in and text replaced by what the input guardrails left. */
    private @Nullable Object[] argumentsFor(SluiceCall attempt) {
      @Nullable Object[] a = args.clone();
      if (callParameter >= 0) {
        a[callParameter] = attempt;
      }
      ChatRequest guarded = attempt.request();
      if (guarded == request) {
        return a;
      }
      if (requestParameter >= 0) {
        a[requestParameter] = guarded;
        return a;
      }
      List<ChatMessage> users = guarded.messages().stream().filter(m -> m.role() == Role.USER).toList();
      int next = 0;
      for (int i : texts) {
        if (args[i] != null && next < users.size()) {
          a[i] = users.get(next++).content();
        }
      }
      return a;
    }

    @Override
    public ChatResponse answer(@Nullable Object result, Attempt attempt, @Nullable ChatResponse last) {
      ChatResponse response = Answers.toResponse(result, attempt, last);
      if (kind == Kind.VALUE && result != null) {
        synchronized (results) {
          results.add(new Object[] {response, result});
        }
      }
      return response;
    }

    @Override
    public void threw(Throwable failure) {
      synchronized (thrown) {
        thrown.add(failure);
      }
    }

    @Nullable Object valueFor(ChatResponse response) {
      synchronized (results) {
        for (Object[] r : results) {
          if (r[0] == response) {
            return r[1];
          }
        }
      }
      return null;
    }

    /** What the caller sees: the body's own exception if the call failed with it and the method may throw it, else Sluice's. */
    Throwable visible(Throwable failure) {
      Throwable cause = failure.getCause();
      synchronized (thrown) {
        for (Throwable t : thrown) {
          if ((t == cause || t == failure) && mayThrow(t)) {
            return t;
          }
        }
      }
      return failure;
    }

    private boolean mayThrow(Throwable t) {
      if (t instanceof RuntimeException || t instanceof Error) {
        return true;
      }
      for (Class<?> declared : method.getExceptionTypes()) {
        if (declared.isInstance(t)) {
          return true;
        }
      }
      return false;
    }
  }
}
