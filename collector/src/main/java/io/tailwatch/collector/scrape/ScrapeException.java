package io.tailwatch.collector.scrape;

/** A target that could not be scraped; the message is one line naming the target and what to check. */
public final class ScrapeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ScrapeException(String message, Throwable cause) {
        super(message, cause);
    }

    public ScrapeException(String message) {
        super(message);
    }
}
