package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.LongAdder;

/**
 * The recordings of one label set of the HTTP server metrics: method, status code, error type and route.
 * Label values are fixed at creation; the recording methods are safe from any thread.
 */
public final class RequestSeries {
    private final String method;
    private final String statusCode;
    private final String errorType;
    private final String route;
    private final boolean overflow;

    private final BucketCounts duration;
    private final LongAdder requestBodyBytes = new LongAdder();
    private final LongAdder requestBodyCount = new LongAdder();
    private final LongAdder responseBodyBytes = new LongAdder();
    private final LongAdder responseBodyCount = new LongAdder();

    RequestSeries(String method, String statusCode, String errorType, String route, boolean overflow, long[] durationBoundsNanos) {
        this.duration = new BucketCounts(durationBoundsNanos);
        this.method = method;
        this.statusCode = statusCode;
        this.errorType = errorType;
        this.route = route;
        this.overflow = overflow;
    }

    void record(long durationNanos, long requestBodySize, long responseBodySize) {
        duration.record(durationNanos);
        if (requestBodySize >= 0) {
            requestBodyBytes.add(requestBodySize);
            requestBodyCount.increment();
        }
        if (responseBodySize >= 0) {
            responseBodyBytes.add(responseBodySize);
            responseBodyCount.increment();
        }
    }

    /** The {@code http_request_method} label value. */
    public String method() {
        return method;
    }

    /** The {@code http_response_status_code} label value, or null when no response was sent. */
    public String statusCode() {
        return statusCode;
    }

    /** The {@code error_type} label value, or null for a request that did not fail. */
    public String errorType() {
        return errorType;
    }

    /** The {@code http_route} label value: the framework's route template, or null where none is known. */
    public String route() {
        return route;
    }

    /** True for the one series that collects requests beyond the label-set cap. */
    public boolean isOverflow() {
        return overflow;
    }

    /** Request durations in nanoseconds, in the configured buckets. */
    public BucketCounts duration() {
        return duration;
    }

    public long requestBodyBytes() {
        return requestBodyBytes.sum();
    }

    public long requestBodyCount() {
        return requestBodyCount.sum();
    }

    public long responseBodyBytes() {
        return responseBodyBytes.sum();
    }

    public long responseBodyCount() {
        return responseBodyCount.sum();
    }
}
