package io.tailwatch.agent.recording;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finds the {@link RequestSeries} of a request without allocating on the common path and keeps
 * the number of label sets bounded.
 *
 * <p>Requests without a thrown exception are found by array index (method × status code): no
 * hashing, no key object. Requests with a route template are found by the template, which the
 * framework hands over as the same string object every time (its hash is cached), then by a scan
 * of the few method × status entries seen on that route. Requests that threw are found in a map
 * keyed by their exception class name, a rare path. Once {@code maxSeries} label sets exist, new
 * ones are not created: their requests go to a single overflow series and are counted in
 * {@link #overflowedRequests()}.
 */
public final class RequestSeriesTable {
    /** Status slots: 0 for "no response", 100..599 for themselves, 600 for anything else. */
    private static final int NO_STATUS = 0;
    private static final int OTHER_STATUS = 600;
    private static final int STATUS_SLOTS = 601;

    private final int maxSeries;
    private final AtomicReferenceArray<RequestSeries> byMethodAndStatus =
            new AtomicReferenceArray<>(HttpMethods.COUNT * STATUS_SLOTS);
    private final Map<ErrorKey, RequestSeries> withException = new ConcurrentHashMap<>();
    private final Map<String, RouteEntries> byRoute = new ConcurrentHashMap<>();
    private final List<RequestSeries> all = new CopyOnWriteArrayList<>();
    private final long[] durationBoundsNanos;
    private final RequestSeries overflow;
    private final LongAdder overflowedRequests = new LongAdder();

    /** @param durationBoundsNanos the duration histogram's bucket bounds, ascending */
    public RequestSeriesTable(int maxSeries, long[] durationBoundsNanos) {
        this.maxSeries = maxSeries;
        this.durationBoundsNanos = durationBoundsNanos.clone();
        this.overflow = new RequestSeries(null, null, null, null, true, this.durationBoundsNanos);
    }

    static int statusSlot(int status) {
        if (status >= 100 && status <= 599) {
            return status;
        }
        return status <= 0 ? NO_STATUS : OTHER_STATUS;
    }

    private static String statusLabel(int slot) {
        if (slot == NO_STATUS) {
            return null;
        }
        return slot == OTHER_STATUS ? "_OTHER" : Integer.toString(slot);
    }

    /**
     * The series to record one request in; each call counts as one request recorded, for the
     * overflow counter.
     *
     * @param methodIndex  from {@link HttpMethods}
     * @param status       the status code sent, or 0 when no response was sent
     * @param errorClass   the exception the request failed with, or null; a request that failed
     *                     without one (status 5xx, or no response) gets an error type too
     */
    public RequestSeries series(int methodIndex, int status, String errorClass) {
        return series(methodIndex, status, errorClass, null);
    }

    /**
     * As {@link #series(int, int, String)}, for a request the framework matched to a route.
     *
     * @param route the route template (such as {@code /owners/{ownerId}}), or null if none is known
     */
    public RequestSeries series(int methodIndex, int status, String errorClass, String route) {
        int slot = statusSlot(status);
        if (route != null && errorClass == null) {
            int key = methodIndex * STATUS_SLOTS + slot;
            RouteEntries entries = byRoute.get(route);
            RequestSeries s = entries == null ? null : entries.find(key);
            if (s == null) {
                s = createForRoute(route, key, methodIndex, slot);
            }
            return counted(s);
        }
        if (errorClass == null) {
            int index = methodIndex * STATUS_SLOTS + slot;
            RequestSeries s = byMethodAndStatus.get(index);
            if (s == null) {
                s = createFast(index, methodIndex, slot);
            }
            return counted(s);
        }
        ErrorKey key = new ErrorKey(methodIndex, slot, errorClass, route);
        RequestSeries s = withException.get(key);
        if (s == null) {
            s = createWithException(key);
        }
        return counted(s);
    }

    private RequestSeries counted(RequestSeries s) {
        if (s == overflow) {
            overflowedRequests.increment();
        }
        return s;
    }

    private synchronized RequestSeries createFast(int index, int methodIndex, int slot) {
        RequestSeries s = byMethodAndStatus.get(index);
        if (s != null) {
            return s;
        }
        String errorType = slot == NO_STATUS ? "_OTHER" : (slot >= 500 && slot <= 599 ? statusLabel(slot) : null);
        s = newSeries(HttpMethods.name(methodIndex), statusLabel(slot), errorType, null);
        // Also the overflow series is cached, so that requests beyond the cap stay lock-free.
        byMethodAndStatus.set(index, s);
        return s;
    }

    private synchronized RequestSeries createWithException(ErrorKey key) {
        RequestSeries s = withException.get(key);
        if (s != null) {
            return s;
        }
        s = newSeries(HttpMethods.name(key.methodIndex), statusLabel(key.statusSlot), key.errorClass, key.route);
        if (s != overflow) {
            // Past the cap nothing is added, so that the map stays bounded; such requests take
            // this lock, a path already as slow as the exception that led here.
            withException.put(key, s);
        }
        return s;
    }

    private synchronized RequestSeries createForRoute(String route, int key, int methodIndex, int slot) {
        RouteEntries entries = byRoute.get(route);
        RequestSeries s = entries == null ? null : entries.find(key);
        if (s != null) {
            return s;
        }
        String errorType = slot == NO_STATUS ? "_OTHER" : (slot >= 500 && slot <= 599 ? statusLabel(slot) : null);
        s = newSeries(HttpMethods.name(methodIndex), statusLabel(slot), errorType, route);
        if (s == overflow && entries == null) {
            // A route first seen past the cap is not kept, so that the map stays bounded; its
            // requests take this lock.
            return s;
        }
        byRoute.put(route, (entries == null ? RouteEntries.EMPTY : entries).with(key, s));
        return s;
    }

    private RequestSeries newSeries(String method, String status, String errorType, String route) {
        if (all.size() >= maxSeries) {
            return overflow;
        }
        RequestSeries s = new RequestSeries(method, status, errorType, route, false, durationBoundsNanos);
        all.add(s);
        return s;
    }

    /** Every series created so far, and the overflow series last if it was used. */
    public List<RequestSeries> all() {
        List<RequestSeries> copy = new ArrayList<>(all);
        if (overflowedRequests.sum() > 0) {
            copy.add(overflow);
        }
        return copy;
    }

    /** Requests recorded into the overflow series because the label-set cap was reached. */
    public long overflowedRequests() {
        return overflowedRequests.sum();
    }

    /** Bucket bounds of every series' duration histogram, in nanoseconds. */
    public long[] durationBoundsNanos() {
        return durationBoundsNanos.clone();
    }

    public int maxSeries() {
        return maxSeries;
    }

    /**
     * The series of one route, by method × status key: immutable, replaced whole under the table's
     * lock, so that readers scan it without one. A route sees a handful of keys.
     */
    private static final class RouteEntries {
        static final RouteEntries EMPTY = new RouteEntries(new int[0], new RequestSeries[0]);

        final int[] keys;
        final RequestSeries[] series;

        RouteEntries(int[] keys, RequestSeries[] series) {
            this.keys = keys;
            this.series = series;
        }

        RequestSeries find(int key) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == key) {
                    return series[i];
                }
            }
            return null;
        }

        RouteEntries with(int key, RequestSeries s) {
            int[] k = java.util.Arrays.copyOf(keys, keys.length + 1);
            RequestSeries[] v = java.util.Arrays.copyOf(series, series.length + 1);
            k[keys.length] = key;
            v[series.length] = s;
            return new RouteEntries(k, v);
        }
    }

    private static final class ErrorKey {
        final int methodIndex;
        final int statusSlot;
        final String errorClass;
        final String route;

        ErrorKey(int methodIndex, int statusSlot, String errorClass, String route) {
            this.methodIndex = methodIndex;
            this.statusSlot = statusSlot;
            this.errorClass = errorClass;
            this.route = route;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ErrorKey)) {
                return false;
            }
            ErrorKey k = (ErrorKey) o;
            return methodIndex == k.methodIndex && statusSlot == k.statusSlot && errorClass.equals(k.errorClass)
                    && Objects.equals(route, k.route);
        }

        @Override
        public int hashCode() {
            return Objects.hash(methodIndex, statusSlot, errorClass, route);
        }
    }
}
