package io.anomalykit.server.write;

import io.anomalykit.server.error.EsException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A duration as Elasticsearch's {@code TimeValue} parses and prints it: the amount in the unit it was written in
 * ({@code getStringRep}, what job configurations render) and the largest whole unit with one decimal
 * ({@code toString}, what validation messages quote).
 */
record TimeValue(long duration, TimeUnit unit) {

    /** {@code TimeValue.parseTimeValue}'s suffixes, longest first so that {@code ms} is not read as {@code s}. */
    private static final List<Suffix> SUFFIXES = List.of(new Suffix("nanos", TimeUnit.NANOSECONDS),
            new Suffix("micros", TimeUnit.MICROSECONDS), new Suffix("ms", TimeUnit.MILLISECONDS),
            new Suffix("s", TimeUnit.SECONDS), new Suffix("m", TimeUnit.MINUTES), new Suffix("h", TimeUnit.HOURS),
            new Suffix("d", TimeUnit.DAYS));

    private record Suffix(String text, TimeUnit unit) {
    }

    static TimeValue ofDays(long days) {
        return new TimeValue(days, TimeUnit.DAYS);
    }

    /**
     * {@code TimeValue.parseTimeValue(value, setting)}: {@code -1} and {@code 0} without a unit, otherwise a whole
     * number followed by one of the suffixes; anything else is a {@code parse_exception} naming the setting.
     */
    static TimeValue parse(String value, String setting) {
        String normalized = value.toLowerCase(java.util.Locale.ROOT).trim();
        if (normalized.equals("-1")) {
            return new TimeValue(-1, TimeUnit.MILLISECONDS);
        }
        if (normalized.equals("0")) {
            return new TimeValue(0, TimeUnit.MILLISECONDS);
        }
        for (Suffix suffix : SUFFIXES) {
            if (normalized.endsWith(suffix.text())) {
                String amount = normalized.substring(0, normalized.length() - suffix.text().length()).trim();
                return new TimeValue(amount(value, amount, setting), suffix.unit());
            }
        }
        throw EsException.of(400, "parse_exception", "failed to parse setting [" + setting + "] with value [" + value
                + "] as a time value: unit is missing or unrecognized");
    }

    private static long amount(String value, String amount, String setting) {
        try {
            long parsed = Long.parseLong(amount);
            if (parsed < -1) {
                throw EsException.illegalArgument("failed to parse setting [" + setting + "] with value [" + value
                        + "] as a time value: negative durations are not supported");
            }
            return parsed;
        } catch (NumberFormatException notWhole) {
            try {
                Double.parseDouble(amount);
                throw EsException.of(400, "parse_exception", "failed to parse [" + value
                        + "], fractional time values are not supported");
            } catch (NumberFormatException notNumber) {
                throw EsException.of(400, "parse_exception", "failed to parse [" + value + "]");
            }
        }
    }

    long nanos() {
        return unit.toNanos(duration);
    }

    long seconds() {
        return unit.toSeconds(duration);
    }

    /** {@code getStringRep}: the amount and the suffix it was given with. */
    String stringRep() {
        if (duration < 0) {
            return Long.toString(duration);
        }
        return duration + switch (unit) {
            case NANOSECONDS -> "nanos";
            case MICROSECONDS -> "micros";
            case MILLISECONDS -> "ms";
            case SECONDS -> "s";
            case MINUTES -> "m";
            case HOURS -> "h";
            case DAYS -> "d";
        };
    }

    /**
     * {@code toString} ({@code toHumanReadableString(1)}): the largest unit reaching 1, one decimal cut (not rounded)
     * by {@code Strings.format1Decimals}, no trailing ".0".
     */
    @Override
    public String toString() {
        if (duration < 0) {
            return Long.toString(duration);
        }
        long nanos = nanos();
        if (nanos == 0) {
            return "0s";
        }
        TimeUnit[] units = {TimeUnit.DAYS, TimeUnit.HOURS, TimeUnit.MINUTES, TimeUnit.SECONDS, TimeUnit.MILLISECONDS,
            TimeUnit.MICROSECONDS};
        String[] suffixes = {"d", "h", "m", "s", "ms", "micros"};
        for (int i = 0; i < units.length; i++) {
            long unitNanos = units[i].toNanos(1);
            if (nanos >= unitNanos) {
                BigDecimal value = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unitNanos), 1, RoundingMode.DOWN);
                return value.stripTrailingZeros().toPlainString() + suffixes[i];
            }
        }
        return nanos + "nanos";
    }
}
