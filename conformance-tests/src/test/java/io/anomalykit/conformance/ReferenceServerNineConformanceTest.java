package io.anomalykit.conformance;

import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.ConformanceSuite;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Target;

import java.util.Map;

/**
 * The reference server in 9 mode against the kit's version cases: a 9.x target declares the 8.x-only capabilities
 * missing (REST API version 7, the {@code _xpack/ml} paths), declares REST API version 9, and passes the rest of {@code compatibility.yaml}.
 */
class ReferenceServerNineConformanceTest extends ConformanceSuite {

    @Override
    protected Target target() {
        return ReferenceServer.target(ReferenceServer.urlOfNine()).with(Capability.REST_API_V9)
                .without(Capability.REST_API_V7).without(Capability.LEGACY_PREFIX).build();
    }

    @Override
    protected KitConfig config() {
        return KitConfig.builder().set(Setting.INCLUDE, "^compatibility\\.").set(Setting.STRICT, "true").build(Map.of());
    }
}
