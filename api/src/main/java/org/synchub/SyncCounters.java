package org.synchub;

/**
 * A point-in-time snapshot of a hub's counters, from {@link SyncHub#counters()}. Counts are since the hub was
 * created and only grow; the gauges ({@link #sessions()}, {@link #subscriptions()}, {@link #relayQueueBytes()},
 * {@link #largestSessionQueueBytes()}) are current values.
 *
 * <p>An immutable value, safe to share between threads. It is made by a {@link Builder} whose values all start at
 * 0, so that a new counter adds an accessor and a builder method without breaking anything that reads or makes
 * counters today.
 */
public final class SyncCounters {

    private final long published;
    private final long relayed;
    private final long received;
    private final long delivered;
    private final long dropped;
    private final long malformed;
    private final long gaps;
    private final long subscribeFailures;
    private final long publishFailures;
    private final long deliveryFailures;
    private final int sessions;
    private final long subscriptions;
    private final long relayQueueBytes;
    private final long largestSessionQueueBytes;
    private final long fanOuts;
    private final long fanOutNanos;
    private final long probes;
    private final long probeNanos;
    private final long probeFailures;

    private SyncCounters(Builder b) {
        published = b.published;
        relayed = b.relayed;
        received = b.received;
        delivered = b.delivered;
        dropped = b.dropped;
        malformed = b.malformed;
        gaps = b.gaps;
        subscribeFailures = b.subscribeFailures;
        publishFailures = b.publishFailures;
        deliveryFailures = b.deliveryFailures;
        sessions = b.sessions;
        subscriptions = b.subscriptions;
        relayQueueBytes = b.relayQueueBytes;
        largestSessionQueueBytes = b.largestSessionQueueBytes;
        fanOuts = b.fanOuts;
        fanOutNanos = b.fanOutNanos;
        probes = b.probes;
        probeNanos = b.probeNanos;
        probeFailures = b.probeFailures;
    }

    /**
     * A builder with every value 0.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return publish calls accepted (from sessions and from server code) */
    public long published() {
        return published;
    }

    /** @return messages written to the backplane for other instances (a message that could not be written is a
     *          publish failure, never relayed) */
    public long relayed() {
        return relayed;
    }

    /** @return messages that arrived from other instances */
    public long received() {
        return received;
    }

    /** @return messages handed to a local session's send queue (one per recipient), direct sends included */
    public long delivered() {
        return delivered;
    }

    /** @return messages a local session did not get because its send queue was full (messages the driver could not
     *          relay are counted in {@link #publishFailures()}) */
    public long dropped() {
        return dropped;
    }

    /** @return frames from the backplane that were not valid envelopes or were over the size limit (dropped) */
    public long malformed() {
        return malformed;
    }

    /** @return messages from other instances known lost on the way (skipped sequence numbers) */
    public long gaps() {
        return gaps;
    }

    /** @return failures reported or suppressed with stage {@link SyncStage#SUBSCRIBE} */
    public long subscribeFailures() {
        return subscribeFailures;
    }

    /** @return failures with stage {@link SyncStage#PUBLISH} */
    public long publishFailures() {
        return publishFailures;
    }

    /** @return failures with stage {@link SyncStage#DELIVERY} */
    public long deliveryFailures() {
        return deliveryFailures;
    }

    /** @return sessions currently subscribed to at least one topic */
    public int sessions() {
        return sessions;
    }

    /** @return (session, topic) subscriptions now */
    public long subscriptions() {
        return subscriptions;
    }

    /** @return bytes waiting in the driver's relay queue now */
    public long relayQueueBytes() {
        return relayQueueBytes;
    }

    /** @return bytes queued or in flight for the most backed-up session now */
    public long largestSessionQueueBytes() {
        return largestSessionQueueBytes;
    }

    /** @return messages fanned out to local subscribers (published here or received) */
    public long fanOuts() {
        return fanOuts;
    }

    /** @return total time spent queueing those copies, in nanoseconds */
    public long fanOutNanos() {
        return fanOutNanos;
    }

    /** @return self-probes that came back through the backplane */
    public long probes() {
        return probes;
    }

    /** @return their total round-trip time, in nanoseconds */
    public long probeNanos() {
        return probeNanos;
    }

    /** @return self-probes that did not come back in time */
    public long probeFailures() {
        return probeFailures;
    }

