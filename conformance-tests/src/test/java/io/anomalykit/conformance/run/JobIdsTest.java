package io.anomalykit.conformance.run;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.service.Dataset;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a job id gets the run's prefix, and where it must not. */
class JobIdsTest {

    private static final CaseLibrary LIBRARY = CaseLibrary.load();
    private static final JobIds RENAMED = new JobIds("p1-", Set.of("it-ops-kpi", "it_ops_new_kpi"));

    @Test
    void anIdIsRenamedWhereverItStartsAName() {
        assertThat(RENAMED.rename("/_ml/anomaly_detectors/it-ops-kpi,anomalykit-missing/results/records"))
                .isEqualTo("/_ml/anomaly_detectors/p1-it-ops-kpi,anomalykit-missing/results/records");
        // The write alias (after its '-') and a result id (before its '_') follow the job.
        assertThat(RENAMED.rename("{\"_index\":\".ml-anomalies-.write-it_ops_new_kpi\",\"_id\":\"it-ops-kpi_record_1\"}"))
                .isEqualTo("{\"_index\":\".ml-anomalies-.write-p1-it_ops_new_kpi\",\"_id\":\"p1-it-ops-kpi_record_1\"}");
        // Not inside a longer word, nor another id that merely starts alike.
        assertThat(RENAMED.rename("my_it-ops-kpi it-ops-kpi2 xit_ops_new_kpi")).isEqualTo("my_it-ops-kpi it-ops-kpi2 xit_ops_new_kpi");
        assertThat(new JobIds("", Set.of("it-ops-kpi")).rename("it-ops-kpi")).isEqualTo("it-ops-kpi");
    }

    @Test
    void aDocumentedExampleExpectsThePrefixedJobIdAndItsDatasetIsCreatedUnderIt() {
        JobIds jobIds = new JobIds("p1-", LIBRARY.jobIds());
        Case example = jobIds.rename(LIBRARY.cases().stream()
                .filter(c -> c.id().equals("example.mlGetRecords.documented")).findFirst().orElseThrow());
        assertThat(example.request().path()).isEqualTo("/_ml/anomaly_detectors/p1-it-ops-kpi/results/records");
        assertThat(example.expect().body().toString()).contains("\"job_id\":\"p1-it-ops-kpi\"")
                .doesNotContain("\"job_id\":\"it-ops-kpi\"");
        Dataset documented = jobIds.rename(LIBRARY.dataset(CaseLibrary.DOCUMENTED_DATASET));
        assertThat(documented.jobs()).containsOnlyKeys("p1-it-ops-kpi", "p1-it_ops_new_kpi");
        assertThat(documented.bulkBody()).doesNotContain("write-it-ops-kpi").doesNotContain("\"job_id\":\"it_ops_new_kpi\"");
    }
}
