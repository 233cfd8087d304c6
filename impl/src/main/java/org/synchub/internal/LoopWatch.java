package org.synchub.internal;

/**
 * Progress of one relay loop (the listener, the publisher, fan-in), reported by the loop's own thread to the hub's
 * watchdog, so that a thread stuck inside one frame is noticed and reported, and one that died is known.
 * {@link #busy()} and {@link #idle()} are cheap (a couple of volatile writes) and may be called for every frame.
 */
public interface LoopWatch {

    /** A watch that watches nothing. */
    LoopWatch NONE = new LoopWatch() {
        @Override
        public void busy() {
        }

        @Override
        public void idle() {
        }

        @Override
        public void died(Throwable cause) {
        }
    };

    /** The calling thread starts handling one unit of input (a frame, a batch). */
    void busy();

    /** The calling thread has finished the unit of input started by {@link #busy()}. */
    void idle();

    /**
     * The loop has ended for good, for {@code cause}, and will not restart by itself: the hub is deaf (and no
     * longer live).
     *
     * @param cause why the loop ended
     */
    void died(Throwable cause);
}
