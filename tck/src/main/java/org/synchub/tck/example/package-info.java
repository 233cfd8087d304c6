/**
 * A complete backplane written against the driver SPI alone, as an example for driver authors and as the driver
 * the TCK is shown to accept: {@link org.synchub.tck.example.TcpBroker} is the wire (a loopback TCP broker that copies
 * each frame to every connection of its channel), {@link org.synchub.tck.example.TcpAdapter} and its driver are the
 * transport (under 150 lines together). Not meant for production: the broker is a single point of failure and
 * keeps nothing.
 */
package org.synchub.tck.example;
