package dev.sluice.openai;

/** Every hostile answer of {@link HostileUpstreamTest}, met the same way when whole calls use the JDK's sendAsync. */
class HostileUpstreamAsyncTest extends HostileUpstreamTest {

  @Override
  OpenAiCompatibleClient.Builder builder() {
    return OpenAiCompatibleClient.builder().asyncSend(true);
  }
}
