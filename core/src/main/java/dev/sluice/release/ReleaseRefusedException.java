package dev.sluice.release;

/**
 * A release that was not published, and why: another candidate is rolling out on the route, its id
 * already names other content, or its {@code promptVersion} already names another prompt. Nothing
 * changed; the refusal is in the route's release history.
 */
public class ReleaseRefusedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String route;
  private final String release;
  private final String reason;
  private final boolean waits;

  public ReleaseRefusedException(String route, String release, String reason, boolean waits) {
    super("route '" + route + "': release '" + release + "' refused: " + reason);
    this.route = route;
    this.release = release;
    this.reason = reason;
    this.waits = waits;
  }

  /** Whether it was refused only because another release is rolling out: it may be published once that one ends. */
  public boolean waits() {
    return waits;
  }

  public String route() {
    return route;
  }

  public String release() {
    return release;
  }

  /** Why, without the route and release. */
  public String reason() {
    return reason;
  }
}
