package org.camelgateway.balancer;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * A started pool as a {@link BackendPoolMBean} in the platform MBean server, beside Camel's own MBeans under
 * {@code org.apache.camel:context=<context>,type=pools,name="<pool>"}.
 */
final class PoolJmx implements BackendPoolMBean {

    private final StartedPool pool;
    private final ObjectName objectName;

    private PoolJmx(StartedPool pool, ObjectName objectName) {
        this.pool = pool;
        this.objectName = objectName;
    }

    static PoolJmx register(StartedPool pool, String camelContextName) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.apache.camel:context=" + camelContextName + ",type=pools,name="
                + ObjectName.quote(pool.name()));
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        PoolJmx jmx = new PoolJmx(pool, name);
        server.registerMBean(new StandardMBean(jmx, BackendPoolMBean.class), name);
        return jmx;
    }

    void unregister() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
    }

    @Override
    public String[] getMembers() {
        return pool.members().stream().map(m -> m.name).toArray(String[]::new);
    }

    @Override
    public int[] getWeights() {
        return pool.rotation().weights();
    }

    @Override
    public String[] getHealth() {
        long now = pool.nanoTime().getAsLong();
        return pool.members().stream().map(m -> m.health(now)).toArray(String[]::new);
    }

    @Override
    public String[] getBreakerStates() {
        return pool.members().stream().map(m -> m.breaker.getState().name()).toArray(String[]::new);
    }

    @Override
    public long[] getRequests() {
        return pool.members().stream().mapToLong(m -> m.requests.get()).toArray();
    }

    @Override
    public long[] getFailures() {
        return pool.members().stream().mapToLong(m -> m.failures.get()).toArray();
    }

    @Override
    public long[] getEjections() {
        return pool.members().stream().mapToLong(m -> m.ejections.get()).toArray();
    }

    @Override
    public long getRetries() {
        return pool.retries().get();
    }

    @Override
    public long getRetriesDenied() {
        return pool.budget().denied();
    }

    @Override
    public void setWeight(String member, int weight) {
        pool.rotation().setWeight(pool.member(member).index, weight);
    }

    @Override
    public void drain(String member) {
        pool.member(member).drained = true;
    }

    @Override
    public void restore(String member) {
        pool.member(member).drained = false;
    }
}
