package dev.sluice.examples.demo;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The support topics customers ask about, with the words a good answer mentions. */
final class Topics {

  record Topic(String question, String answer, List<String> keywords) {}

  static final List<Topic> ALL = List.of(
      new Topic("How do I reset my password?", "Open Settings, then Security, choose Reset password and follow the e-mail link.",
          List.of("settings", "security", "password", "link")),
      new Topic("Where is my refund?", "Refunds reach your card 5 to 7 business days after we receive the return.",
          List.of("refund", "card", "days", "return")),
      new Topic("When will my order ship?", "Orders ship within 24 hours; the tracking number arrives by e-mail.",
          List.of("ship", "hours", "tracking", "e-mail")),
      new Topic("Can I get a copy of my invoice?", "Download any invoice from Billing, then Invoices, as a PDF.",
          List.of("billing", "invoices", "pdf", "download")),
      new Topic("How do I cancel my subscription?", "Go to Billing, then Plan, and choose Cancel; you keep access until the period ends.",
          List.of("billing", "plan", "cancel", "access")),
      new Topic("How do I change my delivery address?", "Edit the address under Account, then Addresses, before the order ships.",
          List.of("account", "addresses", "edit", "ships")),
      new Topic("How do I turn on two-factor authentication?", "Open Settings, then Security, and scan the QR code with your authenticator app.",
          List.of("settings", "security", "qr", "authenticator")),
      new Topic("How do I delete my account?", "Under Account, then Privacy, choose Delete account; we confirm by e-mail within a day.",
          List.of("account", "privacy", "delete", "confirm")));

  private Topics() {}

  static Topic pick(SplittableRandom r) {
    return ALL.get(r.nextInt(ALL.size()));
  }

  /** The topic a request is about, by its question. */
  static Topic of(String userText) {
    String t = userText.toLowerCase(Locale.ROOT);
    for (Topic topic : ALL) {
      if (t.contains(topic.question().toLowerCase(Locale.ROOT).substring(0, 12))) {
        return topic;
      }
    }
    return ALL.get(0);
  }

  /** The share of the topic's keywords an answer mentions, 0 to 1: the demo's quality score. */
  static double quality(String userText, String answer) {
    Topic topic = of(userText);
    String a = answer.toLowerCase(Locale.ROOT);
    long hit = topic.keywords().stream().filter(a::contains).count();
    return (double) hit / topic.keywords().size();
  }
}
