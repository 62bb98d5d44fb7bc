package dev.lintas.broker.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The ready messages of a queue, in enqueue order, with requeued messages back at their original positions. New
 * messages append to a deque; requeued ones wait in a heap ordered by position, and the head is the earlier of the two
 * heads. Every message taken from the deque was its head, so the heap only holds positions behind the deque's; the
 * common path is O(1) and a requeue O(log n). Guarded by the queue's lock.
 */
final class ReadyMessages {

    private final ArrayDeque<QueuedMessage> fresh = new ArrayDeque<>();
    private final PriorityQueue<QueuedMessage> requeued =
            new PriorityQueue<>(Comparator.comparingLong(message -> message.seq));
    private long bytes;

    void add(QueuedMessage message) {
        fresh.addLast(message);
        bytes += message.size();
    }

    void requeue(QueuedMessage message) {
        requeued.add(message);
        bytes += message.size();
    }

    QueuedMessage peek() {
        QueuedMessage first = fresh.peekFirst();
        QueuedMessage back = requeued.peek();
        if (back != null && (first == null || back.seq < first.seq)) {
            return back;
        }
        return first;
    }

    QueuedMessage poll() {
        QueuedMessage head = peek();
        if (head != null) {
            if (head == requeued.peek()) {
                requeued.poll();
            } else {
                fresh.pollFirst();
            }
            bytes -= head.size();
        }
        return head;
    }

    /** Removes every message, in queue order. */
    List<QueuedMessage> clear() {
        List<QueuedMessage> all = new ArrayList<>(size());
        for (QueuedMessage head = poll(); head != null; head = poll()) {
            all.add(head);
        }
        return all;
    }

    boolean isEmpty() {
        return fresh.isEmpty() && requeued.isEmpty();
    }

    int size() {
        return fresh.size() + requeued.size();
    }

    long bytes() {
        return bytes;
    }
}
