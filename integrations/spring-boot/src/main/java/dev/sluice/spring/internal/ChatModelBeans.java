package dev.sluice.spring.internal;

import dev.sluice.model.ModelClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A bean named as a variant's client ({@code client: {ref: name}}) as a {@link ModelClient}: a
 * {@code ModelClient} as it is, and, when their Sluice modules are on the class path, a Spring AI
 * or LangChain4j {@code ChatModel} wrapped as one (so {@code ref: openAiChatModel} uses the model
 * Spring AI configured). The adapters are found by name when the starter starts, so the starter
 * needs neither framework. The provider name comes from the model's class: {@code OpenAiChatModel}
 * is {@code openai}.
 */
public final class ChatModelBeans {

  /** A framework's chat model type and the Sluice adapter's {@code of(model, provider)}. */
  private record Adapter(Class<?> modelType, Method of) {}

  private static final List<Adapter> ADAPTERS = adapters();

  private ChatModelBeans() {}

  private static List<Adapter> adapters() {
    List<Adapter> found = new java.util.ArrayList<>();
    find(found, "org.springframework.ai.chat.model.ChatModel", "dev.sluice.springai.SpringAiModelClient");
    find(found, "dev.langchain4j.model.chat.ChatModel", "dev.sluice.langchain4j.LangChain4jModelClient");
    return List.copyOf(found);
  }

  private static void find(List<Adapter> into, String modelType, String adapter) {
    ClassLoader loader = ChatModelBeans.class.getClassLoader();
    try {
      Class<?> model = Class.forName(modelType, false, loader);
      Method of = Class.forName(adapter, true, loader).getMethod("of", model, String.class);
      into.add(new Adapter(model, of));
    } catch (ReflectiveOperationException | LinkageError absent) {
      // That framework, or its Sluice module, is not on the class path.
    }
  }

  /** The bean as a client, or null when it is none of the kinds above. */
  public static @Nullable ModelClient client(Object bean) {
    if (bean instanceof ModelClient c) {
      return c;
    }
    String type = bean.getClass().getName();
    if (type.equals("dev.sluice.springai.SluiceSpringAiChatModel") || type.equals("dev.sluice.langchain4j.SluiceChatModel")) {
      // A route's own model as one of its variants would call itself until the deadline.
      throw new dev.sluice.outcome.InvalidConfigurationException("client.ref", bean.getClass().getSimpleName(),
          "the vendor's model bean (e.g. openAiChatModel); this one is Sluice's own model over a route");
    }
    for (Adapter a : ADAPTERS) {
      if (a.modelType().isInstance(bean)) {
        try {
          return (ModelClient) a.of().invoke(null, bean, provider(bean));
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot wrap " + bean.getClass().getName() + " as a ModelClient", e);
        }
      }
    }
    return null;
  }

  /** {@code OpenAiChatModel} -> {@code openai}; {@code AnthropicChatModel} -> {@code anthropic}. */
  static String provider(Object model) {
    String name = model.getClass().getSimpleName().toLowerCase(Locale.ROOT).replace("chatmodel", "").replace("streaming", "");
    return name.isEmpty() ? "unknown" : name;
  }
}
