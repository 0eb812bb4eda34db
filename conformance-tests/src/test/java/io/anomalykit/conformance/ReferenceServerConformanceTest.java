package io.anomalykit.conformance;

import io.anomalykit.conformance.junit.ConformanceSuite;
import io.anomalykit.conformance.service.Target;

/** The reference server passes the kit: this is also the whole of what an implementer writes. */
class ReferenceServerConformanceTest extends ConformanceSuite {

    @Override
    protected Target target() {
        return ReferenceServer.target(ReferenceServer.url()).build();
    }
}
