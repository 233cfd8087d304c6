package org.synchub.container.probe;

/**
 * One instance per loaded copy of this class, held by the class's own static field: a heap histogram shows one row
 * {@code org.synchub.container.probe.DeploymentMarker} per deployment class loader still in memory, so after
 * undeploying everything and a full GC the count must be 0, or a class loader leaked.
 */
public final class DeploymentMarker {

    private static final DeploymentMarker SELF = new DeploymentMarker();

    private DeploymentMarker() {
    }

    /** Loads and initialises this class in the calling deployment. */
    static DeploymentMarker touch() {
        return SELF;
    }
}
