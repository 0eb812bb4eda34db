package io.anomalykit.server.store;

import io.anomalykit.server.error.EsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The optimistic-concurrency conditions of one write: {@code if_seq_no} with {@code if_primary_term}, or
 * {@code version} with {@code version_type}, as Elasticsearch's {@code DocWriteRequest} carries them and its engine
 * ({@code InternalEngine.planIndexingAsPrimary}, {@code planDeletionAsPrimary}) checks them.
 *
 * @param ifSeqNo       {@link #UNASSIGNED_SEQ_NO} when not given
 * @param ifPrimaryTerm 0 when not given
 * @param version       {@link #MATCH_ANY} when not given
 */
public record WriteCondition(long ifSeqNo, long ifPrimaryTerm, long version, VersionType versionType) {

    /** {@code SequenceNumbers.UNASSIGNED_SEQ_NO}. */
    public static final long UNASSIGNED_SEQ_NO = -2;
    /** {@code Versions.MATCH_ANY}. */
    public static final long MATCH_ANY = -3;
    /** This server has one primary, which never changes: every operation is in term 1. */
    public static final long PRIMARY_TERM = 1;
    public static final WriteCondition NONE = new WriteCondition(UNASSIGNED_SEQ_NO, 0, MATCH_ANY, VersionType.INTERNAL);

    /** Elasticsearch's {@code VersionType}s that a write may name. */
    public enum VersionType {
        INTERNAL, EXTERNAL, EXTERNAL_GTE;

        /** {@code VersionType.fromString}. */
        public static VersionType parse(String text) {
            return switch (text) {
                case "internal" -> INTERNAL;
                case "external", "external_gt" -> EXTERNAL;
                case "external_gte" -> EXTERNAL_GTE;
                default -> throw EsException.illegalArgument("No version type match [" + text + "]");
            };
        }
    }

    public boolean seqNoBased() {
        return ifSeqNo != UNASSIGNED_SEQ_NO;
    }

    public boolean external() {
        return versionType != VersionType.INTERNAL;
    }

    /**
     * {@code IndexRequest.validate} and {@code DeleteRequest.validate} ({@code DocWriteRequest.validateSeqNoBasedCASParams}):
     * the errors of one request, in Elasticsearch's order.
     */
    public List<String> validate(WriteOp.Kind kind, String id) {
        List<String> errors = new ArrayList<>();
        if (kind == WriteOp.Kind.CREATE) {
            if (versionType != VersionType.INTERNAL) {
                errors.add("create operations only support internal versioning. use index instead");
            } else if (version != MATCH_ANY) {
                errors.add("create operations do not support explicit versions. use index instead");
            } else if (ifSeqNo != UNASSIGNED_SEQ_NO || ifPrimaryTerm != 0) {
                errors.add("create operations do not support compare and set. use index instead");
            }
            if (!errors.isEmpty()) {
                return errors;
            }
        }
        if (id == null && kind != WriteOp.Kind.DELETE && (versionType != VersionType.INTERNAL || version != MATCH_ANY)) {
            errors.add("an id must be provided if version type or value are set");
        }
        boolean validVersion = versionType == VersionType.INTERNAL ? version > 0 || version == MATCH_ANY : version >= 0;
        if (!validVersion) {
            errors.add("illegal version value [" + version + "] for version type [" + versionType.name() + "]");
        }
        if (versionType == VersionType.INTERNAL && version != MATCH_ANY) {
            errors.add("internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and "
                    + "`if_primary_term` instead");
        }
        if (ifSeqNo != UNASSIGNED_SEQ_NO && (versionType != VersionType.INTERNAL || version != MATCH_ANY)) {
            errors.add("compare and write operations can not use versioning");
        }
        if (ifPrimaryTerm == 0 && ifSeqNo != UNASSIGNED_SEQ_NO) {
            errors.add("ifSeqNo is set, but primary term is [0]");
        }
        if (ifPrimaryTerm != 0 && ifSeqNo == UNASSIGNED_SEQ_NO) {
            errors.add("ifSeqNo is unassigned, but primary term is [" + ifPrimaryTerm + "]");
        }
        return errors;
    }

    /**
     * The engine's check against the document as it is now ({@code VersionConflictEngineException} and
     * {@code VersionType.explainConflictForWrites}).
     *
     * @param currentVersion the document's version, or -1 when there is none
     * @param currentSeqNo   the document's sequence number, or -1 when there is none
     * @return null when the write may go ahead, else the 409 to answer
     */
    public EsException conflict(String index, String id, long currentVersion, long currentSeqNo) {
        String reason = null;
        if (seqNoBased()) {
            if (currentVersion < 0) {
                reason = "required seqNo [" + ifSeqNo + "], primary term [" + ifPrimaryTerm + "]. but no document was found";
            } else if (currentSeqNo != ifSeqNo || ifPrimaryTerm != PRIMARY_TERM) {
                reason = "required seqNo [" + ifSeqNo + "], primary term [" + ifPrimaryTerm + "]. current document has seqNo ["
                        + currentSeqNo + "] and primary term [" + PRIMARY_TERM + "]";
            }
        } else if (currentVersion >= 0 && versionType == VersionType.EXTERNAL && currentVersion >= version) {
            reason = "current version [" + currentVersion + "] is higher or equal to the one provided [" + version + "]";
        } else if (currentVersion >= 0 && versionType == VersionType.EXTERNAL_GTE && currentVersion > version) {
            reason = "current version [" + currentVersion + "] is higher than the one provided [" + version + "]";
        }
        return reason == null ? null : conflict(index, "[" + id + "]: version conflict, " + reason);
    }

    /**
     * A {@code VersionConflictEngineException}: an {@code EngineException} names its shard, so the error carries
     * {@code index_uuid}, {@code shard} and {@code index}, in the order Elasticsearch's metadata map writes them.
     */
    public static EsException conflict(String index, String reason) {
        return EsException.of(409, "version_conflict_engine_exception", reason)
                .withMetadata("index_uuid", EsException.indexUuid(index)).withMetadata("shard", "0")
                .withMetadata("index", index);
    }

    /** The version the write leaves: the one given for external versioning, else one more than the current. */
    public long nextVersion(long currentVersion) {
        return external() ? version : currentVersion < 0 ? 1 : currentVersion + 1;
    }

    @Override
    public String toString() {
        return versionType.name().toLowerCase(Locale.ROOT) + "@" + version + "/" + ifSeqNo + ":" + ifPrimaryTerm;
    }
}
