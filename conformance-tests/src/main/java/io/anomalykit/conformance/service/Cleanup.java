package io.anomalykit.conformance.service;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run created on the target, each with how to delete it. A seeder adds an entry right after it created
 * something, and only then, so that the run deletes what it created and never anything else. Safe to share between
 * threads.
 */
public final class Cleanup {

    /** Deletes one thing; throws, saying why, when the target refused. */
    @FunctionalInterface
    public interface Deletion {
        void delete();
    }

    private record Entry(String what, Deletion deletion) {
    }

    private final List<Entry> entries = new ArrayList<>();
    /** Deletes what is still remembered if the JVM is stopped (Ctrl-C, SIGTERM) before the run ends. */
    private Thread onShutdown;

    /** Remembers that the run created {@code what} (such as {@code job anomalykit-x1-it-ops-kpi}) and how to delete it. */
    public synchronized void created(String what, Deletion deletion) {
        entries.add(new Entry(what, deletion));
        if (onShutdown == null) {
            onShutdown = new Thread(() -> {
                List<String> left = deleteAll();
                if (!left.isEmpty()) {
                    System.err.println("WARNING: anomalykit: stopped before the run ended; could not delete what it "
                            + "created: " + String.join("; ", left));
                }
            }, "anomalykit-cleanup");
            Runtime.getRuntime().addShutdownHook(onShutdown);
        }
    }

    /**
     * Deletes everything remembered, newest first, and forgets it; a deletion that fails does not stop the others.
     *
     * @return what could not be deleted, each with the reason, in words; empty when everything was
     */
    public List<String> deleteAll() {
        List<Entry> toDelete;
        synchronized (this) {
            toDelete = new ArrayList<>(entries);
            entries.clear();
            if (onShutdown != null && Thread.currentThread() != onShutdown) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onShutdown);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: it finds nothing left to delete
                }
            }
            onShutdown = null;
        }
        List<String> left = new ArrayList<>();
        for (int i = toDelete.size() - 1; i >= 0; i--) {
            Entry entry = toDelete.get(i);
            try {
                entry.deletion().delete();
            } catch (RuntimeException e) {
                left.add(entry.what() + " (" + e.getMessage() + ")");
            }
        }
        return left;
    }
}
