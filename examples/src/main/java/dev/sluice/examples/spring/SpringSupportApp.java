package dev.sluice.examples.spring;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot way: {@code application.yml} declares the route, its variants and rollout; the
 * starter builds the {@code Sluice} bean and routes {@link SupportService}'s {@code @LlmRoute}
 * method. Run: {@code ./mvnw -q -B -DskipTests -pl examples -am package exec:java
 * -Ddemo.mainClass=dev.sluice.examples.spring.SpringSupportApp}.
 */
@SpringBootApplication
public class SpringSupportApp {

  public static ConfigurableApplicationContext run(String... args) {
    SpringApplication app = new SpringApplication(SpringSupportApp.class);
    app.setAdditionalProfiles("sluice-example");
    return app.run(args);
  }

  @Bean
  CommandLineRunner askOnce(SupportService support) {
    return args -> System.out.println("user-42 got: " + support.answer("user-42", "acme", "How do I reset my password?"));
  }

  public static void main(String[] args) {
    run(args).close();
  }
}
