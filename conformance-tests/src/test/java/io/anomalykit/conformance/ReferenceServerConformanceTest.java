package io.anomalykit.conformance;

import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.junit.ConformanceSuite;
import io.anomalykit.conformance.service.Target;

import java.util.Properties;

/**
 * The reference server passes the kit — strictly: a recommended or optional case it fails is a failure here, not a
 * skip. The {@link #target()} override is also the whole of what an implementer writes.
 */
class ReferenceServerConformanceTest extends ConformanceSuite {

    @Override
    protected KitConfig config() {
        Properties properties = new Properties();
        properties.putAll(System.getProperties());
        properties.setProperty("anomalykit.strict", "true");
        return KitConfig.fromSystemProperties(properties, System.getenv());
    }

    @Override
    protected Target target() {
        return ReferenceServer.target(ReferenceServer.url()).build();
    }
}