    /**
     * Failures of one stage.
     *
     * @param stage the stage
     * @return the failures counted for it
     */
    public long failures(SyncStage stage) {
        return switch (stage) {
            case SUBSCRIBE -> subscribeFailures;
            case PUBLISH -> publishFailures;
            case DELIVERY -> deliveryFailures;
        };
    }

    @Override
    public String toString() {
        return "SyncCounters[published=" + published + ", relayed=" + relayed + ", received=" + received
                + ", delivered=" + delivered + ", dropped=" + dropped + ", malformed=" + malformed + ", gaps=" + gaps
                + ", subscribeFailures=" + subscribeFailures + ", publishFailures=" + publishFailures
                + ", deliveryFailures=" + deliveryFailures + ", sessions=" + sessions + ", subscriptions="
                + subscriptions + ", relayQueueBytes=" + relayQueueBytes + ", largestSessionQueueBytes="
                + largestSessionQueueBytes + ", fanOuts=" + fanOuts + ", fanOutNanos=" + fanOutNanos + ", probes="
                + probes + ", probeNanos=" + probeNanos + ", probeFailures=" + probeFailures + "]";
    }

    /** Makes {@link SyncCounters}; every value starts at 0. Not thread-safe. */
    public static final class Builder {
        private long published;
        private long relayed;
        private long received;
        private long delivered;
        private long dropped;
        private long malformed;
        private long gaps;
        private long subscribeFailures;
        private long publishFailures;
        private long deliveryFailures;
        private int sessions;
        private long subscriptions;
        private long relayQueueBytes;
        private long largestSessionQueueBytes;
        private long fanOuts;
        private long fanOutNanos;
        private long probes;
        private long probeNanos;
        private long probeFailures;

        private Builder() {
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#published()}
         * @return this
         */
        public Builder published(long value) {
            published = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#relayed()}
         * @return this
         */
        public Builder relayed(long value) {
            relayed = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#received()}
         * @return this
         */
        public Builder received(long value) {
            received = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#delivered()}
         * @return this
         */
        public Builder delivered(long value) {
            delivered = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#dropped()}
         * @return this
         */
        public Builder dropped(long value) {
            dropped = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#malformed()}
         * @return this
         */
        public Builder malformed(long value) {
            malformed = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#gaps()}
         * @return this
         */
        public Builder gaps(long value) {
            gaps = value;
            return this;
        }

        /**
         * The failures of one stage.
         *
         * @param stage the stage
         * @param value see {@link SyncCounters#failures(SyncStage)}
         * @return this
         */
        public Builder failures(SyncStage stage, long value) {
            switch (stage) {
                case SUBSCRIBE -> subscribeFailures = value;
                case PUBLISH -> publishFailures = value;
                case DELIVERY -> deliveryFailures = value;
            }
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#sessions()}
         * @return this
         */
        public Builder sessions(int value) {
            sessions = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#subscriptions()}
         * @return this
         */
        public Builder subscriptions(long value) {
            subscriptions = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#relayQueueBytes()}
         * @return this
         */
        public Builder relayQueueBytes(long value) {
            relayQueueBytes = value;
            return this;
        }

        /**
         * Sets a value.
         *
         * @param value see {@link SyncCounters#largestSessionQueueBytes()}
         * @return this
         */
        public Builder largestSessionQueueBytes(long value) {
            largestSessionQueueBytes = value;
            return this;
        }

        /**
         * The fan-outs and the time they took.
         *
         * @param count see {@link SyncCounters#fanOuts()}
         * @param nanos see {@link SyncCounters#fanOutNanos()}
         * @return this
         */
        public Builder fanOuts(long count, long nanos) {
            fanOuts = count;
            fanOutNanos = nanos;
            return this;
        }

        /**
         * The self-probes.
         *
         * @param returned see {@link SyncCounters#probes()}
         * @param nanos    see {@link SyncCounters#probeNanos()}
         * @param failed   see {@link SyncCounters#probeFailures()}
         * @return this
         */
        public Builder probes(long returned, long nanos, long failed) {
            probes = returned;
            probeNanos = nanos;
            probeFailures = failed;
            return this;
        }

        /** @return the counters with the values set */
        public SyncCounters build() {
            return new SyncCounters(this);
        }
    }
}
